"""Sampled evaluation beside the greedy score: n completions per item, unbiased pass@k and maj@k.

- pass@k (Chen et al. 2021, the unbiased estimator): with c of the n samples correct, the chance
  that k samples drawn without replacement hold at least one correct one, 1 - C(n-c, k) / C(n, k),
  averaged over items. pass@1 is then the mean accuracy of the samples.
- maj@k: the majority answer of the item's first k samples is graded. Answers are grouped by the
  grader's equivalence (`grade.is_equiv`: "1/2", "0.5" and "\\frac12" are one answer); samples
  with no answer do not vote; a tie goes to the group whose first member came first.

Generation is seeded and resumable: items go in fixed batches (`items_per_batch` items x n
samples); each batch is sampled with a seed derived from (seed, first item of the batch), so the
result does not depend on where a run was interrupted. A batch's completions are appended to
`<samples>.partial` with an fsync; a rerun with the same fingerprint (model files, prompts,
settings) keeps the whole batches and goes on. Any backend and prompt type (the tool loop too).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.hashing import text_sha256
from jiuzhang.common.io import dumps_jsonl_line
from jiuzhang.common.progress import progress
from jiuzhang.common.seeding import derive_seed
from jiuzhang.evaluation.grade import is_equiv, normalize
from jiuzhang.evaluation.intervals import bootstrap_mean


@dataclasses.dataclass(frozen=True)
class SamplesConfig(FromMapping):
    """`evaluation.samples`: completions per item and how they are drawn."""

    n: int
    temperature: float = 0.7
    top_p: float = 0.95
    seed: int = 0
    items_per_batch: int = 64

    def __post_init__(self) -> None:
        if self.n < 1 or self.items_per_batch < 1 or self.temperature <= 0:
            raise ValueError(f"samples: need n >= 1, items_per_batch >= 1, temperature > 0: {self}")


def ks_for(n: int) -> list[int]:
    """The k reported for n samples: 1, 2, 4, ... below n, and n."""
    ks, k = [], 1
    while k < n:
        ks.append(k)
        k *= 2
    return [*ks, n]


def pass_at_k(n: int, correct: int, k: int) -> float:
    """Unbiased pass@k of one item with `correct` of `n` samples correct (a probability)."""
    if not 0 <= correct <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= correct <= n and 1 <= k <= n: {correct}, {n}, {k}")
    if n - correct < k:
        return 1.0
    # 1 - C(n-c, k) / C(n, k) as a product, exact enough and free of huge integers
    return 1.0 - math.prod(1.0 - k / i for i in range(n - correct + 1, n + 1))


def majority(answers: Sequence[str | None]) -> int | None:
    """Index of the first member of the largest group of equivalent answers (None answers do not
    vote); ties go to the group that appeared first. None when no sample has an answer."""
    groups: list[list[int]] = []
    by_text: dict[str, int] = {}
    for i, answer in enumerate(answers):
        if answer is None:
            continue
        key = normalize(answer)
        if key in by_text:
            groups[by_text[key]].append(i)
            continue
        for g, members in enumerate(groups):
            first = answers[members[0]]
            if is_equiv(answer, first) or is_equiv(first, answer):
                members.append(i)
                by_text[key] = g
                break
        else:
            by_text[key] = len(groups)
            groups.append([i])
    if not groups:
        return None
    best = max(groups, key=lambda members: (len(members), -members[0]))
    return best[0]


def score_samples(per_item: Sequence[Sequence[Mapping[str, Any]]], n: int) -> dict[str, Any]:
    """pass@k and maj@k in percent over items, from each item's graded samples (in sample
    order, each with `extracted` and `correct`)."""
    ks = ks_for(n)
    passes: dict[int, list[float]] = {k: [] for k in ks}
    majors: dict[int, list[float]] = {k: [] for k in ks}
    for samples in per_item:
        if len(samples) != n:
            raise DataError(f"an item has {len(samples)} samples, expected {n}")
        n_correct = sum(bool(s["correct"]) for s in samples)
        for k in ks:
            passes[k].append(pass_at_k(n, n_correct, k))
            winner = majority([s["extracted"] for s in samples[:k]])
            majors[k].append(float(winner is not None and bool(samples[winner]["correct"])))
    out: dict[str, Any] = {"items": len(per_item)}
    for name, table in (("pass@k", passes), ("maj@k", majors)):
        out[name] = {str(k): round(100.0 * sum(v) / max(1, len(v)), 2) for k, v in table.items()}
        out[f"{name} ci95"] = {
            str(k): [round(100.0 * b, 2) for b in bootstrap_mean(v)] for k, v in table.items()
        }
    out["ci_method"] = "percentile bootstrap over items, 2,000 resamples, seed 0"
    return out


Sampler = Callable[[list[str], int], list[Mapping[str, Any]]]
"""(prompts, seed) -> one completion record per prompt (text, finish reason, tokens, ...)."""


def sample_items(
    prompts: Sequence[str],
    cfg: SamplesConfig,
    sampler: Sampler,
    *,
    partial: str | os.PathLike[str],
    fingerprint: str,
) -> list[list[dict[str, Any]]]:
    """n completion records per prompt, in item order then sample order, generated in resumable
    batches (see the module doc). The partial file is left for the caller to remove."""
    path = Path(partial)
    key_path = path.with_name(path.name + ".key")
    key = text_sha256(json.dumps([fingerprint, dataclasses.asdict(cfg)], sort_keys=True))
    lines = _resume(path, key_path, key, cfg.n * cfg.items_per_batch)
    if len(lines) > cfg.n * len(prompts):
        raise DataError(f"{path}: holds more samples than the items need; delete it")
    done = len(lines) // cfg.n
    bar = progress(desc=f"samples {path.name}", total=len(prompts), initial=done, unit="items")
    with open(path, "ab") as handle:
        for start in range(done, len(prompts), cfg.items_per_batch):
            batch = prompts[start : start + cfg.items_per_batch]
            expanded = [p for p in batch for _ in range(cfg.n)]
            records = sampler(expanded, derive_seed(cfg.seed, "samples", start))
            for record in records:
                line = dumps_jsonl_line(record).encode()
                handle.write(line)
                lines.append(line)
            handle.flush()
            os.fsync(handle.fileno())
            bar.update(len(batch))
    bar.close()
    records = [json.loads(line) for line in lines]
    return [records[i * cfg.n : (i + 1) * cfg.n] for i in range(len(prompts))]


def _resume(path: Path, key_path: Path, key: str, batch_lines: int) -> list[bytes]:
    """The whole batches of a partial file made with `key`; otherwise start it afresh."""
    if path.is_file() and key_path.is_file() and key_path.read_text().strip() == key:
        lines = [
            line for line in path.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")
        ]
        lines = lines[: len(lines) - len(lines) % batch_lines]
        with open(path, "wb") as handle:  # cut back to whole batches
            handle.writelines(lines)
        return lines
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    key_path.write_text(key + "\n")
    return []
