"""The tables behind the pages and ``python -m indicators export``: tidy, one row per figure and period
(or per claim and rung of evidence), with what each number counts beside it."""

from __future__ import annotations

import pandas as pd

from indicators.areas import Area, area_options
from indicators.claims import CLAIMS, Claim
from indicators.periods import Period
from indicators.snapshot import Snapshot
from indicators.stats import Change, EarlierRange, change_between, earlier_range
from indicators.stop_search import by_power, disproportionality
from indicators.verdicts import Assessment, assess, common_months, month_span

EXPORT_COLUMNS = [
    "claim", "measure", "measure_label", "unit", "area", "period", "value", "complete", "months_with_data",
    "rate_per_100k", "population_used", "data_through",
]  # fmt: skip


def claim_measure_keys(claims: list[Claim] = CLAIMS) -> list[tuple[int, str]]:
    """(claim number, figure key) for each claim's headline, companions and context, in order."""
    return [(c.number, key) for c in claims for key in c.figure_keys]


def export_table(snapshot: Snapshot, area: Area, basis: str, claims: list[Claim] = CLAIMS) -> pd.DataFrame:
    """claim, measure, area, period, value (None where the period is incomplete), ..."""
    frames = []
    for claim_number, key in claim_measure_keys(claims):
        periods = snapshot.by_period(key, area, basis)
        if periods.empty:
            continue
        figure = snapshot.figure(key)
        frames.append(
            periods.assign(
                claim=claim_number,
                measure=key,
                measure_label=figure.label,
                unit=figure.unit,
                area=area.key,
                data_through=f"{snapshot.data_through(key):%Y-%m}",
            )
        )
    return pd.concat(frames, ignore_index=True)[EXPORT_COLUMNS] if frames else pd.DataFrame(columns=EXPORT_COLUMNS)


def everything_table(snapshot: Snapshot, bases: tuple[str, ...] = ("fy", "fytd", "cy")) -> pd.DataFrame:
    """Every claim figure for every period of every basis in ``bases``, for London, each BCU and each borough:
    the analysts' download (basis, then the columns of :func:`export_table`)."""
    frames = [export_table(snapshot, area, basis).assign(basis=basis) for basis in bases for area in area_options(snapshot.areas)]
    table = pd.concat(frames, ignore_index=True)
    return table[["basis", *EXPORT_COLUMNS]]


def statistics_columns(change: Change | None, history: EarlierRange | None = None) -> dict:
    """rate_ratio, ci95_low, ci95_high, dispersion, reading, against_earlier_years: the columns tables and exports share."""
    return {
        "rate_ratio": None if change is None else round(change.ratio, 3),
        "ci95_low": None if change is None else round(change.low, 3),
        "ci95_high": None if change is None else round(change.high, 3),
        "dispersion": None if change is None or change.dispersion_estimate is None else round(change.dispersion_estimate, 2),
        "reading": None if change is None else change.reading,
        "against_earlier_years": None if history is None else history.position,
    }


def comparison_table(snapshot: Snapshot, claim: Claim, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    """Every figure of a claim side by side, each over the months both periods cover for its own
    source (the whole periods when both are complete): figure, unit, months_compared, previous,
    current, change, change_pct, the interval columns (counts only), data_through."""
    rows = []
    for key in claim.figure_keys:
        figure = snapshot.figure(key)
        now_months, before_months = common_months(snapshot, key, period, comparison)
        whole = len(now_months) == period.length
        compared = (
            f"{period.label} against {comparison.label}"
            if whole
            else (f"{month_span(now_months)} only" if len(now_months) else "no months in common")
        )
        now, before = snapshot.value_over(key, area, now_months), snapshot.value_over(key, area, before_months)
        change = None
        if not figure.is_rate:
            now_counts, before_counts = snapshot.monthly_counts(key, area, now_months), snapshot.monthly_counts(key, area, before_months)
            if now_counts is not None and before_counts is not None and len(now_counts) >= 2:
                change = change_between(now_counts, before_counts)
        if figure.is_rate:  # per cent, to one decimal place as shown everywhere
            now, before = (None if v is None else round(v, 1) for v in (now, before))
        difference = None if now is None or before is None else round(now - before, 1)
        through = snapshot.data_through(key)
        rows.append(
            {
                "figure": figure.label, "unit": figure.unit, "months_compared": compared, "previous": before, "current": now, "change": difference,
                "change_pct": None if difference is None or not before or figure.is_rate else round(100 * difference / before, 1),
                **statistics_columns(change), "data_through": f"{through:%Y-%m}" if through is not None else "not in the embedded data",
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def changes_table(snapshot: Snapshot, area: Area, basis: str) -> pd.DataFrame:
    """Each complete period against the one before, for every claim figure that is a count:
    the change, the quasi-Poisson rate ratio with its 95% interval, the dispersion, the reading
    and where the period sits against the five before it."""
    rows = []
    for claim_number, key in claim_measure_keys():
        if snapshot.figure(key).is_rate:
            continue
        for period in snapshot.complete_periods(key, basis):
            comparison = period.shifted(-1)
            now, before = snapshot.monthly_counts(key, area, period.months()), snapshot.monthly_counts(key, area, comparison.months())
            if now is None or before is None:
                continue
            history = earlier_range(int(now.sum()), [snapshot.value(key, area, period.shifted(-years)) for years in range(1, 6)])
            rows.append(
                {
                    "claim": claim_number, "measure": key, "unit": snapshot.figure(key).unit, "area": area.key, "period": period.key,
                    "compared_with": comparison.key, "value": int(now.sum()), "previous": int(before.sum()), "change": int(now.sum() - before.sum()),
                    **statistics_columns(change_between(now, before), history),
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def evidence_table(assessments: list[Assessment]) -> pd.DataFrame:
    """One row per claim and rung of evidence: what it rests on, both figures, the change, the
    interval and dispersion, the verdict and its reason (the scorecard's CSV and ``--what verdicts``)."""
    rows = []
    for assessment in assessments:
        for position, rung in enumerate(assessment.rungs):
            rows.append(
                {
                    "claim": assessment.claim.number, "letter_says": assessment.claim.words, "scope": assessment.scope, "area": assessment.area.key,
                    "period": assessment.period.key, "compared_with": assessment.comparison.key, "shown_on_tile": position == 0,
                    "rung": rung.rung, "evidence": rung.label, "figure": rung.figure, "previous_label": rung.previous_label, "previous": rung.previous,
                    "current_label": rung.current_label, "current": rung.current, "change": None if rung.current is None or rung.previous is None else rung.current - rung.previous,
                    **statistics_columns(rung.change, assessment.history if rung.rung == 1 else None),
                    "verdict": rung.verdict, "reason": rung.reason, "data_through": None if assessment.data_through is None else f"{assessment.data_through:%Y-%m}",
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def verdicts_table(snapshot: Snapshot, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    """Every rung of every claim for one area and pair of periods."""
    return evidence_table([assess(snapshot, claim, area, period, comparison) for claim in CLAIMS])


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
