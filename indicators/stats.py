"""Is a change between two years' counts larger than chance would explain?

Method (stated on the Sources and methods page):
- Treat each year's count as Poisson. Given the two counts' total n, the current count is
  Binomial(n, p) with p = rate_current / (rate_current + rate_previous). An exact
  (Clopper-Pearson) 95% interval for p turns into one for the rate ratio R = p / (1 - p).
  If the whole interval lies below 1 the fall is larger than chance would explain; above 1,
  the rise is; otherwise the change is within normal year-to-year variation.
- Separately, the selected year is compared with the range (lowest to highest) of up to
  five complete years before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import betaincinv  # inverse regularised incomplete beta = beta distribution quantile

WITHIN = "within normal year-to-year variation"
FALL = "a fall larger than chance would explain"
RISE = "a rise larger than chance would explain"


@dataclass(frozen=True)
class RateRatio:
    current: int
    previous: int
    ratio: float
    low: float
    high: float
    level: float

    @property
    def reading(self) -> str:
        if self.high < 1:
            return FALL
        if self.low > 1:
            return RISE
        return WITHIN

    def describe(self) -> str:
        """'ratio 0.95 (95% CI 0.87 to 1.03): within normal year-to-year variation'."""
        return f"ratio {_num(self.ratio)} ({self.level:.0%} CI {_num(self.low)} to {_num(self.high)}): {self.reading}"


def _num(value: float) -> str:
    return "infinite" if math.isinf(value) else f"{value:.2f}"


def poisson_rate_ratio(current: int, previous: int, level: float = 0.95) -> RateRatio:
    """Exact conditional interval for rate_current / rate_previous (equal exposure)."""
    if current < 0 or previous < 0 or current + previous == 0:
        raise ValueError("need two non-negative counts, not both zero")
    alpha = 1 - level
    p_low = 0.0 if current == 0 else float(betaincinv(current, previous + 1, alpha / 2))
    p_high = 1.0 if previous == 0 else float(betaincinv(current + 1, previous, 1 - alpha / 2))
    to_ratio = lambda p: math.inf if p >= 1 else p / (1 - p)  # noqa: E731
    ratio = math.inf if previous == 0 else current / previous
    return RateRatio(current, previous, ratio, to_ratio(p_low), to_ratio(p_high), level)


@dataclass(frozen=True)
class EarlierRange:
    years: int  # how many complete earlier years were compared (at most five)
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


def earlier_range(value: float, earlier: list[float]) -> EarlierRange | None:
    """Where value sits against up to five earlier years (most recent first); None if none."""
    earlier = [v for v in earlier[:5] if v is not None]
    if not earlier:
        return None
    return EarlierRange(len(earlier), min(earlier), max(earlier), value)
