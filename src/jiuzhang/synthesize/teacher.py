"""KD teacher: completions from a teacher model behind an OpenAI-compatible API build the
knowledge-distillation set the synthesis model is trained on (SPEC §2.2, §2.5).

Prompts JSONL in (rows with `prompt`, optionally `id`, `source`, `level`), KD JSONL out with rows
`{"id", ["source", "level",] "prompt", "completion", "finish_reason", "n_tokens"}`: `prompt` and
`completion` are the fields `synthesizer.kd_set` is packed from (the training text is the prompt
immediately followed by the completion, SPEC §2.5). The run is resumable and failure-bounded
exactly like a synthesis shard (`jiuzhang.synthesize.resumable`): `<output>.partial` per batch,
failed prompts in `<output>.failures.jsonl`.

Beside the KD set, `<output>.usage.json` says what it cost: requests, the server's prompt and
completion token counts, and the cost at the configured prices (`OpenAIGenerator.usage()`),
summed over every run that contributed to the output (a resumed run adds to the totals saved with
the partial file after each batch; requests in flight when a run was killed are not counted).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_json, read_jsonl, write_json
from jiuzhang.common.manifest import write_manifest
from jiuzhang.generation import Generation, Generator, SamplingConfig, make_generator
from jiuzhang.synthesize.resumable import (
    DEFAULT_MAX_FAILURE_RATE,
    WorkRow,
    expand_rows,
    partial_path,
    run_resumable,
)
from jiuzhang.synthesize.shard import _fingerprint

log = logging.getLogger(__name__)

USAGE_SUFFIX = ".usage.json"
# Backend options that change what the teacher answers (so a partial file made with other values
# is not resumed); the rest (concurrency, retries, rate limits, prices, keys) do not.
_ANSWER_OPTIONS = ("base_url", "api", "extra_body")
_SECRET_OPTIONS = ("api_key",)
# Usage fields summed over the runs that made one output.
_SUMMED = (
    "requests",
    "failed_requests",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost",
    "rate_limit_wait_s",
)


def usage_path(output: str | os.PathLike[str]) -> Path:
    """Where the usage/cost summary of a KD output lives: `<output>.usage.json`."""
    p = Path(output)
    return p.with_name(p.name + USAGE_SUFFIX)


def teacher_record(row: WorkRow, gen: Generation) -> dict[str, Any]:
    """A KD line: the row's id (and source, level), the prompt and the teacher's completion."""
    record: dict[str, Any] = {"id": row.id}
    record.update({k: row.data[k] for k in ("source", "level") if k in row.data})
    record.update(
        prompt=row.prompt,
        completion=gen.text,
        finish_reason=gen.finish_reason,
        n_tokens=gen.n_tokens,
    )
    return record


def _prompt_rows(prompts: str) -> list[dict[str, Any]]:
    """The prompt rows, each with a string `prompt` and an `id` (the line number if absent)."""
    rows = []
    for lineno, record in read_jsonl(prompts, required=("prompt",)):
        if not isinstance(record["prompt"], str) or not record["prompt"]:
            raise DataError(f"{prompts}:{lineno}: 'prompt' must be a non-empty string")
        rows.append({**record, "id": str(record.get("id", f"line-{lineno}"))})
    if not rows:
        raise DataError(f"{prompts}: no prompts")
    return rows


def _usage_of(generator: Generator) -> dict[str, Any]:
    usage = getattr(generator, "usage", None)
    return dict(usage()) if callable(usage) else {}


def _merge(prior: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with the summed fields added to `prior`'s, and the run count."""
    merged = {**prior, **current}
    for name in _SUMMED:
        if name in prior or name in current:
            total = prior.get(name, 0) + current.get(name, 0)
            merged[name] = round(total, 10) if isinstance(total, float) else total
    merged["runs"] = int(prior.get("runs", 0)) + 1
    return merged


def _prior_usage(path: Path, fingerprint: str) -> dict[str, Any]:
    """Usage saved by earlier runs on the same partial file (none when it was made otherwise)."""
    if not path.is_file():
        return {}
    saved = read_json(path)
    if not isinstance(saved, dict) or saved.get("fingerprint") != fingerprint:
        log.warning("ignoring %s: it belongs to another partial file", path)
        return {}
    usage = saved.get("usage")
    return dict(usage) if isinstance(usage, dict) else {}


def run_teacher(
    *,
    prompts: str,
    model: str,
    output: str,
    sampling: Mapping[str, Any],
    backend_options: Mapping[str, Any],
    backend: str = "openai",
    rows_per_batch: int = 32,
    max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE,
) -> dict[str, Any]:
    """Write the KD set `output` from the teacher's completions for `prompts`; return the usage
    summary also written to `<output>.usage.json`.

    `model` is the teacher's model name on the server (or a local folder for another backend);
    `backend_options` go to the backend (for `openai`: base_url, api, api_key_env, concurrency,
    requests_per_minute, tokens_per_minute, price_per_1k_prompt, price_per_1k_completion, ...).
    """
    rows = expand_rows(_prompt_rows(prompts), 1)
    sampling_cfg = SamplingConfig.from_mapping(sampling)
    answer_options = {k: backend_options[k] for k in _ANSWER_OPTIONS if k in backend_options}
    settings = {
        "kind": "kd-teacher",
        "sampling": dict(sampling),
        "backend": backend,
        "options": answer_options,
        "rows_per_batch": rows_per_batch,
    }
    fingerprint = _fingerprint(prompts, model, settings)
    partial_usage = partial_path(output).with_name(partial_path(output).name + USAGE_SUFFIX)
    prior = _prior_usage(partial_usage, fingerprint)
    totals: dict[str, Any] = {}

    def save_usage(generator: Generator) -> None:
        totals.clear()
        totals.update(_merge(prior, _usage_of(generator)))
        write_json(partial_usage, {"fingerprint": fingerprint, "usage": totals})

    outcome = run_resumable(
        rows,
        output=output,
        fingerprint=fingerprint,
        generator_factory=lambda: make_generator(backend, model, backend_options),
        sampling=sampling_cfg,
        seed_key="kd-teacher",
        rows_per_batch=rows_per_batch,
        to_record=teacher_record,
        max_failure_rate=max_failure_rate,
        after_batch=save_usage,
    )
    if not totals:  # nothing was generated in this run (the partial file was complete)
        totals.update(_merge(prior, {}))
    summary = {"model": model, "backend": backend, **outcome.counts(), **totals}
    write_json(usage_path(output), summary)
    partial_usage.unlink(missing_ok=True)
    public_options = {k: v for k, v in backend_options.items() if k not in _SECRET_OPTIONS}
    write_manifest(
        output,
        inputs={"prompts": prompts},
        outputs=[usage_path(output)],
        params={
            **settings,
            "model": model,
            "options": public_options,
            "max_failure_rate": max_failure_rate,
        },
        seed=sampling_cfg.seed,
        counts=outcome.counts(),
    )
    log.info("KD teacher: %s", json.dumps(summary, sort_keys=True))
    return summary
