"""What the scorecard page draws for one view, computed in one go (one cache entry in ui/cached.py)."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.areas import Area
from indicators.claims import CLAIMS
from indicators.periods import Period
from indicators.snapshot import Snapshot
from indicators.verdicts import Assessment, assess


@dataclass(frozen=True)
class Scorecard:
    """Each claim's assessment (claim order); on the financial-year basis, the assessment of the view
    the Met had when it wrote (April to February of both years), by claim slug; and each headline's
    last complete periods in words (:meth:`Snapshot.trend_text`), by claim slug."""

    assessments: list[Assessment]
    letter_time: dict[str, Assessment]
    trends: dict[str, str]


def scorecard(snapshot: Snapshot, area: Area, period: Period, comparison: Period, basis: str) -> Scorecard:
    letter_time = (
        {claim.slug: assess(snapshot, claim, area, period.year_to_date(), comparison.year_to_date()) for claim in CLAIMS} if basis == "fy" else {}
    )
    return Scorecard(
        [assess(snapshot, claim, area, period, comparison) for claim in CLAIMS],
        letter_time,
        {claim.slug: snapshot.trend_text(claim.headline, area, basis) for claim in CLAIMS},
    )
