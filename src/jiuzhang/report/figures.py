"""The report's figures (rule `report_figures`, shown by `snakemake --report`).

- one score chart per benchmark: accuracy of every (model, prompt type),
- the data funnel per source: prompts -> generations -> parsed -> passed the checks -> not
  contaminated -> kept (after dedup), from the prompt and corpus `stats.json` files,
- packing: fill ratio and rows against the lower bound, per packed set and phase,
- loss curves of every trained model (pre-trained bases, the synthesizer, the target and its
  control): training and held-out loss, with the epochs each ran (their `train_log.json`).

Per-rule runtimes are the report's own statistics page (Snakemake's job metadata). Every figure
is an SVG that depends only on its inputs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_json, write_text
from jiuzhang.common.manifest import write_manifest
from jiuzhang.corpus.build import FUNNEL_STAGES
from jiuzhang.evaluation.benchmarks import PAPER_COLUMNS
from jiuzhang.evaluation.prompting import PROMPT_TYPES
from jiuzhang.report.plot import hbar_chart_svg, line_chart_svg
from jiuzhang.report.table import counts_of, read_metrics, scores_of

log = logging.getLogger(__name__)

BENCHMARK_KINDS = {
    "gsm8k": "grade-school word problems",
    "math": "competition problems, all 5,000",
    "math-oai": "500 competition problems",
    "svamp": "word problems with distractors",
    "asdiv": "diverse word problems",
    "mawps": "arithmetic word problems",
    "carp_en": "computation-heavy problems",
}

_STAGE_LABELS = {
    "in": "generated",
    "parsed": "parsed",
    "checked": "passed checks",
    "decontaminated": "not contaminated",
    "kept": "kept (deduped)",
}


def score_svg(
    table: Mapping[tuple[str, str], Mapping[str, float]],
    bench: str,
    models: Sequence[str],
    prompt_types: Sequence[str],
    n_items: Mapping[tuple[str, str, str], int],
) -> str:
    """Accuracy on one benchmark: a group per model, a bar per prompt type."""
    groups = []
    for model in models:
        bars = []
        for ptype in prompt_types:
            acc = table.get((model, ptype), {}).get(bench)
            if acc is None:
                continue
            n = n_items.get((model, ptype, bench))
            title = PROMPT_TYPES[ptype].title if ptype in PROMPT_TYPES else ptype
            bars.append((title, acc, f"{acc:.1f} %" + (f" of {n}" if n else "")))
        groups.append((model, bars))
    name = f"{PAPER_COLUMNS.get(bench, bench)} ({bench}, {BENCHMARK_KINDS.get(bench, bench)})"
    return hbar_chart_svg(groups, f"{name}: accuracy, greedy", max_value=100, unit=" %")


def funnel_svg(
    prompt_stats: Mapping[str, Mapping[str, Any]], corpus_stats: Mapping[str, Mapping[str, Any]]
) -> str:
    """Rows per source at each stage; each source's bars are scaled to its own prompt count."""
    groups = []
    for corpus, stats in corpus_stats.items():
        funnel = stats.get("funnel")
        if funnel is None:
            raise DataError(f"{corpus} corpus stats have no 'funnel' (made by an older version)")
        for source, stages in funnel.items():
            prompts = prompt_stats.get(source, {}).get("rows")
            top = max(prompts or 0, stages["in"], 1)
            bars = [("prompts", 100 * prompts / top, f"{prompts:,}")] if prompts else []
            reasons = stages.get("dropped_at", {})  # stage -> reason -> rows that stopped there
            for before, stage in zip((None, *FUNNEL_STAGES), FUNNEL_STAGES, strict=False):
                count = stages[stage]
                share = 100 * count / stages["in"] if stages["in"] else 0.0
                text = f"{count:,}" + ("" if stage == "in" else f"  ({share:.1f} %)")
                if before and reasons.get(before):
                    ranked = sorted(reasons[before].items(), key=lambda item: (-item[1], item[0]))
                    text += "  dropped: " + ", ".join(
                        f"{n:,} {reason.replace('_', ' ')}" for reason, n in ranked
                    )
                bars.append((_STAGE_LABELS[stage], 100 * count / top, text))
            groups.append((source if source == corpus else f"{source} ({corpus} corpus)", bars))
    return hbar_chart_svg(
        groups, "Data funnel per source (bar length: share of the source's largest stage)",
        max_value=100, unit=" %",
    )  # fmt: skip


_PACKED_ROLES = {
    "kd": "the synthesizer's KD set",
    "train": "the target's training data",
    "control": "the control arm's raw text",
}


def _packed_role(name: str) -> str:
    if name.startswith("pretrain-"):
        return f"raw text {name.removeprefix('pretrain-')} is pre-trained on"
    return _PACKED_ROLES.get(name, name)


def packing_svg(packed_stats: Mapping[str, Mapping[str, Any]]) -> str:
    """Fill ratio per packed set (and per phase when there are several), with the rows used
    against the lower bound."""
    groups = []
    for name, stats in packed_stats.items():
        rows = f"{stats['rows']:,} row{'s' if stats['rows'] != 1 else ''} of {stats['seq_len']}"
        bars = [
            (
                "fill",
                100 * stats["fill_ratio"],
                f"{100 * stats['fill_ratio']:.1f} %: {rows} (bound {stats['lower_bound_rows']:,})",
            )
        ]
        phases = stats.get("phases", [])
        for phase in phases if len(phases) > 1 else []:
            n = phase["rows"][1] - phase["rows"][0]
            text = f"{100 * phase['fill_ratio']:.1f} %: {n:,} rows"
            bars.append((f"phase {phase['name']}", 100 * phase["fill_ratio"], text))
        role = _packed_role(name)
        groups.append((f"{name} ({role}): {stats['documents']:,} documents", bars))
    return hbar_chart_svg(
        groups, "Packing: share of token slots holding a real token", max_value=100, unit=" %"
    )


def loss_svg(train_logs: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """Training loss (solid) and held-out loss (dashed, rows no step trained on) against step,
    one colour per trained model, each named with the epochs it ran over its data."""
    series, styles = [], {}
    for i, (name, entries) in enumerate(train_logs.items()):
        epochs = max((float(e["epoch"]) for e in entries if "epoch" in e), default=None)
        label = name + (f", {epochs:.1f} epochs" if epochs is not None else "")
        train = [(float(e["step"]), float(e["loss"])) for e in entries if "loss" in e]
        held = [(float(e["step"]), float(e["eval_loss"])) for e in entries if "eval_loss" in e]
        series.append((label, train))
        styles[label] = (i, False)
        if held:
            series.append((f"{name} held-out", held))
            styles[f"{name} held-out"] = (i, True)
    return line_chart_svg(
        series,
        "Loss: training (solid) and held-out (dashed)",
        x_label="optimizer step",
        y_label="loss",
        styles=styles,
    )


def run_report_figures(
    *,
    metrics: Sequence[str],
    models: Sequence[str],
    prompt_types: Sequence[str],
    benchmarks: Sequence[str],
    prompt_stats: Mapping[str, str],
    corpus_stats: Mapping[str, str],
    packed_stats: Mapping[str, str],
    trained: Mapping[str, str],
    scores_out: Sequence[str],
    funnel_out: str | None,
    packing_out: str | None,
    loss_out: str | None,
) -> None:
    """Write the figures a run has data for (`scores_out` in the order of `benchmarks`; an
    output of None is a figure this config has no data for), each with its own manifest."""
    params = {"models": list(models), "prompt_types": list(prompt_types)}
    if scores_out:
        docs = read_metrics(metrics)
        table = scores_of(docs)
        n_items = {
            (model, ptype, bench): n
            for (model, ptype), cells in counts_of(docs).items()
            for bench, (_, n) in cells.items()
        }
        for bench, out in zip(benchmarks, scores_out, strict=True):
            write_text(out, score_svg(table, bench, models, prompt_types, n_items))
            write_manifest(out, inputs={"metrics": list(metrics)}, params=params)
    if funnel_out:
        prompts = {s: read_json(p) for s, p in prompt_stats.items()}
        corpora = {c: read_json(p) for c, p in corpus_stats.items()}
        write_text(funnel_out, funnel_svg(prompts, corpora))
        write_manifest(
            funnel_out,
            inputs={
                "prompt_stats": list(prompt_stats.values()),
                "corpus_stats": list(corpus_stats.values()),
            },
        )
    if packing_out:
        write_text(packing_out, packing_svg({n: read_json(p) for n, p in packed_stats.items()}))
        write_manifest(packing_out, inputs={"packed_stats": list(packed_stats.values())})
    if loss_out:
        logs = {}
        for name, model_dir in trained.items():
            log_file = Path(model_dir) / "train_log.json"
            if not log_file.is_file():
                raise DataError(
                    f"{model_dir}: no train_log.json (not a model this pipeline trained)"
                )
            logs[name] = read_json(log_file)
        write_text(loss_out, loss_svg(logs))
        write_manifest(
            loss_out,
            inputs={"train_logs": [str(Path(d) / "train_log.json") for d in trained.values()]},
        )
    written = [*scores_out, funnel_out, packing_out, loss_out]
    log.info("figures: %s", ", ".join(Path(p).name for p in written if p))
