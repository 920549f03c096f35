"""Exact and near-duplicate detection for corpus rows: MinHash signatures + LSH (`rensa`).

Each text is first reduced by `normalize_text` (NFKC, lowercase, whitespace collapsed, sentence
punctuation stripped from word edges); two texts with the same normalized form are exact
duplicates. Otherwise the text's word `ngram`-shingles (a text shorter than `ngram` words is one
shingle) get a `num_perm`-slot R-MinHash signature; an LSH index over the signatures of the rows
kept so far proposes candidates, and a candidate counts only when the signatures' Jaccard estimate
is at least `threshold`. The earliest such kept row is reported. Rows are processed one at a time
(`NearDuplicateIndex.add`), so a corpus can be streamed through it; only the kept rows'
signatures (512 bytes each at `num_perm=128`) and a 16-byte digest per distinct normalized text
stay in memory.

LSH bands: `num_perm = bands * rows`; among the divisors of `num_perm` the (bands, rows) pair
minimising a weighted integral of the false-positive and false-negative probabilities around
`threshold` is used, weighting misses more (0.7 / 0.3) because every candidate is verified against
the signature estimate anyway (threshold 0.8, 128 slots -> 16 bands of 8 rows).

Library: `rensa` (Rust, no Python dependencies) rather than `datasketch` (pure Python + numpy, and
scipy for its LSH parameters): on 20k real sample rows plus planted near-copies, with the same
normalisation, shingles and LSH bands, both flag the same pairs, and rensa needs about a fifth of
the CPU time (sketching itself is ~17x faster) and half the memory. Its signatures do not depend on
PYTHONHASHSEED; they can change between rensa releases (0.5.0 changed its algorithm version), so
the version is pinned and no signature is ever stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import unicodedata
from collections.abc import Sequence

from rensa import RMinHash, RMinHashLSH

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError, DataError

__all__ = [
    "DedupConfig",
    "NearDuplicateIndex",
    "find_duplicates",
    "lsh_bands",
    "normalize_text",
    "shingles",
]

log = logging.getLogger(__name__)

# Sentence punctuation, quotes and Markdown emphasis; math-bearing marks (minus, brackets, `$`,
# backslash, operators) are kept so that "x = -5" and "x = 5" stay different texts.
_EDGE_PUNCT = ".,;:!?…\"'`*_“”‘’«»„"
_MISS_WEIGHT = 0.7  # LSH parameter choice: a missed pair costs more than a verified candidate


@dataclasses.dataclass(frozen=True)
class DedupConfig(FromMapping):
    """Near-duplicate detection settings.

    threshold: estimated Jaccard similarity of the shingle sets at or above which a row is a
        near-duplicate of an earlier kept row (0 < threshold <= 1).
    num_perm: MinHash signature slots (16..1024, a multiple of 8); more slots, finer estimates.
    ngram: words per shingle, counted after `normalize_text`.
    seed: the MinHash permutation seed (>= 0); the same seed gives the same result.
    """

    threshold: float = 0.8
    num_perm: int = 128
    ngram: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("num_perm", "ngram", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"DedupConfig.{name} must be an integer, got {value!r}")
        threshold = self.threshold
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ConfigError(f"DedupConfig.threshold must be a number, got {threshold!r}")
        if not (math.isfinite(threshold) and 0 < threshold <= 1):
            raise ConfigError(f"DedupConfig.threshold must be in (0, 1], got {threshold!r}")
        if not (16 <= self.num_perm <= 1024 and self.num_perm % 8 == 0):
            raise ConfigError(
                f"DedupConfig.num_perm must be a multiple of 8 in [16, 1024], got {self.num_perm}"
            )
        if self.ngram < 1:
            raise ConfigError(f"DedupConfig.ngram must be >= 1, got {self.ngram}")
        if not 0 <= self.seed < 2**64:
            raise ConfigError(f"DedupConfig.seed must be in [0, 2**64), got {self.seed}")


def normalize_text(text: str) -> str:
    """The form exact deduplication keys on and shingles are cut from.

    NFKC (full-width digits, ligatures), lowercase, split on any whitespace, strip sentence
    punctuation, quotes and Markdown emphasis (`.,;:!?…"'`*_` and typographic quotes) from both
    ends of every word, drop words left empty, join with single spaces.
    """
    words = unicodedata.normalize("NFKC", text).lower().split()
    return " ".join(word for word in (w.strip(_EDGE_PUNCT) for w in words) if word)


def shingles(normalized: str, ngram: int) -> list[str]:
    """Word `ngram`-grams of an already normalized text; one shingle when it is shorter."""
    words = normalized.split(" ") if normalized else []
    if len(words) <= ngram:
        return [normalized] if normalized else []
    return list(map(" ".join, zip(*(words[i:] for i in range(ngram)), strict=False)))


def _collision_probability(bands: int, rows: int, lo: float, hi: float) -> float:
    """Integral over s in [lo, hi] of P(candidate | Jaccard s) = 1 - (1 - s^rows)^bands."""
    steps = 200
    width = (hi - lo) / steps
    return sum(1 - (1 - (lo + (k + 0.5) * width) ** rows) ** bands for k in range(steps)) * width


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band), bands * rows == num_perm, with the least weighted error."""
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        if num_perm % bands:
            continue
        rows = num_perm // bands
        false_pos = _collision_probability(bands, rows, 0.0, threshold)
        false_neg = (1 - threshold) - _collision_probability(bands, rows, threshold, 1)
        error = (1 - _MISS_WEIGHT) * false_pos + _MISS_WEIGHT * false_neg
        if best is None or error < best[0]:
            best = (error, bands, rows)
    assert best is not None  # bands == 1 always divides
    return best[1], best[2]


class NearDuplicateIndex:
    """Streaming deduplicator: `add(text)` says whether a text repeats an earlier kept one.

    Texts are numbered 0, 1, ... in the order they are added. Exact duplicates (same
    `normalize_text`) point at the kept text their first copy resolved to; near-duplicates point
    at the earliest kept text whose signature estimate reaches `cfg.threshold`. Only kept texts
    enter the LSH index, so a chain of small edits does not drift away from the kept original.
    """

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.bands, self.rows = lsh_bands(cfg.threshold, cfg.num_perm)
        self._lsh = RMinHashLSH(cfg.threshold, cfg.num_perm, self.bands)
        self._exact: dict[bytes, int] = {}
        self._kept: dict[int, RMinHash] = {}
        self._count = 0
        self.exact_duplicates = 0
        self.near_duplicates = 0
        log.debug("dedup: %s, LSH %d bands x %d rows", cfg, self.bands, self.rows)

    def __len__(self) -> int:
        """How many texts were added."""
        return self._count

    def add(self, text: str) -> int | None:
        """Number the text; None when it is kept, else the index of the kept text it repeats."""
        return self.add_classified(text)[0]

    def add_classified(self, text: str) -> tuple[int | None, str]:
        """Like `add`, with the verdict: "kept", "exact_duplicate" or "near_duplicate"."""
        if not isinstance(text, str):
            kind = type(text).__name__
            raise DataError(f"dedup: text {self._count} must be a string, got {kind}")
        index = self._count
        self._count += 1
        normalized = normalize_text(text)
        key = hashlib.blake2b(normalized.encode("utf-8"), digest_size=16).digest()
        earlier = self._exact.get(key)
        if earlier is not None:
            self.exact_duplicates += 1
            return earlier, "exact_duplicate"
        grams = shingles(normalized, self.cfg.ngram)
        if not grams:  # nothing but punctuation/whitespace: exact matching only
            self._exact[key] = index
            return None, "kept"
        signature = RMinHash(self.cfg.num_perm, self.cfg.seed)
        signature.update(grams)
        for candidate in sorted(self._lsh.query(signature)):
            if self._kept[candidate].jaccard(signature) >= self.cfg.threshold:
                self._exact[key] = candidate
                self.near_duplicates += 1
                return candidate, "near_duplicate"
        self._exact[key] = index
        self._kept[index] = signature
        self._lsh.insert(index, signature)
        return None, "kept"

    @property
    def stats(self) -> dict[str, int | float]:
        """Counts so far, with the settings that produced them."""
        return {
            "rows": self._count,
            "kept": self._count - self.exact_duplicates - self.near_duplicates,
            "exact_duplicate": self.exact_duplicates,
            "near_duplicate": self.near_duplicates,
            "threshold": self.cfg.threshold,
            "num_perm": self.cfg.num_perm,
            "ngram": self.cfg.ngram,
            "lsh_bands": self.bands,
            "lsh_rows": self.rows,
        }


def find_duplicates(texts: Sequence[str], cfg: DedupConfig) -> list[int | None]:
    """For each text, None if kept, else the index of the earlier kept text it duplicates.

    Exact duplicates (same `normalize_text`) first, then near-duplicates by MinHash LSH confirmed by
    the signature Jaccard estimate >= `cfg.threshold`. The first occurrence wins, so the result is
    deterministic and depends on the order only in that sense.
    """
    index = NearDuplicateIndex(cfg)
    result = [index.add(text) for text in texts]
    log.info("dedup: %s", index.stats)
    return result
