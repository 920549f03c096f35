"""The warmup-stable-decay learning-rate schedule of SPEC §4.3, exactly.

f(s) for optimizer step s (0-based), T total steps, W = ceil(warmup_ratio * T), S = stable_ratio * T
(S = W when stable_ratio is 0): linear warm-up s/max(1, W) below W, 1 until S, then
max(floor, (T - s) / max(1, T - S)).
"""

from __future__ import annotations

import math


def wsd_factor(
    step: int, total: int, warmup_ratio: float, stable_ratio: float, floor: float
) -> float:
    """The LR multiplier at `step`."""
    warmup = math.ceil(warmup_ratio * total)
    stable_end = stable_ratio * total if stable_ratio else float(warmup)
    if step < warmup:
        return step / max(1, warmup)
    if step < stable_end:
        return 1.0
    return max(floor, (total - step) / max(1.0, total - stable_end))


def stable_end_step(total: int, stable_ratio: float, warmup_ratio: float) -> int:
    """First optimizer step of the decay phase (where the end-of-stable checkpoint belongs)."""
    stable_end = stable_ratio * total if stable_ratio else math.ceil(warmup_ratio * total)
    return math.ceil(stable_end)
