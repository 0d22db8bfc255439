"""Weapons searches in depth: the legal power used, outcomes, and who is searched.

The disproportionality ratio is defined in DISPROPORTIONALITY_DEFINITION, which the pages show.
"""

from __future__ import annotations

import pandas as pd

from indicators.areas import Area, borough_codes
from indicators.figures import ARREST, LINKED_TO_OBJECT, POSITIVE_OUTCOME, WEAPONS_SEARCH
from indicators.periods import Period
from indicators.snapshot import Snapshot

DISPROPORTIONALITY_DEFINITION = (
    "Weapons searches per 1,000 residents of each ethnic group (the self-defined ethnicity of the person searched, grouped as "
    "the Census's five high-level groups; residents from Census 2021, all ages), divided by the same rate for White residents: "
    "a ratio of 3 means three times as many searches per resident as White residents. 'Not stated' searches are shown but have "
    "no ratio. The ratio is not age-adjusted, and people searched in an area need not live there."
)
POWERS = {
    "Police and Criminal Evidence Act 1984 (section 1)": "PACE section 1 (reasonable grounds)",
    "Criminal Justice and Public Order Act 1994 (section 60)": "Section 60 (no suspicion needed)",
    "Firearms Act 1968 (section 47)": "Firearms Act section 47",
    "Misuse of Drugs Act 1971 (section 23)": "Misuse of Drugs Act section 23",
}
ETHNIC_PREFIXES = {
    "Asian/Asian British": "Asian",
    "Black/African/Caribbean/Black British": "Black",
    "Mixed/Multiple ethnic groups": "Mixed",
    "White": "White",
    "Other ethnic group": "Other",
}
NOT_STATED = "Not stated"


def _in(frame: pd.DataFrame, area: Area, period: Period, snapshot: Snapshot) -> pd.DataFrame:
    rows = frame[(frame["month"] >= period.start) & (frame["month"] < period.end)]
    return rows[rows["borough_code"].isin(borough_codes(area, snapshot.areas))]


def by_power(snapshot: Snapshot, area: Area, period: Period) -> pd.DataFrame:
    """power, searches, positive_outcomes, arrests, linked_positive, positive_rate_pct: weapons searches."""
    searches = _in(snapshot.searches, area, period, snapshot)
    weapons = searches[WEAPONS_SEARCH.mask(searches).to_numpy()]
    weapons = weapons.assign(
        power=weapons["legislation"].map(POWERS).fillna("Other or not recorded"),
        positive=weapons["searches"].where(POSITIVE_OUTCOME.mask(weapons), 0),
        arrested=weapons["searches"].where(ARREST.mask(weapons), 0),
        linked=weapons["searches"].where(POSITIVE_OUTCOME.mask(weapons) & LINKED_TO_OBJECT.mask(weapons), 0),
    )
    table = weapons.groupby("power", as_index=False).agg(
        searches=("searches", "sum"), positive_outcomes=("positive", "sum"), arrests=("arrested", "sum"), linked_positive=("linked", "sum")
    )
    table["positive_rate_pct"] = (100 * table["positive_outcomes"] / table["searches"]).round(1)
    return table.sort_values("searches", ascending=False).reset_index(drop=True)


def _weapons_people(snapshot: Snapshot, area: Area, period: Period) -> pd.DataFrame:
    people = _in(snapshot.searched_people, area, period, snapshot)
    return people[WEAPONS_SEARCH.mask(people).to_numpy()]


def ethnic_group(self_defined: pd.Series) -> pd.Series:
    """Census high-level group of a data.police.uk self-defined ethnicity ('Black/African/... - African' -> 'Black')."""
    prefix = self_defined.str.split(" - ", n=1).str[0]
    group = prefix.map(ETHNIC_PREFIXES).fillna(NOT_STATED)
    return group.where(~self_defined.str.contains("Not stated", na=True), NOT_STATED)


def disproportionality(snapshot: Snapshot, area: Area, period: Period) -> pd.DataFrame:
    """ethnic_group, searches, share_pct, residents, per_1000_residents, ratio_to_white: weapons searches."""
    people = _weapons_people(snapshot, area, period)
    counts = people.assign(ethnic_group=ethnic_group(people["self_defined_ethnicity"])).groupby("ethnic_group")["searches"].sum()
    codes = borough_codes(area, snapshot.areas)
    census = snapshot.census_ethnicity
    residents = census[census["area_code"].isin(codes)].groupby("ethnic_group")["population"].sum()
    table = pd.DataFrame({"searches": counts}).join(pd.DataFrame({"residents": residents}), how="outer").fillna(0)
    table.index.name = "ethnic_group"
    table = table.reset_index()
    table["share_pct"] = (100 * table["searches"] / table["searches"].sum()).round(1) if table["searches"].sum() else 0.0
    per_1000 = 1000 * table["searches"] / table["residents"].where(table["residents"] > 0)
    white = per_1000[table["ethnic_group"] == "White"]
    white_rate = white.iloc[0] if len(white) and white.iloc[0] else None
    table["per_1000_residents"] = per_1000.round(2)
    table["ratio_to_white"] = (per_1000 / white_rate).round(2) if white_rate else None
    order = ["Asian", "Black", "Mixed", "White", "Other", NOT_STATED]
    return table.set_index("ethnic_group").reindex(order).dropna(how="all").reset_index().astype({"searches": "int64"})


def ratio_unavailable(table: pd.DataFrame) -> str | None:
    """Why a disproportionality table (from :func:`disproportionality`) gives no ratio, or None when it does."""
    if table["ratio_to_white"].notna().any():
        return None
    stated = table.loc[table["ethnic_group"] != NOT_STATED, "searches"].sum()
    if not stated:
        return (
            "No ratio can be given: the searches of these months carry no self-defined ethnicity (the copy of data.police.uk "
            "they come from left it out). The table below shows the searches by group all the same."
        )
    return "No ratio can be given: no weapons searches of White residents were recorded here, so there is nothing to compare with."


def with_ratio(table: pd.DataFrame) -> pd.DataFrame:
    """The groups of a disproportionality table (from :func:`disproportionality`) that have a ratio
    to White residents: what its chart draws."""
    return table.dropna(subset=["ratio_to_white"])


AGE_ORDER = ["under 10", "10-17", "18-24", "25-34", "over 34"]


def by_person(snapshot: Snapshot, area: Area, period: Period, column: str) -> pd.DataFrame:
    """<column>, searches, positive_outcomes, share_pct for weapons searches; column is age_range
    (youngest first, 'not recorded' last) or gender."""
    people = _weapons_people(snapshot, area, period)
    table = (
        people.assign(positive=people["searches"].where(POSITIVE_OUTCOME.mask(people), 0))
        .groupby(column, as_index=False)
        .agg(searches=("searches", "sum"), positive_outcomes=("positive", "sum"))
    )
    table["share_pct"] = (100 * table["searches"] / table["searches"].sum()).round(1) if len(table) else []
    if column == "age_range":
        rank = {age: position for position, age in enumerate(AGE_ORDER)}
        table = table.sort_values(column, key=lambda ages: ages.map(rank).fillna(len(AGE_ORDER)), kind="stable").reset_index(drop=True)
    return table


def months_with_data(snapshot: Snapshot, period: Period) -> pd.DatetimeIndex:
    """The months of the period for which the snapshot holds complete record-level searches."""
    return period.months()[period.months().isin(snapshot.coverage["stop_search"])]


MONTHLY_MEASURES = {
    "weapons_searches": "searches",
    "weapons_searches_positive": "positive_outcomes",
    "weapons_searches_arrest": "arrests",
    "weapons_searches_positive_linked": "linked_positive",
}


def by_month(snapshot: Snapshot, area: Area) -> pd.DataFrame:
    """month, searches, positive_outcomes, arrests, linked_positive: weapons searches in every month with data."""
    table = pd.DataFrame({"month": snapshot.months_covered("weapons_searches")})
    for key, column in MONTHLY_MEASURES.items():
        table[column] = snapshot.monthly_series(key, area)["value"].to_numpy()
    return table
