"""N-gram decontamination of training rows against every evaluation benchmark.

The benchmarks are read through `jiuzhang.evaluation.benchmarks.load_benchmark`, so the text
indexed is exactly the question the evaluation shows the model. Each question is tokenized by
`tokenize` (NFKC, lowercase, thousands separators dropped, then maximal runs of letters and digits:
punctuation, LaTeX markup characters, Markdown and whitespace differences all vanish) and every
word `n`-gram of it is indexed. A question with fewer than `n` words is indexed as one gram of all
its words, so a short question copied verbatim is still caught. With `include_solutions`, the
reference solution (`raw_gold` when it is a string of at least `n` words: GSM8K's worked answers,
MATH's solutions) is indexed under the same item too.

Grams made only of numbers and single letters (a counting sequence "1 2 3 ... 13", a list of
coordinates, Asymptote point labels) are not indexed when the item has any other gram: they say
nothing about which problem a text copies and were the commonest false positives on the samples.

A text matches an item when it shares at least `min_matches` distinct grams with it (all of the
item's grams when it has fewer). The default n = 13 is the GPT-3 convention (Brown et al. 2020,
app. C: any n-gram overlap, n from 8 to 13 by dataset) as fixed at 13 by EleutherAI's
lm-evaluation-harness decontamination, which later contamination reports compare against: 13
consecutive words are long enough that independently written problems rarely share them by
chance, yet a question pasted into a longer text, or copied with a few numbers changed, still
leaves intact 13-grams. A smaller n finds more edited copies but also more stock phrasing: n = 8
flags ~14% of the released corpus samples against ~1.4% at 13, mostly MATH boilerplate such as
"let a, b and c be real numbers such that".

Grams are stored as Python hashes of word tuples (all seven test sets: about 0.26M distinct
question grams, 0.77M with solutions; the index takes under 100 MB) and every hash hit is confirmed
against the item's own tokens, so a hash collision never reports a false match and the result does
not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.evaluation.benchmarks import BenchItem, load_benchmark

__all__ = ["DecontamConfig", "Decontaminator", "summarize_matches", "tokenize"]

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclasses.dataclass(frozen=True)
class DecontamConfig(FromMapping):
    """Decontamination settings.

    n: words per gram (>= 1); 13 by the GPT-3 / Llama convention.
    min_matches: distinct shared grams needed to call a text contaminated by one item (>= 1;
        an item with fewer grams needs all of them).
    include_solutions: also index each item's reference solution (`raw_gold` strings of >= n
        words), so a copied worked solution is caught even when its question was reworded.
    """

    n: int = 13
    min_matches: int = 1
    include_solutions: bool = False

    def __post_init__(self) -> None:
        for name in ("n", "min_matches"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"DecontamConfig.{name} must be an integer >= 1, got {value!r}")
        if not isinstance(self.include_solutions, bool):
            raise ConfigError(
                f"DecontamConfig.include_solutions must be true or false, "
                f"got {self.include_solutions!r}"
            )


def tokenize(text: str) -> list[str]:
    """Lowercased runs of letters/digits after NFKC and dropping thousands separators."""
    text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", text).lower())
    return _WORD.findall(text)


def _ngrams(tokens: Sequence[str], n: int) -> Iterable[tuple[str, ...]]:
    """All word n-grams of `tokens`, in order (none when there are fewer than n tokens)."""
    return zip(*(tokens[i:] for i in range(n)), strict=False)


def _informative(gram: tuple[str, ...]) -> bool:
    """Whether a gram holds a word: some token of 2+ characters that is not a number."""
    return any(len(token) > 1 and not token.isdigit() for token in gram)


def _grams(run: Sequence[str], n: int) -> Iterable[tuple[str, ...]]:
    """An indexed run's grams: its n-grams, or the whole run when it is shorter than n."""
    return _ngrams(run, n) if len(run) >= n else (tuple(run),)


class Decontaminator:
    """An n-gram index of benchmark questions; `matches(text)` names the items a text copies.

    Args:
        benchmarks: benchmark name -> its items (as `load_benchmark` returns them).
        cfg: gram length, match count, whether solutions are indexed.
    """

    def __init__(self, benchmarks: Mapping[str, Sequence[BenchItem]], cfg: DecontamConfig) -> None:
        self.cfg = cfg
        self._items: list[tuple[str, str]] = []  # item number -> (benchmark, id)
        self._needed: list[int] = []  # item number -> distinct grams a text must share with it
        self._texts: list[tuple[tuple[str, ...], ...]] = []  # item number -> its indexed token runs
        self._index: dict[int, int | list[int]] = {}  # hash(gram) -> item number(s)
        self._short: dict[str, set[int]] = {}  # first word -> lengths of short questions' grams
        self._stats: dict[str, dict[str, int]] = {}
        for name in sorted(benchmarks):
            self._add_benchmark(name, benchmarks[name])
        log.info(
            "decontam: n=%d, min_matches=%d, include_solutions=%s, indexed %s",
            cfg.n,
            cfg.min_matches,
            cfg.include_solutions,
            self._stats,
        )

    @classmethod
    def from_files(
        cls, files: Mapping[str, str | os.PathLike[str]], cfg: DecontamConfig
    ) -> Decontaminator:
        """Load each benchmark file (name -> path or hf:// source) with `load_benchmark`."""
        return cls({name: load_benchmark(name, source) for name, source in files.items()}, cfg)

    def _add_benchmark(self, name: str, items: Sequence[BenchItem]) -> None:
        if not items:
            raise DataError(f"decontam: benchmark {name!r} has no items")
        n = self.cfg.n
        seen_ids: set[str] = set()
        counts = {"items": 0, "ngrams": 0, "short_items": 0, "solutions": 0}
        for item in items:
            if item.id in seen_ids:
                raise DataError(f"decontam: benchmark {name!r} has duplicate item id {item.id!r}")
            seen_ids.add(item.id)
            tokens = tokenize(item.question)
            if not tokens:
                raise DataError(
                    f"decontam: {name} item {item.id!r} has no words to index "
                    f"(question {item.question!r})"
                )
            runs = [tuple(tokens)]
            if len(tokens) < n:
                self._short.setdefault(tokens[0], set()).add(len(tokens))
                counts["short_items"] += 1
            if self.cfg.include_solutions and isinstance(item.raw_gold, str):
                solution = tokenize(item.raw_gold)
                if len(solution) >= n:
                    runs.append(tuple(solution))
                    counts["solutions"] += 1
            grams = {hash(g) for run in runs for g in _grams(run, n) if _informative(g)}
            if not grams:  # nothing but numbers and single letters: index them all the same
                grams = {hash(g) for run in runs for g in _grams(run, n)}
            number = len(self._items)
            self._items.append((name, item.id))
            self._texts.append(tuple(runs))
            self._needed.append(min(self.cfg.min_matches, len(grams)))
            for key in grams:
                found = self._index.get(key)
                if found is None:
                    self._index[key] = number
                elif isinstance(found, int):
                    if found != number:
                        self._index[key] = [found, number]
                elif found[-1] != number:
                    found.append(number)
            counts["items"] += 1
            counts["ngrams"] += len(grams)
        self._stats[name] = counts

    @property
    def stats(self) -> dict[str, Any]:
        """The settings and, per benchmark, items, grams, short questions and solutions indexed."""
        return {
            "n": self.cfg.n,
            "min_matches": self.cfg.min_matches,
            "include_solutions": self.cfg.include_solutions,
            "distinct_ngrams": len(self._index),
            "short_lengths": sorted({k for ks in self._short.values() for k in ks}),
            "benchmarks": {name: dict(counts) for name, counts in self._stats.items()},
        }

    def _short_runs(self, tokens: list[str]) -> list[tuple[str, ...]]:
        """The text's runs that start like a short question and are as long as it."""
        short = self._short
        found: list[tuple[str, ...]] = []
        if short:
            for start, word in enumerate(tokens):
                lengths = short.get(word)
                if lengths:
                    found.extend(
                        tuple(tokens[start : start + length])
                        for length in lengths
                        if start + length <= len(tokens)
                    )
        return found

    def _item_grams(self, number: int) -> set[tuple[str, ...]]:
        """Every gram of item `number`'s indexed runs."""
        return {gram for run in self._texts[number] for gram in _grams(run, self.cfg.n)}

    def matches(self, text: str) -> list[tuple[str, str]]:
        """Sorted (benchmark, item id) pairs sharing enough grams with `text` (see the module)."""
        tokens = tokenize(text)
        if not tokens:
            return []
        index = self._index
        short = self._short_runs(tokens)
        hits = index.keys() & set(map(hash, _ngrams(tokens, self.cfg.n)))
        hits.update(index.keys() & set(map(hash, short)))
        if not hits:
            return []
        shared: dict[int, set[tuple[str, ...]]] = defaultdict(set)
        item_grams: dict[int, set[tuple[str, ...]]] = {}
        grams = itertools.chain(_ngrams(tokens, self.cfg.n), short)
        for gram in {g for g in grams if hash(g) in hits}:
            found = index[hash(gram)]
            for number in (found,) if isinstance(found, int) else found:
                if number not in item_grams:  # confirm the hash hit on the item's own grams
                    item_grams[number] = self._item_grams(number)
                if gram in item_grams[number]:
                    shared[number].add(gram)
        return sorted(
            self._items[number]
            for number, grams in shared.items()
            if len(grams) >= self._needed[number]
        )


def summarize_matches(per_row: Iterable[Sequence[tuple[str, str]]]) -> dict[str, Any]:
    """Aggregate `matches` results: contaminated rows, and per benchmark rows and sorted item ids.

    Returns `{"rows": k, "benchmarks": {name: {"rows": r, "items": [id, ...]}}}`, where a row
    matching several items of one benchmark counts once for it.
    """
    rows = 0
    per_bench_rows: dict[str, int] = defaultdict(int)
    per_bench_ids: dict[str, set[str]] = defaultdict(set)
    for found in per_row:
        if not found:
            continue
        rows += 1
        for name in {bench for bench, _ in found}:
            per_bench_rows[name] += 1
        for bench, item_id in found:
            per_bench_ids[bench].add(item_id)
    return {
        "rows": rows,
        "benchmarks": {
            name: {"rows": per_bench_rows[name], "items": sorted(per_bench_ids[name], key=_id_key)}
            for name in sorted(per_bench_rows)
        },
    }


def _id_key(item_id: str) -> tuple[int, int | str]:
    """Sort numeric ids numerically, before the others."""
    return (0, int(item_id)) if item_id.isdigit() else (1, item_id)
