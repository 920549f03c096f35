"""The Wilson score interval against values computed by hand (Wilson 1927, z = 1.96)."""

from __future__ import annotations

import pytest

from jiuzhang.evaluation.intervals import paired_difference, wilson


@pytest.mark.parametrize(
    ("correct", "n", "low", "high"),
    [
        (50, 100, 40.38, 59.62),
        (0, 100, 0.0, 3.70),
        (100, 100, 96.30, 100.0),
        (15, 100, 9.31, 23.28),
        (1, 4, 4.56, 69.94),
    ],
)
def test_wilson_interval(correct: int, n: int, low: float, high: float) -> None:
    got = wilson(correct, n)
    assert got == pytest.approx((low, high), abs=0.01)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == (0.0, 100.0)
    with pytest.raises(ValueError, match="within"):
        wilson(5, 4)


def test_paired_difference_counts_only_the_items_the_arms_disagree_on() -> None:
    first = [True] * 40 + [False] * 60
    second = [True] * 40 + [False] * 50 + [True] * 10  # 10 more right, none lost
    diff, low, high = paired_difference(first, second)
    assert diff == pytest.approx(10.0)
    assert 4.0 <= low < 10.0 < high <= 16.0  # the 10 flips, resampled
    assert paired_difference(first, second) == (diff, low, high)  # seeded
    same = paired_difference(first, first)
    assert same == (0.0, 0.0, 0.0)  # identical arms: no uncertainty about their difference
    with pytest.raises(ValueError, match="same items"):
        paired_difference(first, second[:-1])
