"""The Wilson score interval against values computed by hand (Wilson 1927, z = 1.96)."""

from __future__ import annotations

import pytest

from jiuzhang.evaluation.intervals import wilson


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
