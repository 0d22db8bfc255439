"""Every claim's measures for every period the snapshot covers, as one tidy table."""

from __future__ import annotations

import pandas as pd

from indicators.areas import Area
from indicators.claims import CLAIMS, Claim, change_statistics, label_of, statistics_columns, unit_of
from indicators.data import Snapshot
from indicators.stop_search import by_power, disproportionality

EXPORT_COLUMNS = [
    "claim",
    "measure",
    "measure_label",
    "unit",
    "area",
    "period",
    "value",
    "complete",
    "months_with_data",
    "rate_per_100k",
    "population_used",
    "data_through",
]


def claim_measure_keys(claims: list[Claim] = CLAIMS) -> list[tuple[int, str]]:
    """(claim number, measure key) for each claim's headline, companions and context, in order."""
    return [(c.number, key) for c in claims for key in (c.headline, *c.companions, *c.context)]


def export_table(snapshot: Snapshot, area: Area, basis: str, claims: list[Claim] = CLAIMS) -> pd.DataFrame:
    """claim, measure, area, period, value (None where the period is incomplete), ..."""
    frames = []
    for claim_number, key in claim_measure_keys(claims):
        periods = snapshot.by_period(key, area, basis)
        if periods.empty:
            continue
        through = snapshot.data_through(key)
        frames.append(
            periods.assign(
                claim=claim_number,
                measure=key,
                measure_label=label_of(key),
                unit=unit_of(key),
                area=area.key,
                data_through=f"{through:%Y-%m}",
            )
        )
    table = pd.concat(frames, ignore_index=True)[EXPORT_COLUMNS]
    rates = table["unit"] == "%"
    table["value"] = table["value"].astype("float64").where(~rates, table["value"].astype("float64").round(2))
    return table


def changes_table(snapshot: Snapshot, area: Area, basis: str) -> pd.DataFrame:
    """Each complete period against the one before, for every claim measure: the change, the
    exact Poisson rate ratio with its 95% interval and reading, and the five-year comparison."""
    rows = []
    for claim_number, key in claim_measure_keys():
        for period in snapshot.complete_periods(key, basis):
            comparison = period.shifted(-1)
            value, previous = snapshot.value(key, area, period), snapshot.value(key, area, comparison)
            if value is None or previous is None:
                continue
            ratio, history = change_statistics(snapshot, key, area, period, comparison)
            rows.append(
                {
                    "claim": claim_number,
                    "measure": key,
                    "unit": unit_of(key),
                    "area": area.key,
                    "period": period.key,
                    "compared_with": comparison.key,
                    "value": value,
                    "previous": previous,
                    "change": value - previous,
                    **statistics_columns(ratio, history),
                }
            )
    return pd.DataFrame(rows)


def stop_search_table(snapshot: Snapshot, area: Area, basis: str) -> pd.DataFrame:
    """Weapons searches by legal power and by ethnic group (with the disproportionality ratio)
    for every period with complete record-level data; empty when there is none."""
    frames = []
    for period in snapshot.complete_periods("weapons_searches", basis):
        for breakdown, table in (("legal power", by_power(snapshot, area, period)), ("ethnic group", disproportionality(snapshot, area, period))):
            first = table.columns[0]
            frames.append(table.rename(columns={first: "group"}).assign(breakdown=breakdown, area=area.key, period=period.key))
    if not frames:
        return pd.DataFrame(columns=["breakdown", "area", "period", "group", "searches"])
    table = pd.concat(frames, ignore_index=True)
    return table[["breakdown", "area", "period", "group", *[c for c in table.columns if c not in ("breakdown", "area", "period", "group")]]]
