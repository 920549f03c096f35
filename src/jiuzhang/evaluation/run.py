"""Evaluate one (model, prompt type, benchmark): batched generation, extraction, grading.

Writes `predictions.jsonl` (one row per item: prompt, completion, extracted, extracted_by (the
extraction rule that found it), gold, correct, tool calls) and `metrics.json` (accuracy with n
and its 95 % Wilson interval, and everything the number depends on: model checksum, template
and demo hashes, decoding settings, sandbox settings for tool use, grader version, benchmark
file hash). Nothing time-dependent is recorded, so a rerun with the same inputs writes the same
bytes; throughput (samples/s, generated tokens/s) goes to the log.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError
from jiuzhang.common.hashing import file_sha256, model_files_key, path_sha256, text_sha256
from jiuzhang.common.io import write_json, write_jsonl
from jiuzhang.common.manifest import code_version, write_manifest
from jiuzhang.evaluation.benchmarks import load_benchmark, resolve_source
from jiuzhang.evaluation.grade import GRADER_VERSION, grade
from jiuzhang.evaluation.intervals import wilson
from jiuzhang.evaluation.prompting import build_prompt, load_demos, load_template, prompt_type
from jiuzhang.evaluation.sampling import SamplesConfig, sample_items, score_samples
from jiuzhang.evaluation.toolloop import Trajectory, run_tool_loop
from jiuzhang.generation import SamplingConfig, make_generator

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ToolConfig(FromMapping):
    """Tool-integrated prompting: rounds, how much output is fed back, the sandbox."""

    max_rounds: int = 4
    output_chars: int = 400
    isolation: str = "auto"
    workers: int = 0  # 0 = one per CPU core
    limits: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _generate(
    ptype_name: str, generator: Any, prompts: list[str], sampling: SamplingConfig, tool: ToolConfig
) -> tuple[list[Trajectory], dict[str, Any]]:
    """Trajectories for all prompts (tool loop for tool types) and the sandbox settings used."""
    if not prompt_type(ptype_name).tool:
        generations = generator.generate(prompts, sampling)
        trajectories = [
            Trajectory(p, g.text, g.finish_reason, g.n_tokens, rounds=1)
            for p, g in zip(prompts, generations, strict=True)
        ]
        return trajectories, {}
    from jiuzhang.sandbox import Sandbox, SandboxLimits

    limits = SandboxLimits(**dict(tool.limits))
    sandbox = Sandbox(limits, isolation=tool.isolation, workers=tool.workers or None)
    trajectories = run_tool_loop(
        generator,
        prompts,
        sampling,
        sandbox,
        max_rounds=tool.max_rounds,
        output_chars=tool.output_chars,
    )
    settings = {
        "isolation": sandbox.isolation,
        "limits": dataclasses.asdict(limits),
        "max_rounds": tool.max_rounds,
        "output_chars": tool.output_chars,
    }
    return trajectories, settings


def run_eval(
    *,
    model: str,
    model_name: str,
    prompt_type_name: str,
    benchmark: str,
    bench_source: str,
    template: str,
    demos: str | None = None,
    shots: int = 0,
    decoding: Mapping[str, Any],
    backend: str,
    backend_options: Mapping[str, Any],
    tool: Mapping[str, Any] | None = None,
    limit: int = 0,
    samples: Mapping[str, Any] | None = None,
    samples_out: str | None = None,
    preds_out: str,
    metrics_out: str,
) -> dict[str, Any]:
    """Generate greedily for the benchmark's items, grade them, write predictions and metrics;
    return the metrics plus `timing.generate_s` (generation and tool execution, in seconds).
    With `samples` (`SamplesConfig`), also n sampled completions per item to `samples_out`,
    scored as pass@k and maj@k in the metrics (`jiuzhang.evaluation.sampling`)."""
    ptype = prompt_type(prompt_type_name)
    tool_config = ToolConfig.from_mapping(tool or {})
    template_text = load_template(template)
    if shots and not demos:
        raise ConfigError(f"{prompt_type_name}: {shots} shots requested but no demo file given")
    demo_pairs = load_demos(demos, shots) if shots and demos else []
    bench_file = resolve_source(bench_source)
    items = load_benchmark(benchmark, bench_file)
    if limit:
        items = items[:limit]
    sampling = SamplingConfig.from_mapping({**dict(decoding), "stop": ptype.stop})
    prompts = [build_prompt(template_text, item.question, demo_pairs) for item in items]
    samples_cfg = SamplesConfig.from_mapping(samples) if samples else None
    if samples_cfg and not samples_out:
        raise ConfigError(f"{benchmark}: samples requested but no samples file given")
    generator = make_generator(backend, model, backend_options)
    started = time.perf_counter()
    trajectories, sandbox_settings = _generate(
        prompt_type_name, generator, prompts, sampling, tool_config
    )
    elapsed = time.perf_counter() - started
    rows = []
    for item, traj in zip(items, trajectories, strict=True):
        extracted, correct, extracted_by = grade(traj.completion, item.gold, benchmark)
        row = {
            "id": item.id,
            "prompt": traj.prompt,
            "completion": traj.completion,
            "finish_reason": traj.finish_reason,
            "n_tokens": traj.n_tokens,
            "extracted": extracted,
            "extracted_by": extracted_by,
            "gold": item.gold,
            "correct": correct,
        }
        if ptype.tool:
            row["rounds"] = traj.rounds
            row["tool_calls"] = traj.tool_calls
        rows.append(row)
    n_correct = sum(r["correct"] for r in rows)
    n_tokens = sum(r["n_tokens"] for r in rows)
    metrics: dict[str, Any] = {
        "model": model_name,
        "prompt_type": prompt_type_name,
        "benchmark": benchmark,
        "n": len(rows),
        "correct": n_correct,
        "accuracy": round(100.0 * n_correct / len(rows), 2) if rows else 0.0,
        "ci95": [round(bound, 2) for bound in wilson(n_correct, len(rows))],
        "ci_method": "wilson",
        "no_answer": sum(r["extracted"] is None for r in rows),
        "truncated": sum(r["finish_reason"] == "length" for r in rows),
        "generated_tokens": n_tokens,
    }
    if ptype.tool:
        calls = [c for r in rows for c in r["tool_calls"]]
        metrics["tool_calls"] = len(calls)
        metrics["tool_failures"] = {
            status: sum(c["status"] == status for c in calls)
            for status in sorted({c["status"] for c in calls} - {"ok"})
        }
    if samples_cfg and samples_out:
        metrics["samples"] = _sampled(
            samples_cfg,
            items,
            prompts,
            generator,
            prompt_type_name,
            sampling,
            tool_config,
            samples_out,
            fingerprint=json.dumps(
                [model_files_key(model), prompts, dataclasses.asdict(sampling), backend],
                sort_keys=True,
            ),
            benchmark=benchmark,
        )
    metrics["depends_on"] = {
        "model_sha256": path_sha256(model) if Path(model).exists() else model,
        "template_sha256": text_sha256(template_text),
        "demos_sha256": file_sha256(demos) if demo_pairs and demos else None,
        "shots": len(demo_pairs),
        "benchmark_sha256": file_sha256(bench_file),
        "decoding": dataclasses.asdict(sampling),
        "backend": backend,
        "sandbox": sandbox_settings or None,
        "grader_version": GRADER_VERSION,
        "code_version": code_version(),
        "limit": limit,
        "samples": dataclasses.asdict(samples_cfg) if samples_cfg else None,
    }
    write_jsonl(preds_out, rows)
    write_json(metrics_out, metrics)
    write_manifest(
        metrics_out,
        inputs={"model": model, "benchmark": str(bench_file), "template": template}
        | ({"demos": demos} if demo_pairs and demos else {}),
        outputs=[preds_out, *([samples_out] if samples_cfg and samples_out else [])],
        params={
            "prompt_type": prompt_type_name,
            "shots": len(demo_pairs),
            "decoding": dict(decoding),
            "backend": backend,
            "tool": sandbox_settings,
            "limit": limit,
            "samples": dict(samples) if samples else None,
        },
        seed=sampling.seed,
        counts={"n": len(rows), "correct": n_correct},
    )
    log.info(
        "%s %s %s: %d/%d = %.2f%%; %.2f samples/s, %.1f generated tokens/s (%.1f s)",
        model_name,
        prompt_type_name,
        benchmark,
        n_correct,
        len(rows),
        metrics["accuracy"],
        len(rows) / elapsed if elapsed else 0.0,
        n_tokens / elapsed if elapsed else 0.0,
        elapsed,
    )
    # Timing is returned to callers (bench/eval.py) but never written: reruns stay byte-identical.
    return {**metrics, "timing": {"generate_s": elapsed}}


def _sampled(
    cfg: SamplesConfig,
    items: list[Any],
    prompts: list[str],
    generator: Any,
    ptype_name: str,
    greedy: SamplingConfig,
    tool: ToolConfig,
    samples_out: str,
    *,
    fingerprint: str,
    benchmark: str,
) -> dict[str, Any]:
    """n sampled completions per item (resumable), graded, written to `samples_out`; their
    pass@k and maj@k with counts for the metrics."""

    def sampler(batch: list[str], seed: int) -> list[dict[str, Any]]:
        sampling = dataclasses.replace(
            greedy, temperature=cfg.temperature, top_p=cfg.top_p, seed=seed
        )
        trajectories, _ = _generate(ptype_name, generator, batch, sampling, tool)
        return [
            {"completion": t.completion, "finish_reason": t.finish_reason, "n_tokens": t.n_tokens}
            for t in trajectories
        ]

    partial = Path(samples_out).with_name(Path(samples_out).name + ".partial")
    per_item = sample_items(prompts, cfg, sampler, partial=partial, fingerprint=fingerprint)
    rows = []
    for item, drawn in zip(items, per_item, strict=True):
        graded = []
        for j, record in enumerate(drawn):
            extracted, correct, extracted_by = grade(record["completion"], item.gold, benchmark)
            graded.append(
                {
                    "id": item.id,
                    "sample": j,
                    **record,
                    "extracted": extracted,
                    "extracted_by": extracted_by,
                    "correct": correct,
                }
            )
        rows.append(graded)
    write_jsonl(samples_out, [r for graded in rows for r in graded])
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + ".key").unlink(missing_ok=True)
    flat = [r for graded in rows for r in graded]
    return {
        **dataclasses.asdict(cfg),
        **score_samples(rows, cfg.n),
        "no_answer": sum(r["extracted"] is None for r in flat),
        "truncated": sum(r["finish_reason"] == "length" for r in flat),
        "completions": len(flat),
    }
