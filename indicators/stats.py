"""Is a change between two periods' counts larger than normal variation?

Method (stated on the Sources and methods page):
- **Quasi-Poisson rate ratio.** The two periods' monthly counts are fitted as Poisson
  counts with one mean per period. The ratio of the periods' totals estimates the rate
  ratio R; its standard error on the log scale is sqrt(1/A + 1/B) (A, B the totals),
  multiplied by sqrt(phi), where the dispersion phi is the Pearson chi-square of the
  monthly counts around their period means divided by its degrees of freedom (months − 2).
  Monthly crime counts vary more than a Poisson model assumes (seasons, incidents with
  several victims, recording batches); phi says by how much, and widens the interval to
  match. phi is never taken below 1. This is the interval a quasi-Poisson GLM gives
  (statsmodels ``GLM(..., Poisson()).fit(scale="X2")``; the tests check it).
- If the 95% interval lies wholly below 1, the fall is *larger than normal variation*;
  wholly above 1, the rise is; otherwise the change is *within normal variation*.
- Quasi-Poisson rather than negative binomial: it needs no distributional shape beyond
  the variance growing with the mean, it is estimated from the 22-24 monthly counts the
  comparison itself uses, and for two groups it has a closed form a reader can re-derive.
- **Too few to judge** when both totals are under 10: a change of a handful means nothing.
- Where only annual figures exist (no monthly counts), phi cannot be estimated and the
  Poisson interval (phi = 1) is given, marked as likely too narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: The method, in words for readers (Sources and methods page).
METHOD_TEXT = (
    "Crime counts rise and fall from one year to the next by chance. To say whether a change is more than that, the two periods' "
    "monthly counts are compared as *quasi-Poisson* counts: the ratio of the two totals, with a 95% interval whose width allows for "
    "how much the monthly counts actually vary. That extra variation, the **dispersion**, is measured from the monthly counts themselves "
    "(1 means as a simple Poisson model expects; knife injury counts run at about 2; it is never taken below 1) and shown with every interval. "
    "If the whole interval lies below 1, the fall is **larger than normal variation**; above 1, the rise is; otherwise the change is "
    "**within normal variation**. Where both counts are under 10 the change is **too few to judge**. "
    "Where only annual figures exist (the ONS tables, published statements) the dispersion cannot be measured and the simple Poisson "
    "interval is given, marked as likely too narrow. Quasi-Poisson was chosen over a negative binomial model because it assumes only "
    "that the variance grows with the count, is measured from the same months being compared, and can be re-derived by hand."
)
WITHIN = "within normal variation"
FALL = "a fall larger than normal variation"
RISE = "a rise larger than normal variation"
TOO_FEW = "too few to judge"
#: Below this many in both periods a change is not judged.
SMALL_COUNT = 10


@dataclass(frozen=True)
class Change:
    """Two periods' totals, their rate ratio with a 95% interval allowing for overdispersion."""

    current: int
    previous: int
    ratio: float
    low: float
    high: float
    dispersion: float  # phi used (>= 1)
    dispersion_estimate: float | None  # Pearson chi-square / df from the monthly counts; None: not estimable
    level: float = 0.95

    @property
    def too_few(self) -> bool:
        return self.current < SMALL_COUNT and self.previous < SMALL_COUNT

    @property
    def reading(self) -> str:
        if self.too_few:
            return TOO_FEW
        if self.high < 1:
            return FALL
        if self.low > 1:
            return RISE
        return WITHIN

    @property
    def dispersion_text(self) -> str:
        """'dispersion 2.31 (from 24 monthly counts)' or the note that it could not be estimated."""
        if self.dispersion_estimate is None:
            return "dispersion not estimable from annual figures; Poisson interval, likely too narrow"
        floor = " (below 1, so 1 is used)" if self.dispersion_estimate < 1 else ""
        return f"dispersion {self.dispersion_estimate:.2f}{floor}"

    def describe(self) -> str:
        """'ratio 0.95 (95% CI 0.85 to 1.06, dispersion 2.31): within normal variation'."""
        if self.too_few:
            return f"{self.previous} then {self.current}: {TOO_FEW}"
        return f"ratio {_num(self.ratio)} ({self.level:.0%} CI {_num(self.low)} to {_num(self.high)}; {self.dispersion_text}): {self.reading}"


def _num(value: float) -> str:
    if math.isinf(value):
        return "infinite"
    return f"{value:.3f}" if 0.995 <= value < 1.005 and value != 1 else f"{value:.2f}"


def change_between(current_months: np.ndarray, previous_months: np.ndarray, level: float = 0.95) -> Change:
    """The quasi-Poisson rate ratio of two equal-length monthly series (module doc)."""
    current_months, previous_months = np.asarray(current_months, dtype=float), np.asarray(previous_months, dtype=float)
    if len(current_months) != len(previous_months) or len(current_months) < 2:
        raise ValueError("need two monthly series of the same length, at least 2 months each")
    if (current_months < 0).any() or (previous_months < 0).any():
        raise ValueError("counts must be zero or more")
    chi_square = 0.0
    for months in (current_months, previous_months):
        mean = months.mean()
        if mean > 0:
            chi_square += float(((months - mean) ** 2 / mean).sum())
    degrees_of_freedom = 2 * len(current_months) - 2
    estimate = chi_square / degrees_of_freedom
    return _ratio(int(current_months.sum()), int(previous_months.sum()), estimate, level)


def annual_change(current: int, previous: int, level: float = 0.95) -> Change:
    """The Poisson rate ratio of two annual totals (no monthly counts, so no dispersion estimate)."""
    return _ratio(int(current), int(previous), None, level)


def _ratio(current: int, previous: int, estimate: float | None, level: float) -> Change:
    if current < 0 or previous < 0:
        raise ValueError("counts must be zero or more")
    dispersion = max(1.0, estimate) if estimate is not None else 1.0
    if current == 0 or previous == 0:
        ratio = math.inf if previous == 0 and current > 0 else (0.0 if current == 0 and previous > 0 else math.nan)
        return Change(current, previous, ratio, 0.0, math.inf, dispersion, estimate, level)
    log_ratio = math.log(current / previous)
    half_width = NormalDist().inv_cdf(0.5 + level / 2) * math.sqrt(dispersion * (1 / current + 1 / previous))
    return Change(
        current, previous, current / previous, math.exp(log_ratio - half_width), math.exp(log_ratio + half_width), dispersion, estimate, level
    )


@dataclass(frozen=True)
class EarlierRange:
    years: int  # how many complete earlier periods were compared (at most five)
    lowest: float
    highest: float
    value: float

    @property
    def position(self) -> str:
        if self.years == 1:
            before = f"the one year before it ({_count(self.lowest)})"
        else:
            before = f"the {self.years} years before it ({_count(self.lowest)} to {_count(self.highest)})"
        if self.value < self.lowest:
            return f"lower than {'any of ' if self.years > 1 else ''}{before}"
        if self.value > self.highest:
            return f"higher than {'any of ' if self.years > 1 else ''}{before}"
        return f"within the range of {before}" if self.years > 1 else f"equal to {before}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def earlier_range(value: float, earlier: list[float | None]) -> EarlierRange | None:
    """Where value sits against up to five earlier years (most recent first); None if none."""
    known = [v for v in earlier[:5] if v is not None]
    if not known:
        return None
    return EarlierRange(len(known), min(known), max(known), value)
