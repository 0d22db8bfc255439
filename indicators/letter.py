"""Every quantitative statement in the Met's letter of 25 March 2025, and what open data
can say about each. Figures come from the snapshot; where open data cannot settle a
statement, the table says so and names the data that would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from indicators.areas import LONDON, Area
from indicators.claims import CLAIMS, Claim
from indicators.periods import Period, parse_period
from indicators.snapshot import Snapshot
from indicators.verdicts import NOT_ANSWERABLE, assess, describe
from loaders.snapshot_files import NOT_ASSIGNED_CODE

CHECKABLE, PARTLY, NOT_CHECKABLE = "Checkable", "Partly checkable", "Not checkable with open data"
NOT_IN_SNAPSHOT = "Checkable with open data, but not with this snapshot"
LONDON_AREA = Area("London", LONDON)
FY2025, FY2024 = parse_period("FY2024/25"), parse_period("FY2023/24")
NOV_2024, NOV_2023 = pd.Timestamp("2024-11-01"), pd.Timestamp("2023-11-01")


@dataclass(frozen=True)
class View:
    """The area and periods the page shows; the letter's own are London, FY2024/25 against FY2023/24."""

    area: Area = LONDON_AREA
    period: Period = FY2025
    comparison: Period = FY2024

    def london_note(self) -> str:
        """For statements about all London, said when another area is selected."""
        return "" if self.area.level == "London" else f"The letter's figure is for all London; shown here for {self.area.label}. "


Answer = Callable[[Snapshot, View], tuple[str, str]]  # -> (checkable?, what open data say)


@dataclass(frozen=True)
class Statement:
    topic: str
    letter_says: str
    answer: Answer
    would_settle_it: str


def _claim(claim: Claim) -> Answer:
    def answer(snapshot: Snapshot, view: View) -> tuple[str, str]:
        assessment = assess(snapshot, claim, view.area, view.period, view.comparison)
        status = NOT_IN_SNAPSHOT if assessment.verdict == NOT_ANSWERABLE else CHECKABLE if assessment.best.rung == 1 else PARTLY
        return status, f"{assessment.scope}: {assessment.verdict} ({assessment.best.label}). {assessment.best.reason}"

    return answer


def _november(measure: str, what: str) -> Answer:
    """November 2024 against November 2023 for a monthly measure (the letter gives no dates for the week)."""

    def answer(snapshot: Snapshot, view: View) -> tuple[str, str]:
        now, before = (snapshot.value_over(measure, view.area, pd.DatetimeIndex([month])) for month in (NOV_2024, NOV_2023))
        if now is None or before is None:
            return PARTLY, f"{view.london_note()}{what}: not in the embedded data for November 2023 and 2024 (see Sources and methods)."
        return (
            PARTLY,
            f"{view.london_note()}{what}, whole month, {view.area.label}: {before:,} in November 2023, {now:,} in November 2024. "
            "The letter gives no dates for the week, so the week itself cannot be picked out.",
        )

    return answer


def _robbery(snapshot: Snapshot, view: View) -> tuple[str, str]:
    parts = []
    for key in ("personal_robbery_offences", "knife_injury_robbery_offences"):
        now, before = snapshot.value(key, view.area, view.period), snapshot.value(key, view.area, view.comparison)
        if now is not None and before is not None:
            parts.append(describe(snapshot, key, now, before, view.period.label, view.comparison.label))
    if not parts:
        return PARTLY, "Robbery figures are not in the snapshot."
    return PARTLY, ". ".join(parts) + ". Open data show trends side by side; they cannot show that robbery drives knife crime."


def _areas(snapshot: Snapshot, view: View) -> tuple[str, str]:
    real = snapshot.areas[snapshot.areas["borough_code"] != NOT_ASSIGNED_CODE]
    return (
        CHECKABLE,
        f"The snapshot's geography has {real['bcu'].nunique()} BCUs covering {real['borough'].nunique()} boroughs (the City of London is policed separately).",
    )


def _not_checkable(why: str) -> Answer:
    return lambda snapshot, view: (NOT_CHECKABLE, why)


STATEMENTS = [
    *(Statement(f"Claim {c.number}", c.words, _claim(c), c.would_settle_it) for c in CLAIMS),
    Statement(
        "Week of action, November 2024",
        "400 community events",
        _not_checkable("No open data records community engagement events."),
        "The MPS's own activity returns for the week (Operation Sceptre).",
    ),
    Statement(
        "Week of action, November 2024",
        "115 knives seized",
        _november("possession_of_weapons_offences", "Possession-of-weapons offences recorded (offences, not knives seized)"),
        "MPS records of weapons seized and surrendered during the week; no open dataset counts seizures.",
    ),
    Statement(
        "Week of action, November 2024",
        "375 arrests",
        _november("weapons_searches_arrest", "Weapons searches ending in arrest (one route to arrest among many)"),
        "MPS custody records for the week; open stop-and-search data show only arrests that followed a search.",
    ),
    Statement(
        "Child First Robbery Initiative",
        "Charging decisions in 10 days instead of 28",
        _not_checkable("No open data give the time from arrest to charging decision, for children or anyone else, by force or month."),
        "MPS/CPS case data: days from arrest to charging decision for under-18s, before and after the initiative.",
    ),
    Statement(
        "Robbery and knife crime",
        "Robbery is a driver of knife crime",
        _robbery,
        "Offence-level data linking knife crimes to robberies; the monthly dashboard gives only counts.",
    ),
    Statement("Policing structure", "12 BCUs, 32 boroughs", _areas, "Already in open data."),
]


def letter_table(snapshot: Snapshot, view: View = View()) -> pd.DataFrame:
    """topic, letter_says, checkable, what_open_data_says, what_would_settle_it: one row per statement,
    for the view (the letter's own by default)."""
    rows = []
    for statement in STATEMENTS:
        checkable, says = statement.answer(snapshot, view)
        rows.append(
            {
                "topic": statement.topic,
                "letter_says": statement.letter_says,
                "checkable": checkable,
                "what_open_data_says": says,
                "what_would_settle_it": statement.would_settle_it,
            }
        )
    return pd.DataFrame(rows)
