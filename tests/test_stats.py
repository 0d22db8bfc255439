"""The change statistics against statsmodels, and the verdict rules on constructed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from indicators.stats import FALL, RISE, TOO_FEW, WITHIN, annual_change, change_between, earlier_range
from indicators.verdicts import DIRECTION_ONLY, MIXED, NOT_SUPPORTED, SUPPORTED, verdict_for


def statsmodels_interval(current: np.ndarray, previous: np.ndarray, scale: str | float) -> tuple[float, float, float, float]:
    """Rate ratio, 95% interval and scale from a Poisson GLM with one mean per period (statsmodels)."""
    counts = np.concatenate([previous, current])
    design = sm.add_constant(np.r_[np.zeros(len(previous)), np.ones(len(current))])
    fit = sm.GLM(counts, design, family=sm.families.Poisson()).fit(scale=scale)
    low, high = np.exp(fit.conf_int()[1])
    return float(np.exp(fit.params[1])), float(low), float(high), float(fit.scale)


SERIES = np.random.default_rng(2026)
OVERDISPERSED = [
    (SERIES.negative_binomial(8, 8 / (8 + 105), 12), SERIES.negative_binomial(8, 8 / (8 + 100), 12)),  # knife-injury-like, phi ~ 14
    (SERIES.negative_binomial(40, 40 / (40 + 20), 12), SERIES.negative_binomial(40, 40 / (40 + 30), 12)),
    (SERIES.negative_binomial(5, 5 / (5 + 400), 5), SERIES.negative_binomial(5, 5 / (5 + 500), 5)),  # part year, 5 months
]


@pytest.mark.parametrize("current, previous", OVERDISPERSED)
def test_quasi_poisson_interval_matches_statsmodels(current, previous):
    ratio, low, high, scale = statsmodels_interval(current, previous, "X2")
    assert scale > 1  # the cases are overdispersed, so the interval is widened
    change = change_between(current, previous)
    assert change.dispersion_estimate == pytest.approx(scale, rel=1e-6)
    assert (change.ratio, change.low, change.high) == pytest.approx((ratio, low, high), rel=1e-6)


def test_underdispersed_series_uses_the_poisson_interval():
    current, previous = np.array([10, 11, 10, 9, 10, 10]), np.array([12, 12, 13, 12, 11, 12])
    _, low, high, _ = statsmodels_interval(current, previous, 1.0)
    change = change_between(current, previous)
    assert change.dispersion_estimate is not None and change.dispersion_estimate < 1
    assert change.dispersion == 1
    assert (change.low, change.high) == pytest.approx((low, high), rel=1e-6)
    assert "below 1, so 1 is used" in change.describe()


def test_annual_figures_have_no_dispersion_estimate():
    change = annual_change(61, 72)
    ratio, low, high, _ = statsmodels_interval(np.array([61]), np.array([72]), 1.0)
    assert (change.ratio, change.low, change.high) == pytest.approx((ratio, low, high), rel=1e-6)
    assert change.dispersion_estimate is None and "likely too narrow" in change.describe()


def test_overdispersion_widens_what_poisson_would_call_real():
    """The issue's case: a change Poisson calls larger than chance is within normal variation once phi ~ 2.3 is allowed for."""
    previous = np.full(12, 100)
    current = np.full(12, 92)
    current[::2] += 11  # month-to-month swings
    current[1::2] -= 11
    previous[::2] += 11
    previous[1::2] -= 11
    poisson = annual_change(int(current.sum()), int(previous.sum()))
    quasi = change_between(current, previous)
    assert poisson.reading == FALL
    assert quasi.dispersion_estimate == pytest.approx(sum(11**2 / 92 for _ in range(12)) / 22 + sum(11**2 / 100 for _ in range(12)) / 22)
    assert quasi.reading == WITHIN


def test_readings():
    assert change_between(np.full(12, 50), np.full(12, 100)).reading == FALL
    assert change_between(np.full(12, 100), np.full(12, 50)).reading == RISE
    assert change_between(np.full(12, 100), np.full(12, 99)).reading == WITHIN
    assert annual_change(3, 9).reading == TOO_FEW  # both under 10
    assert annual_change(3, 10).reading != TOO_FEW


def test_zero_counts_give_an_unbounded_interval_not_an_error():
    change = annual_change(0, 12)
    assert change.ratio == 0 and change.low == 0 and math.isinf(change.high)


def test_rejects_impossible_input():
    with pytest.raises(ValueError):
        change_between(np.array([1, 2]), np.array([1, 2, 3]))
    with pytest.raises(ValueError):
        change_between(np.array([-1, 2]), np.array([1, 2]))


def test_earlier_range():
    five = earlier_range(10, [12, 15, 11, 20, 13, 9])
    assert five is not None and five.position == "lower than any of the 5 years before it (11 to 20)"  # the sixth is ignored
    two = earlier_range(14, [12, 15])
    assert two is not None and two.position == "within the range of the 2 years before it (12 to 15)"
    gap = earlier_range(30, [12, None, 15])
    assert gap is not None and gap.years == 2
    assert earlier_range(30, []) is None


# ---- verdict rules on constructed cases -----------------------------------------------------------

STRONG_FALL = change_between(np.full(12, 50), np.full(12, 100))
WEAK_FALL = change_between(np.full(12, 98), np.full(12, 100))
RISE_CHANGE = change_between(np.full(12, 100), np.full(12, 50))


@pytest.mark.parametrize(
    "direction, change, companions, expected",
    [
        ("down", STRONG_FALL, [True], SUPPORTED),
        ("down", WEAK_FALL, [True], DIRECTION_ONLY),  # as claimed, but within normal variation: no green tick
        ("down", STRONG_FALL, [False], MIXED),  # a companion moved the other way
        ("down", WEAK_FALL, [False], MIXED),
        ("down", RISE_CHANGE, [True], NOT_SUPPORTED),  # headline against the claim, companion for it: the headline decides
        ("down", RISE_CHANGE, [False], NOT_SUPPORTED),
        ("up", RISE_CHANGE, [], SUPPORTED),
        ("up", STRONG_FALL, [], NOT_SUPPORTED),
    ],
)
def test_verdict_rules(direction, change, companions, expected):
    assert verdict_for(direction, change, change.current, change.previous, companions) == expected


def test_no_change_is_not_supported():
    same = change_between(np.full(12, 40), np.full(12, 40))
    assert verdict_for("down", same, same.current, same.previous, []) == NOT_SUPPORTED


def test_small_counts_are_too_few_to_judge_whatever_the_direction():
    for now, before in ((1, 3), (3, 1), (9, 2)):
        change = annual_change(now, before)
        assert verdict_for("down", change, now, before, []) == "Too few to judge"
