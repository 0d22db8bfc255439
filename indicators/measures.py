"""Every figure the dashboard shows, defined once: what it counts, from which table.

A :class:`Measure` is a count per month per borough code (its ``monthly`` function
returns month, borough_code, value). A :class:`Rate` divides two measures over the same
period and area, in per cent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from loaders.borough_crime import HOMICIDE, PERSONAL_ROBBERY, POSSESSION_OF_WEAPONS
from loaders.homicide_victims import KNIFE_METHOD
from loaders.stop_search import WEAPON_OBJECTS

Tables = dict[str, pd.DataFrame]
MONTHLY_COLUMNS = ["month", "borough_code", "value"]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    table: str
    definition: str
    monthly: Callable[[Tables], pd.DataFrame]
    london_only: bool = False
    #: Ages (inclusive) of the residents a rate per 100,000 is taken over; None: no rate.
    population_ages: tuple[int, int] | None = (0, 90)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    definition: str
    unit: str = "%"


def _sum(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    summed = frame.groupby(["month", "borough_code"], as_index=False, observed=True)[column].sum()
    return summed.rename(columns={column: "value"})[MONTHLY_COLUMNS]


def _victims(condition: Callable[[pd.DataFrame], pd.Series]) -> Callable[[Tables], pd.DataFrame]:
    return lambda t: _sum(t["homicide_victims"][condition(t["homicide_victims"])], "victims")


def _knife(subtype: str, measure: str = "Offences") -> Callable[[Tables], pd.DataFrame]:
    def monthly(t: Tables) -> pd.DataFrame:
        knife = t["knife_crime"]
        return _sum(knife[(knife["subtype"] == subtype) & (knife["measure"] == measure)], "count")

    return monthly


def _offences(minor_category: str) -> Callable[[Tables], pd.DataFrame]:
    return lambda t: _sum(t["borough_crime"][t["borough_crime"]["minor_category"] == minor_category], "offences")


def _searches(condition: Callable[[pd.DataFrame], pd.Series]) -> Callable[[Tables], pd.DataFrame]:
    return lambda t: _sum(t["stop_search"][condition(t["stop_search"])], "searches")


def _third_party_weapons(t: Tables) -> pd.DataFrame:
    objects = t["stop_search_by_object_third_party"]
    weapons = objects[objects["object_of_search"].isin(WEAPON_OBJECTS)].assign(borough_code="LONDON")
    return _sum(weapons, "searches")


#: How each source table is named in sentences on screen.
SOURCE_NAMES = {
    "homicide_victims": "victim-level homicide data (MPS Homicide Dashboard)",
    "knife_crime": "MPS knife crime data (Monthly Crime Dashboard)",
    "borough_crime": "borough-level recorded crime data",
    "stop_search": "record-level stop-and-search data with outcomes (data.police.uk)",
    "stop_search_by_object_third_party": "third-party monthly counts of searches by object",
}

TEEN_AND_CHILD = ["0 to 12", "13 to 19"]
WEAPONS_DEFINITION = (
    "Searches whose object was offensive weapons, firearms or 'anything to threaten or harm anyone', "
    "plus every section 60 (Criminal Justice and Public Order Act 1994) search"
)
POSITIVE_DEFINITION = (
    "any outcome other than 'A no further action disposal' (arrest, summons, caution, penalty notice, community resolution, drugs warning)"
)

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "knife_homicide_victims",
            "Homicide victims killed with a knife or sharp implement",
            "victims",
            "homicide_victims",
            "Victims of murder, manslaughter or infanticide whose method of killing was 'Knife or Sharp Implement', by the month the Met recorded the homicide.",
            _victims(lambda v: v["method"] == KNIFE_METHOD),
        ),
        Measure(
            "homicide_victims",
            "Homicide victims (all methods)",
            "victims",
            "homicide_victims",
            "All homicide victims, by the month the Met recorded the homicide.",
            _victims(lambda v: v["method"].notna()),
        ),
        Measure(
            "homicide_victims_0_19",
            "Homicide victims aged 0-19 (teenagers and children)",
            "victims",
            "homicide_victims",
            "Homicide victims in the age groups '0 to 12' and '13 to 19', by recorded month.",
            _victims(lambda v: v["age_group"].isin(TEEN_AND_CHILD)),
            population_ages=(0, 19),
        ),
        Measure(
            "homicide_victims_0_12",
            "Homicide victims aged 0-12 (children)",
            "victims",
            "homicide_victims",
            "Homicide victims in the age group '0 to 12', by recorded month.",
            _victims(lambda v: v["age_group"] == "0 to 12"),
            population_ages=(0, 12),
        ),
        Measure(
            "homicide_victims_13_19",
            "Homicide victims aged 13-19 (teenagers)",
            "victims",
            "homicide_victims",
            "Homicide victims in the age group '13 to 19', by recorded month.",
            _victims(lambda v: v["age_group"] == "13 to 19"),
            population_ages=(13, 19),
        ),
        Measure(
            "homicide_offences",
            "Homicide offences (all methods, all ages)",
            "offences",
            "borough_crime",
            "Offences of homicide recorded by the Met per month (borough-level recorded crime). Counts offences, not victims, with no method or age.",
            _offences(HOMICIDE),
        ),
        Measure(
            "knife_injury_victims_under_25_non_da",
            "Knife injury victims aged 1-24, excluding domestic abuse",
            "victims",
            "knife_crime",
            "Victims aged 1 to 24 of knife crime with injury, excluding domestic abuse ('Knife Injury Victims (non DA 1-24)', the MOPAC/MPS measure), by recorded month.",
            _knife("Knife Injury Victims (non DA 1-24)"),
            population_ages=(1, 24),
        ),
        Measure(
            "knife_injury_victims_under_25",
            "Knife injury victims aged 1-24, including domestic abuse",
            "victims",
            "knife_crime",
            "Victims aged 1 to 24 of knife crime with injury, domestic abuse included ('Knife Injury Victims (1-24)'), by recorded month.",
            _knife("Knife Injury Victims (1-24)"),
            population_ages=(1, 24),
        ),
        Measure(
            "knife_crime_offences",
            "Knife crime offences",
            "offences",
            "knife_crime",
            "Offences flagged as knife crime (knife or sharp instrument used or threatened), by recorded month.",
            _knife("Knife Crime"),
        ),
        Measure(
            "knife_crime_with_injury_offences",
            "Knife crime with injury offences",
            "offences",
            "knife_crime",
            "Knife crime offences where the victim was injured, by recorded month.",
            _knife("Knife Crime with Injury"),
        ),
        Measure(
            "knife_injury_robbery_offences",
            "Knife crime with injury in personal robbery",
            "offences",
            "knife_crime",
            "Knife crime offences with injury committed in the course of a personal robbery ('Knife Crime with Injury (Personal Robbery)'), by recorded month.",
            _knife("Knife Crime with Injury (Personal Robbery)"),
        ),
        Measure(
            "weapons_searches",
            "Weapons searches",
            "searches",
            "stop_search",
            f"{WEAPONS_DEFINITION}. Month of the data.police.uk file.",
            _searches(lambda s: s["weapons_search"]),
        ),
        Measure(
            "weapons_searches_positive",
            "Weapons searches with a positive outcome",
            "searches",
            "stop_search",
            f"Weapons searches ({WEAPONS_DEFINITION[0].lower()}{WEAPONS_DEFINITION[1:]}) whose outcome was positive: {POSITIVE_DEFINITION}.",
            _searches(lambda s: s["weapons_search"] & s["positive_outcome"]),
        ),
        Measure(
            "weapons_searches_positive_linked",
            "Weapons searches with a positive outcome linked to the object searched for",
            "searches",
            "stop_search",
            "Weapons searches with a positive outcome that the officer recorded as linked to the object of the search (e.g. an arrest for carrying a knife).",
            _searches(lambda s: s["weapons_search"] & s["positive_outcome"] & (s["outcome_linked_to_object"] == "true")),
        ),
        Measure(
            "weapons_searches_arrest",
            "Weapons searches ending in arrest",
            "searches",
            "stop_search",
            "Weapons searches whose outcome was 'Arrest'.",
            _searches(lambda s: s["weapons_search"] & s["arrest"]),
        ),
        Measure(
            "weapons_searches_third_party",
            "Weapons searches, all London (third-party count, no outcomes)",
            "searches",
            "stop_search_by_object_third_party",
            "Searches for offensive weapons, firearms or 'anything to threaten or harm anyone' (section 60 searches for other objects not included), "
            "counted by a third party from the complete data.police.uk files; may include City of London Police searches (1-3%). No outcomes, no areas.",
            _third_party_weapons,
            london_only=True,
            population_ages=None,
        ),
        Measure(
            "possession_of_weapons_offences",
            "Possession of weapons offences",
            "offences",
            "borough_crime",
            "Offences of possessing an article with a blade or point, offensive weapon or firearm, recorded per month. Rises when police find more weapons, so it partly reflects police activity.",
            _offences(POSSESSION_OF_WEAPONS),
        ),
        Measure(
            "personal_robbery_offences",
            "Personal robbery offences",
            "offences",
            "borough_crime",
            "Offences of robbery of personal property recorded per month.",
            _offences(PERSONAL_ROBBERY),
        ),
    ]
}

RATES: dict[str, Rate] = {
    r.key: r
    for r in [
        Rate(
            "weapons_positive_outcome_rate",
            "Positive outcome rate of weapons searches",
            "weapons_searches_positive",
            "weapons_searches",
            "Weapons searches with a positive outcome, per 100 weapons searches.",
        ),
        Rate(
            "weapons_linked_outcome_rate",
            "Linked positive outcome rate of weapons searches",
            "weapons_searches_positive_linked",
            "weapons_searches",
            "Weapons searches with a positive outcome linked to the object searched for, per 100 weapons searches.",
        ),
    ]
}


def build_counts(tables: Tables, coverage: dict[str, pd.DatetimeIndex]) -> dict[str, pd.DataFrame]:
    """Each measure as a month x borough-code matrix of counts over its source's covered
    months, zeros filled (a London-only measure has the single column 'LONDON')."""
    counts = {}
    for key, measure in MEASURES.items():
        long = measure.monthly(tables)
        wide = long.pivot_table(index="month", columns="borough_code", values="value", aggfunc="sum", observed=True)
        counts[key] = wide.reindex(coverage[measure.table], fill_value=0).fillna(0).astype("int64")
    return counts
