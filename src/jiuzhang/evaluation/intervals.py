"""Uncertainty of an accuracy: the Wilson score interval of a binomial proportion.

An accuracy of k correct out of n items is an estimate; with n = 100 a 95 % interval is about
±8 points wide, so 11 vs 15 cannot be told from noise. The Wilson interval (Wilson 1927) keeps
its coverage near the nominal level for small n and for proportions near 0 or 1, where the
normal-approximation ("Wald") interval collapses to a point.
"""

from __future__ import annotations

import math

__all__ = ["Z95", "wilson"]

Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""


def wilson(correct: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of `correct` / `n`, in percent (0-100); (0, 100) when n = 0."""
    if not 0 <= correct <= n:
        raise ValueError(f"correct must be within [0, n], got {correct} of {n}")
    if n == 0:
        return 0.0, 100.0
    p = correct / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))
