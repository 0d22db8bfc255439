"""The change statistics against values computed independently with scipy's binomtest."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest

from indicators.stats import FALL, RISE, WITHIN, earlier_range, poisson_rate_ratio


@pytest.mark.parametrize("current, previous", [(1224, 1292), (81, 65), (29, 18), (104, 112), (3, 12), (0, 5), (7, 0), (1, 1)])
def test_interval_matches_scipy_binomtest(current, previous):
    interval = binomtest(current, current + previous).proportion_ci(confidence_level=0.95, method="exact")
    to_ratio = lambda p: math.inf if p >= 1 else p / (1 - p)  # noqa: E731
    result = poisson_rate_ratio(current, previous)
    assert result.low == pytest.approx(to_ratio(interval.low), rel=1e-9, abs=1e-12)
    if math.isinf(to_ratio(interval.high)):
        assert math.isinf(result.high)
    else:
        assert result.high == pytest.approx(to_ratio(interval.high), rel=1e-9)


def test_known_values():
    # 81 vs 65 knife homicide victims: ratio 1.246, interval straddles 1.
    result = poisson_rate_ratio(81, 65)
    assert result.ratio == pytest.approx(81 / 65)
    assert result.low < 1 < result.high
    assert result.reading == WITHIN
    # 1,224 vs 1,292 knife injury victims: a 5% fall on large counts is still within chance.
    assert poisson_rate_ratio(1224, 1292).reading == WITHIN
    # A halving on counts of hundreds is not.
    assert poisson_rate_ratio(200, 400).reading == FALL
    assert poisson_rate_ratio(400, 200).reading == RISE


def test_rejects_impossible_counts():
    with pytest.raises(ValueError):
        poisson_rate_ratio(0, 0)
    with pytest.raises(ValueError):
        poisson_rate_ratio(-1, 4)


def test_earlier_range():
    assert earlier_range(10, [12, 15, 11, 20, 13, 9]).position.startswith("lower than any of the 5 years")
    assert earlier_range(14, [12, 15]).position.startswith("within the range of the 2 years")
    assert earlier_range(30, [12, None, 15]).years == 2
    assert earlier_range(30, []) is None
