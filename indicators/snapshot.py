"""The snapshot as the indicator layer sees it, and the queries the pages make of it.

:meth:`Snapshot.load` reads the snapshot tables once and turns every :class:`Count` of
the figure registry into a month x borough matrix over the months its source covers, then
sums it (and the residents) once for every area a reader can pick.
After loading, a Snapshot is never changed: the app shares one per snapshot version
between sessions (``st.cache_resource`` in ``ui/cached.py``), and every query below
computes its answer from those matrices without storing anything.

Coverage is the set of months a source actually holds: a gap is missing data, never
zeros. A period is *complete* for a figure only when all its months are covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.areas import LONDON, Area, area_options, borough_codes
from indicators.figures import FIGURES, TABLES, Count, Figure, Rate, count_behind
from indicators.periods import BASES, Period, periods_between
from loaders.snapshot_files import NOT_ASSIGNED, NOT_ASSIGNED_CODE, SNAPSHOT_DIR, read_geojson, read_manifest, read_table

#: Population estimates further than this from a period's mid-year give no rate.
MAX_POPULATION_YEARS_AWAY = 1


@dataclass(frozen=True)
class Snapshot:
    """Tables read once per snapshot version; everything else is derived from them on demand."""

    version: str
    manifest: dict
    figures: dict[str, Figure]
    areas: pd.DataFrame
    counts: dict[str, pd.DataFrame]  # count key -> covered month x borough-code counts
    coverage: dict[str, pd.DatetimeIndex]  # source table -> months it holds
    periods: dict[str, list[Period]]  # basis -> periods a user can pick, newest first
    bcu_names: tuple[str, ...]  # the BCUs the BCU boundary file outlines (its 'BCU' property); maps load the files by address
    population: pd.DataFrame  # year, area_code, age, population, series (ONS mid-year estimates)
    searches: pd.DataFrame  # stop_search: searches by month, borough and the source's categories
    searched_people: pd.DataFrame  # stop_search_people: searches by month, borough, who was searched, categories
    census_ethnicity: pd.DataFrame  # area_code, ethnic_group, population (Census 2021)
    ons_homicide: pd.DataFrame  # month (last of the 12), measure, offences, edition: ONS police force area tables
    published: pd.DataFrame  # published statements (loaders/published.py)
    area_counts: dict[str, pd.DataFrame]  # count key -> covered month x area key (London, each BCU, each borough)
    area_residents: pd.DataFrame  # (year, area key) x age -> residents of the area's boroughs (City of London excluded)
    population_series: dict[int, str]  # mid-year of each ONS estimate held -> its series ('2021-based', ...)
    # Lookups the queries below use instead of pandas indexing (which costs more than the sums it
    # serves): derived from the fields above when the Snapshot is made.
    covered_numbers: dict[str, np.ndarray] = field(init=False)  # source table -> sorted month numbers it covers
    resident_rows: dict[tuple[int, str], np.ndarray] = field(init=False)  # (year, area key) -> residents by age (area_residents' columns)
    area_arrays: dict[tuple[str, str], np.ndarray] = field(init=False)  # (count key, area key) -> monthly counts (London-only: the total)
    # claim -> its published statements: as records by period_end and figure_id, and as rows in table order
    statements: dict[int, tuple[tuple[dict, ...], tuple]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covered_numbers", {table: month_numbers(months) for table, months in self.coverage.items()})
        object.__setattr__(self, "resident_rows", dict(zip(self.area_residents.index, self.area_residents.to_numpy())))
        arrays = {(key, area): column for key, wide in self.area_counts.items() for area, column in zip(wide.columns, wide.to_numpy(dtype="int64").T)}
        for key, figure in self.figures.items():
            if isinstance(figure, Count) and figure.london_only:  # whatever codes its rows carry
                arrays[(key, LONDON)] = self.counts[key].to_numpy(dtype="int64").sum(axis=1)
        for array in arrays.values():
            array.flags.writeable = False  # shared by every session, like the rest of the Snapshot
        object.__setattr__(self, "area_arrays", arrays)
        by_claim: dict[int, tuple[list[dict], list]] = {}
        for record, row in zip(self.published.to_dict("records"), self.published.itertuples()):  # one pass: pandas' per-group calls cost more
            if pd.isna(record["claim"]):  # context for no one claim (all-age homicide totals)
                continue
            records, rows = by_claim.setdefault(int(record["claim"]), ([], []))
            records.append(record)
            rows.append(row)
        statements = {
            claim: (tuple(sorted(records, key=lambda r: (r["period_end"], r["figure_id"]))), tuple(rows))
            for claim, (records, rows) in by_claim.items()
        }
        object.__setattr__(self, "statements", statements)

    @classmethod
    def load(cls, snapshot_dir: Path = SNAPSHOT_DIR, figures: dict[str, Figure] = FIGURES) -> Snapshot:
        """Read the snapshot; ``figures`` is the registry to compute (tests pass variants)."""
        manifest = read_manifest(snapshot_dir)
        tables = {name: read_table(name, snapshot_dir) for name in TABLES}
        population = read_table("population", snapshot_dir)
        areas = read_table("areas", snapshot_dir)
        coverage = {name: pd.DatetimeIndex(np.unique(frame["month"].to_numpy())) for name, frame in tables.items()}
        counts = {}
        for key, figure in figures.items():
            if isinstance(figure, Count):
                counts[key] = figure.monthly(tables, coverage[figure.table])
        covered = [months for months in coverage.values() if len(months)]
        first, last = min(m.min() for m in covered), max(m.max() for m in covered)
        periods = {
            basis: sorted((p for p in periods_between(first, last, basis) if p.start >= first and p.last_month <= last), reverse=True)
            for basis in BASES
        }
        return cls(
            manifest["version"], manifest, figures, areas, counts, coverage, periods,
            _bcu_names(snapshot_dir), population,
            tables["stop_search"], read_table("stop_search_people", snapshot_dir), read_table("census_ethnicity", snapshot_dir),
            read_table("ons_homicide", snapshot_dir), read_table("published_figures", snapshot_dir),
            *_by_area(areas, counts, population),
            dict(zip(population["year"].astype(int), population["series"])),
        )  # fmt: skip

    # ---- coverage -------------------------------------------------------------------------------

    def figure(self, key: str) -> Figure:
        return self.figures[key]

    def months_covered(self, key: str) -> pd.DatetimeIndex:
        return self.coverage[count_behind(self.figures[key]).table]

    def data_through(self, key: str) -> pd.Timestamp | None:
        months = self.months_covered(key)
        return months.max() if len(months) else None

    def _positions(self, key: str, months: pd.DatetimeIndex) -> np.ndarray | None:
        """Where each of ``months`` sits among the months the figure's source covers; None unless
        every month is covered (and there is at least one)."""
        covered, wanted = self.covered_numbers[count_behind(self.figures[key]).table], month_numbers(months)
        positions = np.searchsorted(covered, wanted)
        if len(wanted) and (positions < len(covered)).all() and (covered[positions] == wanted).all():
            return positions
        return None

    def covers(self, key: str, months: pd.DatetimeIndex) -> bool:
        return self._positions(key, months) is not None

    def is_complete(self, key: str, period: Period) -> bool:
        return self.covers(key, period.months())

    def complete_periods(self, key: str, basis: str) -> list[Period]:
        """The periods of the basis that the figure's source covers in full, oldest first."""
        months = self.months_covered(key)
        if not len(months):
            return []
        return [p for p in periods_between(months.min(), months.max(), basis) if self.is_complete(key, p)]

    def selectable_periods(self, basis: str) -> list[Period]:
        """Periods a user can pick: whole periods within the span of all sources, newest first."""
        return self.periods[basis]

    def source_of(self, key: str) -> dict:
        """The manifest's source entry (title, publisher, url, licence, attribution) behind a figure."""
        return self.manifest["tables"][count_behind(self.figures[key]).table]["source"]

    def caveat(self, key: str) -> str | None:
        """What a reader must know about the copy of the source behind a figure (from the manifest), if anything."""
        return self.manifest["tables"][count_behind(self.figures[key]).table].get("caveat")

    def available(self, key: str, area: Area) -> bool:
        """False when the figure has no data at all, or only a London total and area is not London."""
        return len(self.months_covered(key)) > 0 and (area.level == "London" or not self.figures[key].london_only)

    # ---- values ---------------------------------------------------------------------------------

    def _series(self, key: str, area: Area) -> np.ndarray:
        """Monthly counts of a Count for the area over its covered months (read-only)."""
        return self.area_arrays[(key, LONDON if self.figures[key].london_only else area.key)]

    def monthly_counts(self, key: str, area: Area, months: pd.DatetimeIndex) -> np.ndarray | None:
        """A Count's value in each of ``months`` for the area; None unless every month is covered."""
        positions = self._positions(key, months) if self.available(key, area) else None
        return None if positions is None else self._series(key, area)[positions]

    def value_over(self, key: str, area: Area, months: pd.DatetimeIndex) -> float | None:
        """Sum over ``months`` (a rate: ratio of sums, in %); None unless every month is covered."""
        figure = self.figures[key]
        if isinstance(figure, Rate):
            numerator, denominator = self.value_over(figure.numerator, area, months), self.value_over(figure.denominator, area, months)
            return None if numerator is None or not denominator else 100 * numerator / denominator
        counts = self.monthly_counts(key, area, months)
        return None if counts is None else int(counts.sum())

    def value(self, key: str, area: Area, period: Period) -> float | None:
        """The figure over a whole period; None if the period is not complete."""
        return self.value_over(key, area, period.months())

    def monthly_series(self, key: str, area: Area) -> pd.DataFrame:
        """month, value: every covered month (zeros included) for the area."""
        months = self.months_covered(key)
        figure = self.figures[key]
        if isinstance(figure, Rate):
            numerator, denominator = (self._series(k, area) for k in (figure.numerator, figure.denominator))
            return pd.DataFrame({"month": months, "value": 100 * numerator / np.where(denominator > 0, denominator, np.nan)})
        return pd.DataFrame({"month": months, "value": self._series(key, area)})

    def monthly_with_rolling(self, key: str, area: Area) -> pd.DataFrame:
        """month, value, rolling_12_month_average (mean of the 12 months ending in month; blank
        for the first 11 and wherever the 12 months are not all covered)."""
        series = self.monthly_series(key, area)
        full = (
            series.set_index("month").reindex(pd.date_range(series["month"].min(), series["month"].max(), freq="MS"))
            if len(series)
            else series.set_index("month")
        )
        rolling = full["value"].rolling(12).mean().round(2)
        return series.assign(rolling_12_month_average=rolling.reindex(series["month"]).to_numpy())

    def trend(self, key: str, area: Area, basis: str) -> list[tuple[str, float]]:
        """(period key, value) for every complete period with a value (a rate over no searches has
        none), oldest first, the values as :meth:`by_period` gives them (without building its table):
        the briefing's trend bars."""
        return [(period.key, value) for period, value in self._complete_values(key, area, basis)]

    def trend_text(self, key: str, area: Area, basis: str, last: int = 3) -> str:
        """The last ``last`` complete periods of :meth:`trend` in words, oldest first, e.g.
        'FY2022/23: 1,285 · FY2023/24: 1,292 · FY2024/25: 1,224'; "" when there are none."""
        figure = self.figure(key)
        return " · ".join(f"{period.label}: {figure.format(value)}" for period, value in self._complete_values(key, area, basis)[-last:])

    def _complete_values(self, key: str, area: Area, basis: str) -> list[tuple[Period, float]]:
        if not self.available(key, area):
            return []
        months, figure = self.months_covered(key), self.figures[key]
        values = ((period, self.value(key, area, period)) for period in periods_between(months.min(), months.max(), basis))
        return [(period, _as_shown(figure, value)) for period, value in values if value is not None]

    # ---- rates per 100,000 residents ---------------------------------------------------------

    def population_years(self) -> list[int]:
        """Mid-years of the ONS estimates the snapshot holds."""
        return sorted(self.population_series)

    def population_series_note(self) -> str:
        """Which estimates belong to which ONS series, e.g. 'mid-2019 and mid-2020 are 2011-based;
        mid-2023 and mid-2024 are 2021-based'."""
        parts = []
        for series in sorted(set(self.population_series.values())):
            years = [year for year in self.population_years() if self.population_series[year] == series]
            parts.append(f"{' and '.join(f'mid-{year}' for year in years)} {'is' if len(years) == 1 else 'are'} {series}")
        return "; ".join(parts)

    def population_year(self, period: Period) -> tuple[int | None, str]:
        """The ONS mid-year estimate used for a period: the 30 June inside it, else the nearest
        year held if it is at most a year away (ties: the later); else (None, why not)."""
        wanted = period.start.year if period.start.month <= 6 else period.start.year + 1
        year = min(self.population_years(), key=lambda y: (abs(y - wanted), -y))
        if abs(year - wanted) > MAX_POPULATION_YEARS_AWAY:
            return None, f"no rate: no ONS estimate for mid-{wanted} or a year either side in the snapshot"
        return year, f"mid-{year} ({self.population_series[year]})" + ("" if year == wanted else f"; nearest available to mid-{wanted}")

    def residents(self, area: Area, year: int, ages: tuple[int, int]) -> int:
        """Residents of the area's boroughs (City of London excluded) aged ages[0]..ages[1] at mid-year."""
        of_age = (self.area_residents.columns >= ages[0]) & (self.area_residents.columns <= ages[1])
        return int(self.resident_rows[(year, area.key)][of_age].sum())

    def rate_per_100k(self, key: str, area: Area, period: Period, count: float | None = None) -> tuple[float | None, str]:
        """(count per 100,000 residents of the figure's ages, note on the population used);
        pass ``count`` when it is already known."""
        figure = self.figures[key]
        count = self.value(key, area, period) if count is None else count
        if figure.population_ages is None or count is None:
            return None, ""
        year, note = self.population_year(period)
        if year is None:
            return None, note
        return 100_000 * count / self.residents(area, year, figure.population_ages), note

    def by_period(self, key: str, area: Area, basis: str) -> pd.DataFrame:
        """period, label, start, value, complete, months_with_data, rate_per_100k, population_used:
        every period the data touch (value and rate only for complete periods)."""
        columns = ["period", "label", "start", "value", "complete", "months_with_data", "rate_per_100k", "population_used"]
        months = self.months_covered(key)
        if not self.available(key, area):
            return pd.DataFrame(columns=columns)
        figure = self.figures[key]
        parts = (figure.numerator, figure.denominator) if isinstance(figure, Rate) else (key,)
        covered = self.covered_numbers[count_behind(figure).table]
        series = {part: self._series(part, area) for part in parts}
        rows = []
        for period in periods_between(months.min(), months.max(), basis):
            positions = self._positions(key, period.months())
            complete = positions is not None
            value: float | None = None
            if complete:
                sums = [int(series[part][positions].sum()) for part in parts]
                value = sums[0] if len(sums) == 1 else (100 * sums[0] / sums[1] if sums[1] else None)
            rate, note = self.rate_per_100k(key, area, period, value) if complete else (None, "")
            rows.append(
                {
                    "period": period.key, "label": period.label, "start": period.start,
                    "value": None if value is None else _as_shown(figure, value),
                    "complete": complete, "months_with_data": int(np.isin(month_numbers(period.months()), covered).sum()),
                    "rate_per_100k": None if rate is None else round(rate, 2), "population_used": note,
                }
            )  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def borough_values(self, key: str, period: Period, per_100k: bool) -> pd.DataFrame:
        """borough_code, borough, value (count or rate per 100,000) for the 32 boroughs: what the map colours."""
        ranked = self.breakdown(key, period, "borough", per_100k)
        column = "rate_per_100k" if per_100k else "value"
        boroughs = self.areas[self.areas["borough_code"] != NOT_ASSIGNED_CODE][["borough_code", "borough"]]
        return boroughs.merge(ranked[["area", column]].rename(columns={"area": "borough", column: "value"}), on="borough")

    def breakdown(self, key: str, period: Period, level: str, by_rate: bool = False) -> pd.DataFrame:
        """area, value, residents, rate_per_100k for each BCU or borough (level 'bcu' | 'borough'),
        largest first by count (or by rate), then the not-assigned row (no residents, no rate).

        Only for counts with borough detail and a complete period; else empty.
        """
        figure = self.figures[key]
        if not isinstance(figure, Count) or figure.london_only or not self.is_complete(key, period):
            return pd.DataFrame(columns=["area", "value", "residents", "rate_per_100k"])
        wide = self.counts[key]
        per_code = wide[(wide.index >= period.start) & (wide.index < period.end)].sum()
        areas = self.areas.assign(value=self.areas["borough_code"].map(per_code).fillna(0).astype("int64"))
        column = "bcu" if level == "bcu" else "borough"
        year, _ = self.population_year(period)
        if figure.population_ages is not None and year is not None:
            pop = self.population
            residents = pop[(pop["year"] == year) & pop["age"].between(*figure.population_ages)].groupby("area_code")["population"].sum()
            areas["residents"] = areas["borough_code"].map(residents)
        else:
            areas["residents"] = float("nan")
        assigned = areas[areas["borough_code"] != NOT_ASSIGNED_CODE].groupby(column, as_index=False)[["value", "residents"]].sum(min_count=1)
        assigned["rate_per_100k"] = (100_000 * assigned["value"] / assigned["residents"]).round(2)
        assigned = assigned.rename(columns={column: "area"}).sort_values(["rate_per_100k" if by_rate else "value", "area"], ascending=[False, True])
        unassigned_count = int(areas.loc[areas["borough_code"] == NOT_ASSIGNED_CODE, "value"].sum())
        unassigned = pd.DataFrame({"area": [NOT_ASSIGNED], "value": [unassigned_count], "residents": [float("nan")], "rate_per_100k": [float("nan")]})
        return pd.concat([assigned, unassigned], ignore_index=True)[["area", "value", "residents", "rate_per_100k"]]


def _bcu_names(snapshot_dir: Path) -> tuple[str, ...]:
    """Check both boundary files against the manifest (ui/boundaries.py serves them to the maps) and
    return the BCU names the BCU file outlines."""
    read_geojson("boroughs_geojson", snapshot_dir)
    return tuple(feature["properties"]["BCU"] for feature in read_geojson("bcus_geojson", snapshot_dir)["features"])


def _by_area(areas: pd.DataFrame, counts: dict[str, pd.DataFrame], population: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Counts and residents summed once for every area a reader can pick, so a query for an area
    is a lookup (the Snapshot's ``area_counts`` and ``area_residents``). An area's boroughs are the
    codes :func:`indicators.areas.borough_codes` gives (London's include the not-assigned rows)."""
    codes = areas["borough_code"]
    membership = pd.DataFrame(
        {area.key: np.isin(codes.to_numpy(), borough_codes(area, areas)).astype("int64") for area in area_options(areas)}, index=codes
    )
    area_counts = {key: wide.dot(membership.reindex(wide.columns, fill_value=0)) for key, wide in counts.items()}
    cube = population[population["area_code"].isin(codes)].pivot_table(
        index=["year", "area_code"], columns="age", values="population", aggfunc="sum", fill_value=0
    )
    by_year = {year: membership.reindex(cube.loc[year].index, fill_value=0).T.dot(cube.loc[year]) for year in cube.index.unique("year")}
    return area_counts, pd.concat(by_year, names=["year", "area"])


def _as_shown(figure: Figure, value: float) -> float:
    """A period's value as tables show it: a rate to 2 decimals, a count as a whole number."""
    return round(float(value), 2) if figure.is_rate else int(value)


def month_numbers(months: pd.DatetimeIndex) -> np.ndarray:
    """Months as whole numbers (months since January 1970), whatever the index's time unit."""
    return months.values.astype("datetime64[M]").astype("int64")  # .values: a sixth of to_numpy's overhead
