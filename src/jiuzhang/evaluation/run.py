"""Evaluate one (model, prompt type, benchmark): batched generation, extraction, grading.

Writes `predictions.jsonl` (one row per item: prompt, completion, extracted, gold, correct) and
`metrics.json` (accuracy and everything the number depends on: model checksum, template hash,
decoding settings, grader version, benchmark file hash). Nothing time-dependent is recorded, so
a rerun with the same inputs writes the same bytes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import ConfigError
from jiuzhang.common.hashing import file_sha256, path_sha256, text_sha256
from jiuzhang.common.io import write_json, write_jsonl
from jiuzhang.common.manifest import code_version, write_manifest
from jiuzhang.evaluation.benchmarks import load_benchmark
from jiuzhang.evaluation.grade import GRADER_VERSION, grade
from jiuzhang.generation import SamplingConfig, make_generator

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PromptType:
    """How a prompt type builds prompts and where generation stops (SPEC §5.2-5.3)."""

    name: str
    stop: tuple[str, ...]


# Only zero-shot `jiuzhang` exists so far; `jiuzhang_tora` and few-shot `cot` come with issue 5.
PROMPT_TYPES: dict[str, PromptType] = {
    "jiuzhang": PromptType("jiuzhang", stop=("\n\n## Question",)),
}
PLACEHOLDER = "{question}"


def load_template(path: str | os.PathLike[str]) -> str:
    """Read an eval prompt template verbatim; it must contain `{question}` exactly once."""
    text = Path(path).read_text("utf-8")
    if text.count(PLACEHOLDER) != 1:
        raise ConfigError(f"{path}: eval template must contain {PLACEHOLDER} exactly once")
    return text


def run_eval(
    *,
    model: str,
    model_name: str,
    prompt_type: str,
    benchmark: str,
    bench_file: str,
    template: str,
    decoding: Mapping[str, Any],
    backend: str,
    backend_options: Mapping[str, Any],
    limit: int,
    preds_out: str,
    metrics_out: str,
) -> dict[str, Any]:
    """Generate greedily for the benchmark's items, grade them, write predictions and metrics."""
    if prompt_type not in PROMPT_TYPES:
        raise ConfigError(f"unknown prompt type {prompt_type!r}; known: {sorted(PROMPT_TYPES)}")
    ptype = PROMPT_TYPES[prompt_type]
    template_text = load_template(template)
    items = load_benchmark(benchmark, bench_file)
    if limit:
        items = items[:limit]
    sampling = SamplingConfig.from_mapping({**dict(decoding), "stop": ptype.stop})
    prompts = [template_text.replace(PLACEHOLDER, item.question) for item in items]
    generator = make_generator(backend, model, backend_options)
    generations = generator.generate(prompts, sampling)
    rows = []
    for item, prompt, gen in zip(items, prompts, generations, strict=True):
        extracted, correct = grade(gen.text, item.gold, benchmark)
        rows.append(
            {
                "id": item.id,
                "prompt": prompt,
                "completion": gen.text,
                "finish_reason": gen.finish_reason,
                "extracted": extracted,
                "gold": item.gold,
                "correct": correct,
            }
        )
    n_correct = sum(r["correct"] for r in rows)
    metrics = {
        "model": model_name,
        "prompt_type": prompt_type,
        "benchmark": benchmark,
        "n": len(rows),
        "correct": n_correct,
        "accuracy": round(100.0 * n_correct / len(rows), 2) if rows else 0.0,
        "no_answer": sum(r["extracted"] is None for r in rows),
        "truncated": sum(r["finish_reason"] == "length" for r in rows),
        "depends_on": {
            "model_sha256": path_sha256(model) if Path(model).exists() else model,
            "template_sha256": text_sha256(template_text),
            "benchmark_sha256": file_sha256(bench_file),
            "decoding": dataclasses.asdict(sampling),
            "backend": backend,
            "grader_version": GRADER_VERSION,
            "code_version": code_version(),
            "limit": limit,
        },
    }
    write_jsonl(preds_out, rows)
    write_json(metrics_out, metrics)
    write_manifest(
        metrics_out,
        inputs={"model": model, "benchmark": bench_file, "template": template},
        params={
            "prompt_type": prompt_type,
            "decoding": dict(decoding),
            "backend": backend,
            "limit": limit,
        },
        seed=sampling.seed,
        counts={"n": len(rows), "correct": n_correct},
    )
    log.info(
        "%s %s %s: %d/%d = %.2f%%",
        model_name,
        prompt_type,
        benchmark,
        n_correct,
        len(rows),
        metrics["accuracy"],
    )
    return metrics
