"""Resumable batched generation with a failure sidecar: the machinery behind synthesis shards
(`shard.py`) and the KD teacher (`teacher.py`).

Files for an output `<out>`:
- `<out>.partial`: one JSON line per row, in row order, appended a batch at a time with a flush
  and fsync: the row's record, or a failure record when the row failed.
- `<out>.partial.key`: a fingerprint of the inputs and settings; a partial file made from
  anything else is discarded, not resumed.
- `<out>`: at the end, the records of the rows that succeeded, in row order. Failed rows are
  absent from it.
- `<out>.failures.jsonl` (`failures_path`): at the end, one line per failed row, in row order:
  `{"id", "prompt_id", "sample", "reason", "detail"}` with `id` the row's id in `<out>` (the
  prompt's id, or `<prompt id>-s<sample>` when several samples are drawn per prompt), `reason`
  `backend_error` (the backend raised for the row, e.g. an HTTP error after retries or a prompt
  the server refuses as too long) or `empty_completion` (nothing but whitespace came back), and
  `detail` the error message or the finish reason and token count. Always written, empty when
  nothing failed, so rows + failures = prompts x samples.

Failures are neither swallowed nor fatal per row. A batch whose `generate` raises is retried row
by row to find the failing rows; a backend with `generate_each` (the HTTP one) reports per-row
errors itself, so rows that worked are not sent again. The job fails with `DataError` as soon as
the failed rows exceed `max_failure_rate` x (rows in the output) - from then on the final rate
can only be over the bound - after the batch that crossed it is on disk: nothing generated is
lost, and a rerun resumes.

Resume: the partial file is cut back to its last whole batch; rows recorded there as failed are
generated again first (a failure is often transient: a server that was down, a rate limit) and
the partial file is rewritten atomically with the outcome; then generation continues with the
next batch. Every row has exactly one line in the partial file, so the finished output has every
successful row once and the sidecar lists each failure once. Sampling is seeded per batch from
(seed, seed key, batch start), so a resumed output equals an uninterrupted one, byte for byte,
when nothing failed (rows regenerated after a failure are seeded per retry, not per batch).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.io import dumps_jsonl_line
from jiuzhang.common.progress import progress
from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation import Generation, Generator, SamplingConfig

log = logging.getLogger(__name__)

FAILURES_SUFFIX = ".failures.jsonl"
DEFAULT_MAX_FAILURE_RATE = 0.05
REASONS = ("backend_error", "empty_completion")
_FAILURE_KEY = "reason"  # the field that marks a failure line in the partial file
_DETAIL_CHARS = 500


def failures_path(output: str | os.PathLike[str]) -> Path:
    """Where the failure sidecar of `output` lives: a sibling named `<output>.failures.jsonl`."""
    p = Path(output)
    return p.with_name(p.name + FAILURES_SUFFIX)


def partial_path(output: str | os.PathLike[str]) -> Path:
    """The file an unfinished `output` is appended to: `<output>.partial`."""
    p = Path(output)
    return p.with_name(p.name + ".partial")


@dataclasses.dataclass(frozen=True)
class WorkRow:
    """One completion to generate: its position and id in the output, and its prompt."""

    index: int  # position in the output (over all rows, failed ones included)
    id: str  # id in the output: the prompt's id, or "<prompt id>-s<sample>"
    prompt_id: str
    sample: int
    prompt: str
    data: Mapping[str, Any]  # the prompt row, for the record builder


def expand_rows(prompt_rows: Sequence[Mapping[str, Any]], samples_per_prompt: int) -> list[WorkRow]:
    """One `WorkRow` per (prompt row, sample); ids get `-s<j>` when there are several samples."""
    rows = []
    for prompt_row in prompt_rows:
        for j in range(samples_per_prompt):
            prompt_id = str(prompt_row["id"])
            rows.append(
                WorkRow(
                    index=len(rows),
                    id=f"{prompt_id}-s{j}" if samples_per_prompt > 1 else prompt_id,
                    prompt_id=prompt_id,
                    sample=j,
                    prompt=prompt_row["prompt"],
                    data=prompt_row,
                )
            )
    return rows


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a finished run wrote: rows in all, rows in the output, rows in the sidecar."""

    rows: int
    generated: int
    failed: int
    failed_by_reason: dict[str, int]
    resumed_rows: int  # rows found in the partial file at the start
    retried_rows: int  # of those, rows recorded as failed and generated again

    def counts(self) -> dict[str, Any]:
        """The counts for a manifest."""
        return {
            "rows": self.rows,
            "generated": self.generated,
            "failed": self.failed,
            "failed_by_reason": dict(self.failed_by_reason),
        }


RecordBuilder = Callable[[WorkRow, Generation], dict[str, Any]]


def run_resumable(
    rows: Sequence[WorkRow],
    *,
    output: str | os.PathLike[str],
    fingerprint: str,
    generator_factory: Callable[[], Generator],
    sampling: SamplingConfig,
    seed_key: str,
    rows_per_batch: int,
    to_record: RecordBuilder,
    max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE,
    after_batch: Callable[[Generator], None] | None = None,
) -> Outcome:
    """Generate every row into `output` (and its failure sidecar), resuming a partial file made
    from the same `fingerprint`. `to_record` turns a successful generation into the output line;
    `after_batch` runs after each batch is on disk (e.g. to save usage totals)."""
    if (
        isinstance(rows_per_batch, bool)
        or not isinstance(rows_per_batch, int)
        or rows_per_batch < 1
    ):
        raise ConfigError(f"rows_per_batch must be an integer >= 1, got {rows_per_batch!r}")
    if (
        isinstance(max_failure_rate, bool)
        or not isinstance(max_failure_rate, (int, float))
        or not 0.0 <= max_failure_rate <= 1.0
    ):
        raise ConfigError(f"max_failure_rate must be a number in [0, 1], got {max_failure_rate!r}")
    if not rows:
        raise DataError(f"{output}: nothing to generate")
    out = Path(output)
    partial = partial_path(out)
    kept = _resume_lines(partial, rows_per_batch, fingerprint)
    if len(kept) > len(rows):
        raise DataError(f"{partial}: has {len(kept)} rows but there are {len(rows)}; delete it")
    failed = [_check_line(partial, i + 1, line, rows[i]) for i, line in enumerate(kept)]
    budget = math.floor(max_failure_rate * len(rows) + 1e-9)
    n_resumed = len(kept)
    if kept:
        log.info("resuming %s after %d of %d rows", out, len(kept), len(rows))
    generator = generator_factory()
    batch_run = _BatchRunner(generator, sampling, seed_key, to_record, out.name)
    retry = [i for i, bad in enumerate(failed) if bad]
    if retry:
        log.info("%s: generating again %d rows that had failed", out.name, len(retry))
        for start in range(0, len(retry), rows_per_batch):
            chunk = retry[start : start + rows_per_batch]
            offset = derive_seed(sampling.seed, seed_key, "retry", chunk[0])
            for i, (line, bad) in zip(
                chunk, batch_run([rows[i] for i in chunk], offset), strict=True
            ):
                kept[i], failed[i] = line, bad
        _rewrite(partial, kept)
        if after_batch is not None:
            after_batch(generator)
    _check_budget(out, partial, kept, failed, len(rows), budget, max_failure_rate)
    bar = progress(desc=out.name, total=len(rows), initial=len(kept))
    with open(partial, "ab") as handle:
        for start in range(len(kept), len(rows), rows_per_batch):
            batch = rows[start : start + rows_per_batch]
            results = batch_run(batch, derive_seed(sampling.seed, seed_key, start))
            for line, bad in results:
                handle.write(line)
                kept.append(line)
                failed.append(bad)
            handle.flush()
            os.fsync(handle.fileno())
            if after_batch is not None:
                after_batch(generator)
            bar.update(len(batch))
            bar.set_postfix_str(f"{sum(failed)} failed", refresh=False)
            _check_budget(out, partial, kept, failed, len(rows), budget, max_failure_rate)
    bar.close()
    return _finish(out, partial, kept, failed, resumed_rows=n_resumed, retried_rows=len(retry))


class _BatchRunner:
    """Generates one batch: returns (line, failed) per row, isolating rows that raise."""

    def __init__(
        self,
        generator: Generator,
        sampling: SamplingConfig,
        seed_key: str,
        to_record: RecordBuilder,
        name: str,
    ) -> None:
        self.generator = generator
        self.sampling = sampling
        self.seed_key = seed_key
        self.to_record = to_record
        self.name = name

    def __call__(self, batch: Sequence[WorkRow], seed_offset: int) -> list[tuple[bytes, bool]]:
        results = self._results(batch, seed_offset)
        lines = []
        for row, result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                record, bad = _failure(row, "backend_error", _describe(result)), True
            elif not result.text.strip():
                detail = f"finish_reason {result.finish_reason}, {result.n_tokens} tokens"
                record, bad = _failure(row, "empty_completion", detail), True
            else:
                record, bad = self.to_record(row, result), False
                if _FAILURE_KEY in record:
                    raise ValueError(f"record builder may not set {_FAILURE_KEY!r}: {record}")
            if bad:
                log.warning(
                    "%s: row %s failed (%s): %s",
                    self.name,
                    row.id,
                    record["reason"],
                    record["detail"],
                )
            lines.append((dumps_jsonl_line(record).encode("utf-8"), bad))
        return lines

    def _results(self, batch: Sequence[WorkRow], seed_offset: int) -> list[Generation | Exception]:
        prompts = [row.prompt for row in batch]
        each = getattr(self.generator, "generate_each", None)
        if callable(each):  # per-row errors without re-sending the rows that worked
            return _checked(each(prompts, self.sampling, seed_offset=seed_offset), len(batch))
        try:
            return _checked(
                self.generator.generate(prompts, self.sampling, seed_offset=seed_offset),
                len(batch),
            )
        except ConfigError:
            raise
        except Exception as exc:
            if len(batch) == 1:
                return [exc]
            log.warning(
                "%s: a batch of %d rows failed (%s); generating its rows one by one",
                self.name,
                len(batch),
                _describe(exc),
            )
        results: list[Generation | Exception] = []
        for row in batch:
            offset = derive_seed(self.sampling.seed, self.seed_key, "row", row.index)
            try:
                results.extend(
                    _checked(
                        self.generator.generate([row.prompt], self.sampling, seed_offset=offset), 1
                    )  # fmt: skip
                )
            except ConfigError:
                raise
            except Exception as exc:
                results.append(exc)
        return results


def _checked(results: Sequence[Any], expected: int) -> list[Any]:
    """The backend's results, which must be one per prompt (anything else is a bug there)."""
    if len(results) != expected:
        raise AssertionError(f"backend returned {len(results)} results for {expected} prompts")
    return list(results)


def _failure(row: WorkRow, reason: str, detail: str) -> dict[str, Any]:
    """A failure record (a partial-file line and, at the end, a sidecar line)."""
    return {
        "id": row.id,
        "prompt_id": row.prompt_id,
        "sample": row.sample,
        _FAILURE_KEY: reason,
        "detail": detail,
    }


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS] + "..."


def _resume_lines(partial: Path, rows_per_batch: int, fingerprint: str) -> list[bytes]:
    """The whole batches already in the partial file (newline included); the file is cut back to
    them. A partial file without the matching key file is discarded and a new key written."""
    key = partial.with_name(partial.name + ".key")
    if not partial.exists() or not key.is_file() or key.read_text().strip() != fingerprint:
        if partial.exists():
            log.warning("discarding %s: made from other inputs or settings", partial)
        partial.unlink(missing_ok=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        key.write_text(fingerprint + "\n")
        return []
    lines = partial.read_bytes().split(b"\n")[:-1]  # whatever follows the last newline is torn
    whole = len(lines) - len(lines) % rows_per_batch
    kept = [line + b"\n" for line in lines[:whole]]
    with open(partial, "r+b") as handle:
        handle.truncate(sum(len(line) for line in kept))
    return kept


def _check_line(partial: Path, lineno: int, line: bytes, row: WorkRow) -> bool:
    """Validate a resumed line against the row it must hold; return whether it is a failure."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise DataError(f"{partial}:{lineno}: corrupt resume file; delete it") from None
    if not isinstance(record, dict) or record.get("id") != row.id:
        found = record.get("id") if isinstance(record, dict) else record
        raise DataError(
            f"{partial}:{lineno}: holds row {found!r} where {row.id!r} belongs; delete it"
        )
    return _FAILURE_KEY in record


def _rewrite(path: Path, lines: Sequence[bytes]) -> None:
    """Replace `path` with `lines`, durably and atomically (a kill leaves old or new)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _check_budget(
    out: Path,
    partial: Path,
    lines: Sequence[bytes],
    failed: Sequence[bool],
    n_rows: int,
    budget: int,
    max_failure_rate: float,
) -> None:
    """Fail once more rows failed than `max_failure_rate` allows of the whole output."""
    n_failed = sum(failed)
    if n_failed <= budget:
        return
    records = [json.loads(line) for line, bad in zip(lines, failed, strict=True) if bad]
    reasons = Counter(r[_FAILURE_KEY] for r in records)
    examples = "; ".join(f"{r['id']}: {r['detail']}" for r in records[:3])
    raise DataError(
        f"{out}: {n_failed} of {n_rows} rows failed so far, more than max_failure_rate="
        f"{max_failure_rate} allows ({budget}); by reason {dict(sorted(reasons.items()))}; "
        f"first: {examples}. The {len(lines) - n_failed} rows generated so far are kept in "
        f"{partial}: fix the cause (or raise max_failure_rate) and rerun to resume; failed rows "
        f"are generated again."
    )


def _finish(
    out: Path,
    partial: Path,
    lines: Sequence[bytes],
    failed: Sequence[bool],
    *,
    resumed_rows: int,
    retried_rows: int,
) -> Outcome:
    """Write the sidecar, then the output (successful rows only); drop the partial and key."""
    bad_lines = [line for line, bad in zip(lines, failed, strict=True) if bad]
    _rewrite(failures_path(out), bad_lines)
    if bad_lines:
        _rewrite(out, [line for line, bad in zip(lines, failed, strict=True) if not bad])
        partial.unlink()
    else:
        os.replace(partial, out)
    partial.with_name(partial.name + ".key").unlink(missing_ok=True)
    reasons = Counter(json.loads(line)[_FAILURE_KEY] for line in bad_lines)
    outcome = Outcome(
        rows=len(lines),
        generated=len(lines) - len(bad_lines),
        failed=len(bad_lines),
        failed_by_reason=dict(sorted(reasons.items())),
        resumed_rows=resumed_rows,
        retried_rows=retried_rows,
    )
    if bad_lines:
        log.warning(
            "%s: %d of %d rows failed (%s); listed in %s",
            out.name,
            outcome.failed,
            outcome.rows,
            outcome.failed_by_reason,
            failures_path(out),
        )
    return outcome
