"""Uncertainty of an accuracy (the Wilson score interval) and of a difference between two arms
evaluated on the same items (a paired bootstrap).

An accuracy of k correct out of n items is an estimate; with n = 100 a 95 % interval is about
±8 points wide, so 11 vs 15 cannot be told from noise. The Wilson interval (Wilson 1927) keeps
its coverage near the nominal level for small n and for proportions near 0 or 1, where the
normal-approximation ("Wald") interval collapses to a point.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

__all__ = ["Z95", "bootstrap_mean", "paired_difference", "wilson"]

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


def paired_difference(
    first: Sequence[bool], second: Sequence[bool], *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Accuracy of `second` minus accuracy of `first` on the same items (in points), with a 95 %
    paired bootstrap percentile interval: items are resampled together, so what both arms got
    right or wrong cancels, and only the items they disagree on move the difference. Seeded:
    the same inputs give the same interval."""
    if len(first) != len(second):
        raise ValueError(f"paired arms need the same items, got {len(first)} and {len(second)}")
    n = len(first)
    if n == 0:
        return 0.0, -100.0, 100.0
    deltas = [int(b) - int(a) for a, b in zip(first, second, strict=True)]
    low, high = bootstrap_mean(deltas, resamples=resamples, seed=seed)
    return 100 * sum(deltas) / n, 100 * low, 100 * high


def bootstrap_mean(
    values: Sequence[float], *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean of `values` (items resampled with
    replacement; seeded). (0, 0) for no values."""
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    return means[int(0.025 * (resamples - 1))], means[int(math.ceil(0.975 * (resamples - 1)))]
