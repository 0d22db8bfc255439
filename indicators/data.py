"""The snapshot as the indicator layer sees it, and the queries the pages make of it.

Every query returns a small DataFrame (or a number) for one area and period basis.
Figures for a period are sums of monthly counts; a period is *complete* for a measure
only when all 12 of its months lie within that measure's source coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.areas import Area, borough_codes
from indicators.measures import MEASURES, RATES, build_counts
from indicators.periods import Period, periods_between
from loaders.geography import NOT_ASSIGNED, NOT_ASSIGNED_CODE
from loaders.snapshot import SNAPSHOT_DIR, read_geojson, read_manifest, read_table

MONTH_TABLES = ["homicide_victims", "knife_crime", "borough_crime", "stop_search", "stop_search_by_object_third_party"]


@dataclass
class Snapshot:
    """Tables read once per snapshot version; everything else is derived from them."""

    version: str
    manifest: dict
    areas: pd.DataFrame
    counts: dict[str, pd.DataFrame]  # measure -> month x borough-code counts (see build_counts)
    coverage: dict[str, pd.DatetimeIndex]  # source table -> months it holds
    boundaries: dict  # borough GeoJSON (GSS_CODE, NAME), City of London included
    bcu_outlines: dict  # BCU GeoJSON (BCU)
    population: pd.DataFrame  # year, area_code, age, population, series (ONS mid-year estimates)
    searches: pd.DataFrame  # snapshot table stop_search (aggregated counts of searches)
    searched_people: pd.DataFrame  # snapshot table stop_search_people (weapons searches by who was searched)
    census_ethnicity: pd.DataFrame  # area_code, ethnic_group, population (Census 2021)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)  # area series, residents

    @classmethod
    def load(cls, snapshot_dir: Path = SNAPSHOT_DIR) -> Snapshot:
        manifest = read_manifest(snapshot_dir)
        tables = {name: read_table(name, snapshot_dir) for name in MONTH_TABLES}
        coverage = {}
        for name, frame in tables.items():
            entry = manifest["tables"][name]
            if name == "stop_search":  # record-level months may have gaps
                coverage[name] = pd.DatetimeIndex(sorted(frame["month"].unique()))
            elif entry["first_month"]:
                coverage[name] = pd.date_range(entry["first_month"], entry["last_month"], freq="MS")
            else:
                coverage[name] = pd.DatetimeIndex([])
        boundaries, bcus = read_geojson("boroughs_geojson", snapshot_dir), read_geojson("bcus_geojson", snapshot_dir)
        return cls(
            manifest["version"],
            manifest,
            read_table("areas", snapshot_dir),
            build_counts(tables, coverage),
            coverage,
            boundaries,
            bcus,
            read_table("population", snapshot_dir),
            tables["stop_search"],
            read_table("stop_search_people", snapshot_dir),
            read_table("census_ethnicity", snapshot_dir),
        )

    # ---- coverage -------------------------------------------------------------------------------

    def months_covered(self, measure_key: str) -> pd.DatetimeIndex:
        return self.coverage[MEASURES[self.count_key(measure_key)].table]

    def data_through(self, measure_key: str) -> pd.Timestamp | None:
        months = self.months_covered(measure_key)
        return months.max() if len(months) else None

    def is_complete(self, measure_key: str, period: Period) -> bool:
        table = MEASURES[self.count_key(measure_key)].table
        memo_key = ("complete", table, period)
        if memo_key not in self._memo:
            self._memo[memo_key] = bool(period.months().isin(self.coverage[table]).all())
        return self._memo[memo_key]

    def complete_periods(self, measure_key: str, basis: str) -> list[Period]:
        """The periods of the basis that the measure's source covers in full."""
        months = self.months_covered(measure_key)
        if not len(months):
            return []
        return [p for p in periods_between(months.min(), months.max(), basis) if self.is_complete(measure_key, p)]

    def selectable_periods(self, basis: str) -> list[Period]:
        """Periods a user can pick: whole periods within the span of all sources, newest first (memoised)."""
        memo_key = ("selectable", basis)
        if memo_key not in self._memo:
            covered = [months for months in self.coverage.values() if len(months)]
            first, last = min(m.min() for m in covered), max(m.max() for m in covered)
            periods = [p for p in periods_between(first, last, basis) if p.start >= first and p.last_month <= last]
            self._memo[memo_key] = sorted(periods, reverse=True)
        return self._memo[memo_key]

    def source_of(self, measure_key: str) -> dict:
        """The manifest's source entry (title, publisher, url, licence, attribution) behind a measure."""
        return self.manifest["tables"][MEASURES[self.count_key(measure_key)].table]["source"]

    def available(self, measure_key: str, area: Area) -> bool:
        """False when the measure has no data at all, or only a London total and area is not London."""
        measure = MEASURES[self.count_key(measure_key)]
        return len(self.months_covered(measure_key)) > 0 and (area.level == "London" or not measure.london_only)

    @staticmethod
    def count_key(key: str) -> str:
        """The count measure behind key (a rate's denominator), whose source sets coverage."""
        return RATES[key].denominator if key in RATES else key

    # ---- values ---------------------------------------------------------------------------------

    def _series(self, measure_key: str, area: Area) -> pd.Series:
        """Monthly counts for the area over the covered months (memoised)."""
        memo_key = ("series", measure_key, area)
        if memo_key not in self._memo:
            wide = self.counts[measure_key]
            if not MEASURES[measure_key].london_only:
                wide = wide[wide.columns.intersection(borough_codes(area, self.areas))]
            self._memo[memo_key] = wide.sum(axis=1).astype("int64")
        return self._memo[memo_key]

    def monthly_series(self, measure_key: str, area: Area) -> pd.DataFrame:
        """month, value: every covered month (zeros included) for the area."""
        months = self.months_covered(measure_key)
        if measure_key in RATES:
            rate = RATES[measure_key]
            num, den = (self._series(k, area) for k in (rate.numerator, rate.denominator))
            return pd.DataFrame({"month": months, "value": (100 * num / den.where(den > 0)).to_numpy()})
        return pd.DataFrame({"month": months, "value": self._series(measure_key, area).to_numpy()})

    def trend(self, measure_key: str, area: Area, basis: str) -> list[tuple[str, float]]:
        """(period key, value) for every complete period, oldest first: the scorecard's trend bars."""
        periods = self.by_period(measure_key, area, basis)
        return [(row.period, row.value) for row in periods.itertuples() if row.complete]

    def monthly_with_rolling(self, measure_key: str, area: Area) -> pd.DataFrame:
        """month, value, rolling_12_month_average (mean of the 12 months ending in month; blank for the first 11)."""
        series = self.monthly_series(measure_key, area)
        return series.assign(rolling_12_month_average=series["value"].rolling(12).mean().round(2))

    def value(self, measure_key: str, area: Area, period: Period) -> float | None:
        """Sum over the period's months (a rate: ratio of sums, in %); None if not complete."""
        if not self.available(measure_key, area) or not self.is_complete(measure_key, period):
            return None
        if measure_key in RATES:
            rate = RATES[measure_key]
            denominator = self.value(rate.denominator, area, period)
            return None if not denominator else 100 * self.value(rate.numerator, area, period) / denominator
        return self.total(measure_key, area, period.start, period.end)

    def total(self, measure_key: str, area: Area, start: pd.Timestamp, end: pd.Timestamp) -> int | None:
        """Count over the months [start, end); None unless every month is covered."""
        value, months_with_data = self._window(measure_key, area, start, end)
        return int(value) if months_with_data == _months_between(start, end) else None

    def _cumulative(self, measure_key: str, area: Area) -> tuple[pd.Timestamp, np.ndarray, np.ndarray]:
        """(first covered month, cumulative counts, cumulative covered months) over a gap-free month range (memoised)."""
        memo_key = ("cumulative", measure_key, area)
        if memo_key not in self._memo:
            series = self._series(measure_key, area)
            full = pd.date_range(series.index.min(), series.index.max(), freq="MS") if len(series) else pd.DatetimeIndex([pd.Timestamp(0)])
            present = series.reindex(full)
            self._memo[memo_key] = (
                full[0],
                np.concatenate([[0], np.nancumsum(present.to_numpy(dtype="float64"))]),
                np.concatenate([[0], np.cumsum(present.notna().to_numpy())]),
            )
        return self._memo[memo_key]

    def _window(self, measure_key: str, area: Area, start: pd.Timestamp, end: pd.Timestamp) -> tuple[float, int]:
        """(sum, months with data) over [start, end), in constant time."""
        first, value_cum, count_cum = self._cumulative(measure_key, area)
        i, j = (min(max(_months_between(first, m), 0), len(value_cum) - 1) for m in (start, end))
        return value_cum[j] - value_cum[i], int(count_cum[j] - count_cum[i])

    # ---- rates per 100,000 residents ---------------------------------------------------------

    def population_years(self) -> list[int]:
        """Mid-years of the ONS estimates the snapshot holds."""
        return sorted(int(year) for year in self.population["year"].unique())

    def population_series_note(self) -> str:
        """Which estimates belong to which ONS series, e.g. 'mid-2019 and mid-2020 are 2011-based;
        mid-2023 and mid-2024 are 2021-based', from the population table."""
        by_series = self.population.groupby("series")["year"].unique()
        parts = [
            f"{' and '.join(f'mid-{year}' for year in sorted(years))} {'is' if len(years) == 1 else 'are'} {series}"
            for series, years in by_series.items()
        ]
        return "; ".join(parts)

    def population_year(self, period: Period) -> tuple[int, str]:
        """The ONS mid-year estimate used for a period: the 30 June inside it, else the nearest
        year the snapshot holds (ties: the later). Returns (year, note)."""
        wanted = period.start.year if period.start.month <= 6 else period.start.year + 1
        memo_key = ("population_year", wanted)
        if memo_key not in self._memo:
            years = self.population_years()
            year = min(years, key=lambda y: (abs(y - wanted), -y))
            series = self.population.loc[self.population["year"] == year, "series"].iloc[0]
            note = f"mid-{year} ({series})" + ("" if year == wanted else f"; nearest available to mid-{wanted}")
            self._memo[memo_key] = (int(year), note)
        return self._memo[memo_key]

    def residents(self, area: Area, year: int, ages: tuple[int, int]) -> int:
        """Residents of the area's boroughs (City of London excluded) aged ages[0]..ages[1] at mid-year."""
        memo_key = ("residents", area, year, ages)
        if memo_key not in self._memo:
            codes = [c for c in borough_codes(area, self.areas) if c != NOT_ASSIGNED_CODE]
            pop = self.population
            rows = pop[(pop["year"] == year) & pop["area_code"].isin(codes) & pop["age"].between(*ages)]
            self._memo[memo_key] = int(rows["population"].sum())
        return self._memo[memo_key]

    def rate_per_100k(self, measure_key: str, area: Area, period: Period, count: float | None = None) -> tuple[float | None, str]:
        """(count per 100,000 residents of the measure's ages, note on the population used);
        pass ``count`` when it is already known."""
        measure = MEASURES.get(measure_key)
        count = self.value(measure_key, area, period) if count is None else count
        if measure is None or measure.population_ages is None or count is None:
            return None, ""
        year, note = self.population_year(period)
        return 100_000 * count / self.residents(area, year, measure.population_ages), note

    def by_period(self, measure_key: str, area: Area, basis: str) -> pd.DataFrame:
        """period, label, start, value, complete, months_with_data, rate_per_100k, population_used:
        every period the data touches (value and rate only for complete periods)."""
        months = self.months_covered(measure_key)
        columns = ["period", "label", "start", "value", "complete", "months_with_data", "rate_per_100k", "population_used"]
        if not self.available(measure_key, area):
            return pd.DataFrame(columns=columns)
        periods = periods_between(months.min(), months.max(), basis)
        sums = {key: self._period_sums(key, area, periods) for key in self._parts(measure_key)}
        covered = sums[self.count_key(measure_key)][1]
        if measure_key in RATES:
            numerator, denominator = sums[RATES[measure_key].numerator][0], sums[RATES[measure_key].denominator][0]
            values = 100 * numerator / np.where(denominator > 0, denominator, np.nan)
        else:
            values = sums[measure_key][0]
        rows = []
        for period, value, months_with_data in zip(periods, values, covered):
            complete = months_with_data == 12
            rate, note = self.rate_per_100k(measure_key, area, period, value) if complete and measure_key in MEASURES else (None, "")
            rows.append(
                {
                    "period": period.key,
                    "label": period.label,
                    "start": period.start,
                    "value": (float(value) if measure_key in RATES else int(value)) if complete else None,
                    "complete": bool(complete),
                    "months_with_data": int(months_with_data),
                    "rate_per_100k": None if rate is None else round(rate, 2),
                    "population_used": note,
                }
            )
        return pd.DataFrame(rows, columns=columns)

    @staticmethod
    def _parts(measure_key: str) -> list[str]:
        return [RATES[measure_key].numerator, RATES[measure_key].denominator] if measure_key in RATES else [measure_key]

    def _period_sums(self, measure_key: str, area: Area, periods: list[Period]) -> tuple[np.ndarray, np.ndarray]:
        """(sum, months with data) for each period."""
        windows = [self._window(measure_key, area, p.start, p.end) for p in periods]
        return np.array([w[0] for w in windows]), np.array([w[1] for w in windows])

    def borough_values(self, measure_key: str, period: Period, per_100k: bool) -> pd.DataFrame:
        """borough_code, borough, value (count or rate per 100,000) for the 32 boroughs: what the map colours."""
        ranked = self.breakdown(measure_key, period, "borough", per_100k)
        column = "rate_per_100k" if per_100k else "value"
        boroughs = self.areas[self.areas["borough_code"] != NOT_ASSIGNED_CODE][["borough_code", "borough"]]
        return boroughs.merge(ranked[["area", column]].rename(columns={"area": "borough", column: "value"}), on="borough")

    def breakdown(self, measure_key: str, period: Period, level: str, by_rate: bool = False) -> pd.DataFrame:
        """area, value, residents, rate_per_100k for each BCU or borough (level 'bcu' | 'borough'),
        largest first by count (or by rate), then the not-assigned row (no residents, no rate).

        Only for count measures with borough detail and a complete period; else empty.
        """
        measure = MEASURES.get(measure_key)
        if measure is None or measure.london_only or not self.is_complete(measure_key, period):
            return pd.DataFrame(columns=["area", "value", "residents", "rate_per_100k"])
        wide = self.counts[measure_key]
        per_code = wide[(wide.index >= period.start) & (wide.index < period.end)].sum()
        areas = self.areas.assign(value=self.areas["borough_code"].map(per_code).fillna(0).astype("int64"))
        column = "bcu" if level == "bcu" else "borough"
        if measure.population_ages is not None:
            year, _ = self.population_year(period)
            pop = self.population
            residents = pop[(pop["year"] == year) & pop["age"].between(*measure.population_ages)].groupby("area_code")["population"].sum()
            areas["residents"] = areas["borough_code"].map(residents)
        else:
            areas["residents"] = float("nan")
        assigned = areas[areas["borough_code"] != NOT_ASSIGNED_CODE].groupby(column, as_index=False)[["value", "residents"]].sum()
        assigned["rate_per_100k"] = (100_000 * assigned["value"] / assigned["residents"]).round(2)
        assigned = assigned.rename(columns={column: "area"}).sort_values(["rate_per_100k" if by_rate else "value", "area"], ascending=[False, True])
        unassigned_count = int(areas.loc[areas["borough_code"] == NOT_ASSIGNED_CODE, "value"].sum())
        unassigned = pd.DataFrame({"area": [NOT_ASSIGNED], "value": [unassigned_count], "residents": [float("nan")], "rate_per_100k": [float("nan")]})
        return pd.concat([assigned, unassigned], ignore_index=True)[["area", "value", "residents", "rate_per_100k"]]


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole months from start to end (both first days of months)."""
    return (end.year - start.year) * 12 + end.month - start.month
