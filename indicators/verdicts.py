"""What the data say about each claim: the best evidence the snapshot holds, rung by rung,
and a verdict that says no more than that evidence supports.

Rungs, best first (every rung with evidence is kept, for the export):
1. **Full periods**: the claim's own figure for both whole periods.
2. **Partly answered**: the claim's own figure on the months both periods cover, when one
   period is incomplete (like-for-like part years, e.g. April-August against April-August).
3. **Nearest official figure**: an official annual figure close to the claim's (ONS police
   force area tables: calendar years, offences not victims). London only.
4. **Published statements**: figures stated by the Met, City Hall or the press, quoted,
   "as stated, not re-derived". London only.

Verdict rules (:func:`verdict_for`), applied to a rung's headline change:
- both counts under 10: **Too few to judge**;
- the headline moved against the claim, or did not move: **Not supported**, whatever the
  companions did (the headline decides);
- the headline moved as claimed but a companion moved the other way: **Mixed**;
- the headline moved as claimed by more than normal variation: **Supported**;
- the headline moved as claimed within normal variation: **Direction as claimed, within
  normal variation**.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from indicators.areas import Area
from indicators.claims import Claim
from indicators.figures import source_words
from indicators.periods import Period, parse_period
from indicators.snapshot import Snapshot
from indicators.stats import FALL, RISE, Change, EarlierRange, annual_change, change_between, earlier_range

SUPPORTED = "Supported"
DIRECTION_ONLY = "Direction as claimed, within normal variation"
MIXED = "Mixed"
NOT_SUPPORTED = "Not supported"
TOO_FEW = "Too few to judge"
NO_COMPARISON = "No comparison possible"
NOT_ANSWERABLE = "Not answerable from the data in the snapshot"
#: What each verdict means, in a sentence, for the scorecard's "How to read this" and the methods page.
VERDICT_MEANINGS = {
    SUPPORTED: "the figure moved the way the letter says, by more than normal year-to-year variation, and its companion figures agree.",
    DIRECTION_ONLY: "the figure moved the way the letter says, but by no more than it often moves by chance from one year to the next.",
    MIXED: "the figure moved the way the letter says, but a companion figure (for example one of the age bands) moved the other way.",
    NOT_SUPPORTED: "the figure did not move the way the letter says.",
    TOO_FEW: "both counts are under 10, too few for a change to mean anything.",
    NO_COMPARISON: "the published figures found cannot be set side by side (different measures or periods); they are shown as stated.",
    NOT_ANSWERABLE: "the data in the snapshot do not cover the periods, and nothing close to the claim does either.",
}
#: The rungs, in words for readers (Sources and methods page).
RUNGS_TEXT = (
    "Each claim is answered with the best evidence the embedded data hold, and the tile says which:\n"
    "1. **Full periods**: the claim's own figure for both whole periods.\n"
    "2. **Partly answered**: the claim's own figure on the months both periods cover, when one is incomplete "
    "(for example April to August against April to August).\n"
    "3. **Nearest official figure**: an official figure close to the claim's, counted differently or for other months "
    "(ONS police force area tables: calendar years, offences not victims). London only.\n"
    "4. **Published statements**: figures stated by the Met, City Hall or the press, quoted with who said them, where and when, "
    "as stated and not re-derived. London only."
)
RUNG_NAMES = {1: "Full periods", 2: "Partly answered", 3: "Nearest official figure", 4: "Published statements"}
#: The letter's question, and the view the Met had when it wrote (last complete month: February 2025).
LETTER_PERIODS = {(parse_period("FY2024/25"), parse_period("FY2023/24")), (parse_period("FYTD2024/25"), parse_period("FYTD2023/24"))}
#: A part-year comparison needs at least this many months in common.
MIN_COMMON_MONTHS = 3


def moved_as_claimed(direction: str, current: float, previous: float) -> bool:
    return current < previous if direction == "down" else current > previous


def verdict_for(direction: str, change: Change | None, current: float, previous: float, companions_as_claimed: list[bool]) -> str:
    """The verdict on one rung (module doc); ``change`` is None for a rate headline (no strength test)."""
    if change is not None and change.too_few:
        return TOO_FEW
    if not moved_as_claimed(direction, current, previous):
        return NOT_SUPPORTED
    if not all(companions_as_claimed):
        return MIXED
    strong = change is not None and change.reading == (FALL if direction == "down" else RISE)
    return SUPPORTED if strong else DIRECTION_ONLY


@dataclass(frozen=True)
class Rung:
    """The evidence one rung gives: two figures, their change and the verdict on it."""

    rung: int
    label: str  # e.g. "Partly answered: April to August only"
    figure: str  # what is compared, in words
    previous_label: str
    current_label: str
    previous: float | None
    current: float | None
    verdict: str
    reason: str
    change: Change | None = None
    statements: tuple[dict, ...] = ()  # rung 4: the statements, as stated
    value_text: str = ""  # the current figure as shown, e.g. "1,224", "25.5%", "11 or 12"
    previous_text: str = ""

    @property
    def change_text(self) -> str | None:
        """'-68 (-5.3%) vs FY2023/24'; None without both figures. The leading ASCII sign lets
        Streamlit's metric draw an up or down arrow."""
        if self.current is None or self.previous is None:
            return None
        difference = self.current - self.previous
        pct = f" ({100 * difference / self.previous:+.1f}%)" if self.previous else ""
        return f"{difference:+,.0f}{pct} vs {self.previous_label}"


@dataclass(frozen=True)
class Assessment:
    """Everything the dashboard says about one claim for one area and pair of periods."""

    claim: Claim
    area: Area
    period: Period
    comparison: Period
    rungs: tuple[Rung, ...]  # every rung with evidence, best first; never empty
    data_through: pd.Timestamp | None  # last month of the headline's source; None: no data
    history: EarlierRange | None  # the selected period against up to five before it (rung 1 only)
    caveat: str | None = None  # about the copy of the headline's source (rungs 1 and 2), e.g. counts run 1.5% low

    @property
    def best(self) -> Rung:
        return self.rungs[0]

    @property
    def verdict(self) -> str:
        return self.best.verdict

    @property
    def scope(self) -> str:
        """Whose question this answers: the letter's, or the same test applied elsewhere."""
        if self.area.level == "London" and (self.period, self.comparison) in LETTER_PERIODS:
            if self.period.basis == "fytd":
                return "The letter's claim, as the Met could see it when it wrote (April to February)"
            return "The letter's claim"
        return f"The same test for {self.area.label}, {self.period.label} against {self.comparison.label} (not a claim the letter made)"

    @property
    def data_through_text(self) -> str:
        return f"data through {self.data_through:%B %Y}" if self.data_through is not None else "not in the embedded data"


def assess(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> Assessment:
    """Every rung of evidence for one claim, best first (module doc)."""
    rungs = [
        r
        for r in (
            _own_figure(snapshot, claim, area, period, comparison),
            *_official(snapshot, claim, area, period),
            _published(snapshot, claim, area, period),
        )
        if r
    ]
    if not rungs:
        through = snapshot.data_through(claim.headline)
        held = f"run to {through:%B %Y}" if through is not None else "are not in the embedded data"
        rungs = [
            Rung(0, "No evidence", snapshot.figure(claim.headline).label, comparison.label, period.label, None, None, NOT_ANSWERABLE,
                 f"The {source_words(snapshot.figure(claim.headline))} {held}; the comparison needs {period.span} and {comparison.span}. "
                 f"What would settle it: {claim.would_settle_it}")
        ]  # fmt: skip
    history = None
    if rungs[0].rung == 1 and rungs[0].current is not None:
        history = earlier_range(rungs[0].current, [snapshot.value(claim.headline, area, period.shifted(-years)) for years in range(1, 6)])
    caveat = snapshot.caveat(claim.headline) if rungs[0].rung in (1, 2) else None
    return Assessment(claim, area, period, comparison, tuple(rungs), snapshot.data_through(claim.headline), history, caveat)


def common_months(snapshot: Snapshot, key: str, period: Period, comparison: Period) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The months of each period, position by position, that the figure's source covers in both."""
    covered = snapshot.months_covered(key)
    both = period.months().isin(covered) & comparison.months().isin(covered)
    return period.months()[both], comparison.months()[both]


def month_span(months: pd.DatetimeIndex) -> str:
    """'April to August' (consecutive) or 'April, May and July'."""
    names = [f"{m:%B}" for m in months]
    consecutive = len(months) > 1 and all((b.year - a.year) * 12 + b.month - a.month == 1 for a, b in pairwise(months))
    if consecutive:
        return f"{names[0]} to {names[-1]}"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _own_figure(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> Rung | None:
    """Rung 1 (whole periods) or rung 2 (the months both periods cover); None if neither."""
    if not snapshot.available(claim.headline, area):
        return None
    now_months, before_months = common_months(snapshot, claim.headline, period, comparison)
    whole = len(now_months) == period.length
    if not whole and len(now_months) < MIN_COMMON_MONTHS:
        return None
    if whole:
        label, now_label, before_label = f"{RUNG_NAMES[1]}: {period.label} against {comparison.label}", period.label, comparison.label
    else:
        span = month_span(now_months)
        label = f"{RUNG_NAMES[2]}: {span} only"
        now_label, before_label = f"{span} {_years(now_months)}", f"{span} {_years(before_months)}"
    figure = snapshot.figure(claim.headline)
    current, previous = snapshot.value_over(claim.headline, area, now_months), snapshot.value_over(claim.headline, area, before_months)
    assert current is not None and previous is not None  # the months are covered by construction
    now_counts, before_counts = (
        snapshot.monthly_counts(claim.headline, area, now_months),
        snapshot.monthly_counts(claim.headline, area, before_months),
    )
    change = None if figure.is_rate or now_counts is None or before_counts is None else change_between(now_counts, before_counts)
    against = []  # companions that moved against the claim while the headline moved with it
    for key in claim.companions if moved_as_claimed(claim.direction, current, previous) else ():
        now, before = snapshot.value_over(key, area, now_months), snapshot.value_over(key, area, before_months)
        if now is not None and before is not None and not moved_as_claimed(claim.direction, now, before):
            against.append(describe(snapshot, key, now, before, now_label, before_label))
    verdict = verdict_for(claim.direction, change, current, previous, [False] * len(against))
    reason = describe(snapshot, claim.headline, current, previous, now_label, before_label)
    if change is not None:
        reason += f"; {change.describe()}"
    if against:
        reason += f"; but {'; '.join(against)}"
    beside = [key for key in claim.context if snapshot.figure(key).is_rate]  # e.g. the rate per search beside a count
    for key in beside:
        now, before = snapshot.value_over(key, area, now_months), snapshot.value_over(key, area, before_months)
        if now is not None and before is not None:
            reason += f". Beside it, {describe(snapshot, key, now, before, now_label, before_label)[0].lower()}{describe(snapshot, key, now, before, now_label, before_label)[1:]}"
    return Rung(
        1 if whole else 2,
        label,
        figure.label,
        before_label,
        now_label,
        previous,
        current,
        verdict,
        reason + ".",
        change,
        (),
        figure.format(current),
        figure.format(previous),
    )


def _years(months: pd.DatetimeIndex) -> str:
    first, last = months.min().year, months.max().year
    return str(first) if first == last else f"{first}/{last % 100:02d}"


def _official(snapshot: Snapshot, claim: Claim, area: Area, period: Period) -> list[Rung]:
    """Rung 3: for each ONS measure the claim names, the newest edition whose year ends inside the
    selected period against the edition a year before. London only (the Met as a whole)."""
    rungs: list[Rung] = []
    if area.level != "London":
        return rungs
    ons = snapshot.ons_homicide
    for measure in claim.nearest_official:
        editions = ons[ons["measure"] == measure].set_index("month")
        ends = [m for m in editions.index if period.start <= m <= period.last_month]
        if not ends:
            continue
        end = max(ends)
        before_end = end - pd.DateOffset(years=1)
        if before_end not in editions.index:
            continue
        now, before = editions.loc[end], editions.loc[before_end]
        change = annual_change(int(now["offences"]), int(before["offences"]))
        verdict = verdict_for(claim.direction, change, change.current, change.previous, [])
        years = "calendar years" if end.month == 12 else "financial years" if end.month == 3 else f"years ending {end:%B}"
        reason = (
            f"{measure} (ONS, Metropolitan Police) {_fell_or_rose(change.current, change.previous)}: {change.previous:,} in the {before['edition']}, "
            f"{change.current:,} in the {now['edition']}; {change.describe()}. Offences, not victims; {years}, not the letter's period."
        )
        rungs.append(
            Rung(3, f"{RUNG_NAMES[3]}: {years}, offences not victims", measure, str(before["edition"]), str(now["edition"]), change.previous, change.current,
                 verdict, reason, change, (), f"{change.current:,}", f"{change.previous:,}")
        )  # fmt: skip
    return rungs


def _published(snapshot: Snapshot, claim: Claim, area: Area, period: Period) -> Rung | None:
    """Rung 4: the claim's published statements; a verdict where two can be set side by side
    (same measure and length, a year apart, the later ending by the end of the selected period)."""
    if area.level != "London" or claim.number not in snapshot.statements:
        return None
    quoted, rows = snapshot.statements[claim.number]
    by_span = defaultdict(list)  # (measure, first month, last month) -> its statements, in table order
    for row in rows:
        by_span[row.measure, row.period_start, row.period_end].append(row)
    a_year = pd.DateOffset(years=1)
    pairs = [
        (row, before)
        for row in rows
        if row.period_end <= period.last_month
        for before in by_span.get((row.measure, row.period_start - a_year, row.period_end - a_year), ())
    ]
    label = f"{RUNG_NAMES[4]}: as stated, not re-derived"
    if not pairs:
        return Rung(
            4,
            label,
            "statements",
            "",
            "",
            None,
            None,
            NO_COMPARISON,
            "No two published figures for this claim cover the same measure a year apart.",
            None,
            quoted,
        )
    latest_end = max(now.period_end for now, _ in pairs)
    pairs = [(now, before) for now, before in pairs if now.period_end == latest_end]
    judged = [(now, before, annual_change(now.value, before.value)) for now, before in pairs]
    verdicts = [verdict_for(claim.direction, change, now.value, before.value, []) for now, before, change in judged]
    weakest = max(range(len(judged)), key=lambda i: _VERDICT_ORDER.index(verdicts[i]))  # least supportive pairing decides
    now, before, change = judged[weakest]
    now_values = sorted({p[0].value for p in pairs})
    reason = (
        f"{now.measure[0].upper()}{now.measure[1:]}, as stated: {before.value:,} ({before.stated_by}, {before.publisher}) for {_span(before)}, "
        f"{' or '.join(f'{v:,}' for v in now_values)} for {_span(now)} ({'; '.join(sorted({f'{p[0].stated_by}, {p[0].publisher}' for p in pairs}))})"
        f"{' - the statements disagree' if len(now_values) > 1 else ''}; {change.describe()}. Calendar periods and press counts, not the letter's measure."
    )
    shown = max(now_values) if claim.direction == "down" else min(now_values)  # the value least favourable to the claim
    return Rung(
        4,
        label,
        f"{now.measure[0].upper()}{now.measure[1:]}",
        _span(before),
        _span(now),
        before.value,
        shown,
        verdicts[weakest],
        reason,
        change,
        quoted,
        " or ".join(f"{v:,}" for v in now_values),
        f"{before.value:,}",
    )


_VERDICT_ORDER = [SUPPORTED, DIRECTION_ONLY, MIXED, TOO_FEW, NOT_SUPPORTED]


def _span(statement) -> str:
    start, end = statement.period_start, statement.period_end
    if start.month == 1 and end.month == 12 and start.year == end.year:
        return str(start.year)
    return f"{start:%b %Y} - {end:%b %Y}"


def _fell_or_rose(current: float, previous: float) -> str:
    return "did not change" if current == previous else "fell" if current < previous else "rose"


def describe(snapshot: Snapshot, key: str, current: float, previous: float, now_label: str, before_label: str) -> str:
    """'Knife injury victims ... fell 5.3%: 1,292 in FY2023/24, 1,224 in FY2024/25'."""
    figure = snapshot.figure(key)
    if current == previous:
        movement = "did not change"
    elif figure.is_rate:
        movement = f"{_fell_or_rose(current, previous)} {abs(current - previous):.1f} points"
    elif previous:
        movement = f"{_fell_or_rose(current, previous)} {abs(100 * (current - previous) / previous):.1f}%"
    else:
        movement = "rose"
    return f"{figure.label} {movement}: {figure.format(previous)} in {before_label}, {figure.format(current)} in {now_label}"
