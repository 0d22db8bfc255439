"""The four claims of the Met's letter of 25 March 2025, and how each is checked.

A verdict compares the claim's headline measure in the selected period with the
comparison period, for the selected area:
- **Supported**: the headline moved the way the letter says, and so did every companion
  measure (e.g. both age bands, or both the count and the rate);
- **Mixed**: the headline and a companion measure moved in different directions;
- **Not supported**: the headline did not move the way the letter says (no change included);
- **Not answerable**: the snapshot lacks complete data for one of the two periods.
The verdict is arithmetic; beside it, :mod:`indicators.stats` says whether the change is
larger than chance would explain and how the year compares with the five before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.areas import Area
from indicators.data import Snapshot
from indicators.measures import MEASURES, RATES, SOURCE_NAMES, Measure, Rate
from indicators.periods import Period
from indicators.stats import EarlierRange, RateRatio, earlier_range, poisson_rate_ratio

SUPPORTED, MIXED, NOT_SUPPORTED, NOT_ANSWERABLE = "Supported", "Mixed", "Not supported", "Not answerable from the data in the snapshot"

COMMON_CAVEATS = [
    "Figures cover the Metropolitan Police area: the 32 London boroughs. The City of London (City of London Police) "
    "and crimes recorded by British Transport Police are excluded.",
    "Months are the month the Met recorded the crime, not necessarily the month it happened.",
    "In February 2024 the Met moved crime recording from CRIS to its new CONNECT system; "
    "figures from March 2024 on come from CONNECT, and the Met warned of disruption to its published data around the switch.",
]


@dataclass(frozen=True)
class Claim:
    number: int
    slug: str
    title: str
    words: str
    direction: str  # "down" | "up"
    headline: str
    companions: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    caveats: tuple[str, ...] = field(default=())


CLAIMS = [
    Claim(
        1,
        "knife-homicides",
        "Knife-enabled homicides",
        "A reduction in knife-enabled homicides",
        "down",
        "knife_homicide_victims",
        context=("homicide_victims", "homicide_offences"),
        caveats=(
            "Counts victims, not offences or incidents: one homicide can have several victims.",
            "Homicide offences (all methods), shown for context, can run later than the victim-level file but say nothing about knives.",
        ),
    ),
    Claim(
        2,
        "teen-child-homicides",
        "Teenage and child homicides",
        "A reduction in teenage and child homicides",
        "down",
        "homicide_victims_0_19",
        companions=("homicide_victims_0_12", "homicide_victims_13_19"),
        context=("homicide_victims",),
        caveats=(
            "'Teenage and child' is read as the Met's age groups 0 to 12 and 13 to 19 together. "
            "The Met's age bands do not split at 18, so 18- and 19-year-olds are included.",
            "Counts victims by recorded month; the numbers are small, so single years move a lot by chance.",
        ),
    ),
    Claim(
        3,
        "knife-injury-under-25",
        "Knife injury victims under 25",
        "A reduction in the number of victims aged under 25 who were injured with knives",
        "down",
        "knife_injury_victims_under_25_non_da",
        companions=("knife_injury_victims_under_25",),
        context=("knife_crime_with_injury_offences", "knife_crime_offences"),
        caveats=(
            "The headline is the MOPAC/MPS measure: victims aged 1-24 of knife crime with injury, excluding domestic abuse. "
            "The series including domestic abuse is shown beside it.",
            "Counts victims (people), where the other knife crime series count offences.",
        ),
    ),
    Claim(
        4,
        "weapons-search-outcomes",
        "Positive outcomes of weapons searches",
        "An increase in the number of positive outcomes for stop and searches for knives/weapons",
        "up",
        "weapons_searches_positive",
        companions=("weapons_positive_outcome_rate",),
        context=(
            "weapons_searches",
            "weapons_linked_outcome_rate",
            "weapons_searches_arrest",
            "weapons_searches_third_party",
            "possession_of_weapons_offences",
        ),
        caveats=(
            "A 'positive outcome' is any outcome other than no further action; it includes community resolutions and drugs warnings "
            "that may have nothing to do with weapons. The linked rate counts only outcomes the officer linked to the object searched for.",
            "The count of positive outcomes rises with the number of searches; the rate per search shows whether searches found more.",
            "Location is the published, anonymised point; searches without a location count in London but in no borough.",
        ),
    ),
]
CLAIMS_BY_SLUG = {claim.slug: claim for claim in CLAIMS}


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    area: Area
    period: Period
    comparison: Period
    current: float | None
    previous: float | None
    verdict: str
    reason: str
    data_through: pd.Timestamp | None  # last month of the headline's source; None: no data
    nearest_figure: str | None = None  # when not answerable: a related figure the data can give
    rate_ratio: RateRatio | None = None  # is the change larger than chance? (counts only)
    history: EarlierRange | None = None  # the selected year against up to five years before it

    @property
    def change(self) -> float | None:
        return None if self.current is None or self.previous is None else self.current - self.previous

    @property
    def change_pct(self) -> float | None:
        return None if self.change is None or not self.previous else 100 * self.change / self.previous

    @property
    def data_through_text(self) -> str:
        """'data through March 2024' or 'no data in the snapshot'."""
        return f"data through {self.data_through:%B %Y}" if self.data_through is not None else "no data in the snapshot"

    @property
    def change_text(self) -> str | None:
        """'-68 (-5.3%) vs FY2023/24' for counts, '+1.2 points vs ...' for rates; None without a change.

        The leading ASCII sign is what makes Streamlit's metric draw an up or down arrow."""
        if self.change is None:
            return None
        if self.claim.headline in RATES:
            return f"{self.change:+.1f} points vs {self.comparison.label}"
        pct = f" ({self.change_pct:+.1f}%)" if self.change_pct is not None else ""
        return f"{self.change:+,.0f}{pct} vs {self.comparison.label}"


def spec(key: str) -> Measure | Rate:
    """The definition of a count measure or a rate, by key."""
    return MEASURES.get(key) or RATES[key]


def label_of(key: str) -> str:
    return spec(key).label


def unit_of(key: str) -> str:
    return spec(key).unit


def definition_of(key: str) -> str:
    return spec(key).definition


def _moved_as_claimed(direction: str, current: float, previous: float) -> bool:
    return current < previous if direction == "down" else current > previous


def assess(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> Verdict:
    """The verdict on one claim for one area and pair of periods (see module doc)."""
    through = snapshot.data_through(claim.headline)
    current, previous = snapshot.value(claim.headline, area, period), snapshot.value(claim.headline, area, comparison)

    def result(verdict: str, reason: str) -> Verdict:
        ratio, history = change_statistics(snapshot, claim.headline, area, period, comparison)
        return Verdict(claim, area, period, comparison, current, previous, verdict, reason, through, None, ratio, history)

    if current is None or previous is None:
        missing = " and ".join(f"{p.label} ({p.span})" for p, v in ((period, current), (comparison, previous)) if v is None)
        source = MEASURES[snapshot.count_key(claim.headline)].table
        if through is None:
            why = f"The snapshot holds no {SOURCE_NAMES[source]}"
            if source == "stop_search":
                why += ": the public copies available offline are partial; `python -m loaders refresh` fetches the complete months"
        else:
            why = f"The {SOURCE_NAMES[source]} in the snapshot run to {through:%B %Y}"
        return Verdict(
            claim,
            area,
            period,
            comparison,
            current,
            previous,
            NOT_ANSWERABLE,
            f"{why}. The comparison needs complete data for {missing}.",
            through,
            nearest_figure(snapshot, claim, area, period, comparison),
        )
    headline_ok = _moved_as_claimed(claim.direction, current, previous)
    against = []
    for key in claim.companions:
        now, before = snapshot.value(key, area, period), snapshot.value(key, area, comparison)
        if now is not None and before is not None and _moved_as_claimed(claim.direction, now, before) != headline_ok:
            text = describe_change(key, now, before, period, comparison)
            against.append(text[0].lower() + text[1:])
    headline_text = describe_change(claim.headline, current, previous, period, comparison)
    if against:
        return result(MIXED, f"{headline_text}, but {'; '.join(against)}.")
    if headline_ok:
        return result(SUPPORTED, f"{headline_text}.")
    return result(NOT_SUPPORTED, f"{headline_text}.")


def change_statistics(snapshot: Snapshot, key: str, area: Area, period: Period, comparison: Period) -> tuple[RateRatio | None, EarlierRange | None]:
    """Exact Poisson rate ratio of the two periods, and the period against the five before it (counts only)."""
    current, previous = snapshot.value(key, area, period), snapshot.value(key, area, comparison)
    if key not in MEASURES or current is None or previous is None:
        return None, None
    ratio = poisson_rate_ratio(int(current), int(previous)) if current + previous > 0 else None
    earlier = [snapshot.value(key, area, period.shifted(-years)) for years in range(1, 6)]
    return ratio, earlier_range(current, earlier)


def nearest_figure(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> str | None:
    """The first context measure the data can compare for both periods, described; None if none can."""
    for key in claim.context:
        now, before = snapshot.value(key, area, period), snapshot.value(key, area, comparison)
        if now is not None and before is not None:
            return describe_change(key, now, before, period, comparison)
    return None


def format_value(value: float | None, key: str) -> str:
    """'1,224' for counts, '23.4%' for rates, 'no data' when missing."""
    if value is None:
        return "no data"
    return f"{value:.1f}%" if key in RATES else f"{value:,.0f}"


def describe_change(key: str, current: float, previous: float, period: Period, comparison: Period) -> str:
    """'Knife injury victims ... fell 5.3% from 1,292 in FY2023/24 to 1,224 in FY2024/25'."""
    if current == previous:
        movement = "did not change"
    elif key in RATES:
        movement = f"{'fell' if current < previous else 'rose'} {abs(current - previous):.1f} points"
    elif previous:
        movement = f"{'fell' if current < previous else 'rose'} {abs(100 * (current - previous) / previous):.1f}%"
    else:
        movement = "rose"
    return f"{label_of(key)} {movement}: {format_value(previous, key)} in {comparison.label}, {format_value(current, key)} in {period.label}"


def comparison_table(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    """Every figure of a claim side by side: the comparison year, the selected year, the change.

    Columns: figure, unit, <comparison label>, <period label>, change, change_pct, data_through.
    Values are None where a year is not fully covered.
    """
    rows = []
    for key in (claim.headline, *claim.companions, *claim.context):
        now, before = snapshot.value(key, area, period), snapshot.value(key, area, comparison)
        change = None if now is None or before is None else now - before
        through = snapshot.data_through(key)
        ratio, history = change_statistics(snapshot, key, area, period, comparison)
        rows.append(
            {
                "figure": label_of(key),
                "unit": unit_of(key),
                comparison.label: before,
                period.label: now,
                "change": change,
                "change_pct": None if change is None or not before or key in RATES else round(100 * change / before, 1),
                **statistics_columns(ratio, history),
                "data_through": f"{through:%Y-%m}" if through is not None else "no data",
            }
        )
    return pd.DataFrame(rows)


def statistics_columns(ratio: RateRatio | None, history: EarlierRange | None) -> dict:
    """rate_ratio, ci_low, ci_high, reading, against_earlier_years: the columns tables and exports share."""
    return {
        "rate_ratio": None if ratio is None else round(ratio.ratio, 3),
        "ci95_low": None if ratio is None else round(ratio.low, 3),
        "ci95_high": None if ratio is None else round(ratio.high, 3),
        "reading": None if ratio is None else ratio.reading,
        "against_earlier_years": None if history is None else history.position,
    }


def scorecard_table(verdicts: list[Verdict], trends: list[list[tuple[str, float]]]) -> pd.DataFrame:
    """One row per claim: the headline figure in both years, the change, its statistics, the
    verdict, and the trend bars drawn in the tile (every complete period, oldest first)."""
    rows = []
    for verdict, trend in zip(verdicts, trends):
        claim = verdict.claim
        rows.append(
            {
                "claim": claim.number,
                "letter_says": claim.words,
                "figure": label_of(claim.headline),
                "area": verdict.area.key,
                verdict.comparison.label: verdict.previous,
                verdict.period.label: verdict.current,
                "change": verdict.change,
                **statistics_columns(verdict.rate_ratio, verdict.history),
                "verdict": verdict.verdict,
                "reason": verdict.reason,
                "data_through": None if verdict.data_through is None else f"{verdict.data_through:%Y-%m}",
                "trend": "; ".join(f"{period}: {format_value(value, claim.headline)}" for period, value in trend),
            }
        )
    return pd.DataFrame(rows)
