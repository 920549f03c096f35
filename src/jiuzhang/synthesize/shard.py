"""Generate completions for one prompt shard, resumable after a kill.

Rows are generated in fixed batches in row order and appended to `<output>.partial` with a flush
and fsync per batch; a restarted job keeps the whole batches already there and continues with the
next batch. Sampling is seeded per batch from (seed, shard, batch start), so a resumed shard is
identical to an uninterrupted one. The finished file is renamed into place atomically.

Rows whose generation failed (the backend raised for them, or the completion was empty) are left
out of the shard and listed in `<output>.failures.jsonl`; the job fails once more than
`max_failure_rate` of the shard's rows failed. See `jiuzhang.synthesize.resumable`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.hashing import file_sha256, model_files_key, text_sha256
from jiuzhang.common.io import load_jsonl
from jiuzhang.common.manifest import write_manifest
from jiuzhang.generation import Generation, SamplingConfig, make_generator
from jiuzhang.synthesize.resumable import (
    DEFAULT_MAX_FAILURE_RATE,
    WorkRow,
    expand_rows,
    failures_path,
    run_resumable,
)


def shard_settings(
    sampling: Mapping[str, Any],
    backend: str,
    backend_options: Mapping[str, Any],
    rows_per_batch: int,
    samples_per_prompt: int,
    shard_key: str,
) -> dict[str, Any]:
    """The settings a shard's text depends on (fingerprinted for resume, kept in the manifest)."""
    return {
        "sampling": dict(sampling),
        "backend": backend,
        # transformers seeds sampling per batch of `batch_size` rows: a partial file written
        # with another batch size must not be resumed (the other backends seed per row)
        "batch_size": backend_options.get("batch_size") if backend == "transformers" else None,
        "rows_per_batch": rows_per_batch,
        "samples_per_prompt": samples_per_prompt,
        "shard_key": shard_key,
    }


def _fingerprint(prompts: str, model: str, settings: Mapping[str, Any]) -> str:
    """What a partial file was generated from: prompt bytes, model files (name, size, mtime),
    settings. A partial file made from anything else is not resumed."""
    return text_sha256(
        json.dumps([file_sha256(prompts), model_files_key(model), dict(settings)], sort_keys=True)
    )


def synth_record(row: WorkRow, gen: Generation) -> dict[str, Any]:
    """A shard line: the row's id, source and level, and the generation."""
    record = {"id": row.id}
    record.update({k: row.data[k] for k in ("source", "level") if k in row.data})
    record.update(generated_text=gen.text, finish_reason=gen.finish_reason, n_tokens=gen.n_tokens)
    return record


def run_synth_shard(
    *,
    prompts: str,
    model: str,
    output: str,
    sampling: Mapping[str, Any],
    backend: str,
    backend_options: Mapping[str, Any],
    shard_key: str,
    rows_per_batch: int,
    samples_per_prompt: int = 1,
    max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE,
) -> int:
    """Generate `samples_per_prompt` completions for every row of the prompt shard `prompts`.

    Returns the number of rows written to `output`; failed rows go to `<output>.failures.jsonl`.
    Raises `DataError` when more than `max_failure_rate` of the rows failed (the partial file
    stays: a rerun resumes it and retries the failed rows).
    """
    prompt_rows = load_jsonl(prompts, required=("id", "prompt"))
    if not prompt_rows:
        raise DataError(f"{prompts}: empty prompt shard")
    rows = expand_rows(prompt_rows, samples_per_prompt)
    sampling_cfg = SamplingConfig.from_mapping(sampling)
    settings = shard_settings(
        sampling, backend, backend_options, rows_per_batch, samples_per_prompt, shard_key
    )
    outcome = run_resumable(
        rows,
        output=output,
        fingerprint=_fingerprint(prompts, model, settings),
        generator_factory=lambda: make_generator(backend, model, backend_options),
        sampling=sampling_cfg,
        seed_key=shard_key,
        rows_per_batch=rows_per_batch,
        to_record=synth_record,
        max_failure_rate=max_failure_rate,
    )
    write_manifest(
        output,
        inputs={"prompts": prompts, "model": model},
        outputs=[failures_path(output)],
        params={**settings, "max_failure_rate": max_failure_rate},
        seed=sampling_cfg.seed,
        counts=outcome.counts(),
    )
    return outcome.generated
