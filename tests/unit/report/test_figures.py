"""The report's figures: valid SVG carrying the numbers they plot."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.report.figures import funnel_svg, loss_svg, packing_svg, run_report_figures


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_funnel_shows_every_stage_per_source() -> None:
    stages = {"in": 200, "parsed": 150, "checked": 40, "decontaminated": 38, "kept": 30}
    svg = funnel_svg(
        {"wiki": {"rows": 50}},
        {
            "cot": {"funnel": {"wiki": stages}},
            "tool": {"funnel": {"tool": dict.fromkeys(stages, 0)}},
        },
    )
    texts = _texts(svg)
    assert "wiki (cot corpus)" in texts and "tool" in texts
    assert {"prompts", "generated", "parsed", "passed checks", "kept (deduped)"} <= set(texts)
    assert "30  (15.0 %)" in texts and "50" in texts


def test_funnel_of_an_old_stats_file_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="no 'funnel'"):
        funnel_svg({}, {"cot": {"in": 3, "kept": 1}})


def test_packing_and_loss_carry_their_numbers() -> None:
    stats = {"fill_ratio": 0.895, "rows": 96, "seq_len": 256, "lower_bound_rows": 86}
    texts = _texts(packing_svg({"train": {**stats, "documents": 384, "phases": []}}))
    assert "89.5 %: 96 rows of 256 (bound 86)" in texts
    assert "train (the target's training data): 384 documents" in texts
    log = [{"step": 25, "loss": 3.3}, {"step": 50, "loss": 0.5}, {"step": 50, "train_loss": 1}]
    svg = loss_svg({"synthesizer": log, "tiny-jiuzhang": log[:1]})
    assert svg.count("<polyline") == 2 and "synthesizer" in _texts(svg)
    # held-out loss: a dashed line in the model's colour; the epochs in the legend
    held = [{"step": 0, "eval_loss": 6.9}, {"step": 25, "loss": 3.3, "epoch": 4.0},
            {"step": 25, "eval_loss": 3.6}, {"step": 50, "loss": 0.5, "epoch": 8.25},
            {"step": 50, "eval_loss": 2.1}]  # fmt: skip
    svg = loss_svg({"tiny (pre-training)": held, "tiny-raw": log})
    assert svg.count("<polyline") == 3 and svg.count('stroke-dasharray="6 4"/>') == 2
    assert "tiny (pre-training), 8.2 epochs" in _texts(svg)
    assert "tiny (pre-training) held-out" in _texts(svg)
    lines = [x for x in svg.splitlines() if "<polyline" in x]
    colour = lines[0].split('stroke="')[1].split('"')[0]
    assert f'stroke="{colour}"' in lines[1] and "dasharray" in lines[1]


def test_run_writes_one_score_chart_per_benchmark_and_a_manifest(tmp_path: Path) -> None:
    metrics = []
    for model, acc in (("base", 10.0), ("tuned", 55.5)):
        for bench in ("gsm8k", "svamp"):
            path = tmp_path / f"{model}-{bench}.json"
            doc = {"model": model, "prompt_type": "cot", "benchmark": bench, "accuracy": acc}
            path.write_text(json.dumps({**doc, "n": 20 if bench == "gsm8k" else 30}))
            metrics.append(str(path))
    (tmp_path / "prompts.json").write_text(json.dumps({"rows": 8}))
    funnel = {"s": {"in": 8, "parsed": 8, "checked": 4, "decontaminated": 4, "kept": 2,
                    "dropped_at": {"parsed": {"false_arithmetic": 3, "no_final_answer": 1},
                                   "decontaminated": {"duplicate": 2}}}}  # fmt: skip
    (tmp_path / "corpus.json").write_text(json.dumps({"funnel": funnel}))
    packed = {"fill_ratio": 0.5, "rows": 2, "seq_len": 8, "lower_bound_rows": 1, "documents": 2}
    (tmp_path / "packed.json").write_text(json.dumps(packed))
    (tmp_path / "model").mkdir()
    (tmp_path / "model/train_log.json").write_text(json.dumps([{"step": 1, "loss": 2.0}]))
    out = tmp_path / "figures"
    run_report_figures(
        metrics=metrics,
        models=["base", "tuned"],
        prompt_types=["cot"],
        benchmarks=["gsm8k", "svamp"],
        prompt_stats={"s": str(tmp_path / "prompts.json")},
        corpus_stats={"cot": str(tmp_path / "corpus.json")},
        packed_stats={"train": str(tmp_path / "packed.json")},
        trained={"tuned": str(tmp_path / "model")},
        scores_out=[str(out / "score-gsm8k.svg"), str(out / "score-svamp.svg")],
        funnel_out=str(out / "funnel.svg"),
        packing_out=str(out / "packing.svg"),
        loss_out=str(out / "loss.svg"),
    )
    texts = _texts((out / "score-svamp.svg").read_text())
    assert "SVAMP (svamp, word problems with distractors): accuracy, greedy" in texts
    assert "55.5 % of 30" in texts and "few-shot chain of thought" in texts
    funnel_texts = _texts((out / "funnel.svg").read_text())
    assert any("dropped: 3 false arithmetic, 1 no final answer" in t for t in funnel_texts)
    assert any("2  (25.0 %)  dropped: 2 duplicate" in t for t in funnel_texts), funnel_texts
    # each figure names its own inputs
    manifest = json.loads((out / "score-svamp.svg.manifest.json").read_text())
    assert list(manifest["inputs"]) == ["metrics"] and len(manifest["inputs"]["metrics"]) == 4
    manifest = json.loads((out / "funnel.svg.manifest.json").read_text())
    assert sorted(manifest["inputs"]) == ["corpus_stats", "prompt_stats"]
    loss = json.loads((out / "loss.svg.manifest.json").read_text())
    assert list(loss["inputs"]["train_logs"]) == [str(tmp_path / "model/train_log.json")]


def test_a_run_without_synthesis_or_training_writes_the_score_charts_only(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    doc = {"model": "m", "prompt_type": "jiuzhang", "benchmark": "gsm8k", "accuracy": 5.0, "n": 4}
    path.write_text(json.dumps(doc))
    out = tmp_path / "figures"
    run_report_figures(
        metrics=[str(path)], models=["m"], prompt_types=["jiuzhang"], benchmarks=["gsm8k"],
        prompt_stats={}, corpus_stats={}, packed_stats={}, trained={},
        scores_out=[str(out / "score-gsm8k.svg")], funnel_out=None, packing_out=None, loss_out=None,
    )  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == [
        "score-gsm8k.svg",
        "score-gsm8k.svg.manifest.json",
    ]
