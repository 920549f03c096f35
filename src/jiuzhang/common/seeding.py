"""Seeds from config seed + stable identifiers, never from time or workers (SPEC §6.11)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def derive_seed(seed: int, *parts: object) -> int:
    """A 63-bit seed that depends only on `seed` and the given parts (e.g. source, row id)."""
    text = "\x1f".join([str(seed), *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


def stable_choice(options: Sequence[T], seed: int, *parts: object) -> T:
    """Pick one option as a pure function of (seed, parts): independent of sharding and workers."""
    if not options:
        raise ValueError("stable_choice: no options")
    return random.Random(derive_seed(seed, *parts)).choice(list(options))
