"""The paper table: column order, Avg only over all six, one decimal (SPEC §5.8)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.report import run_report_table

# The README's JiuZhang3.0-7B row: its Avg (78.8) is the plain mean of the six.
PAPER_7B = {
    "gsm8k": 88.6,
    "math-oai": 52.8,
    "svamp": 90.4,
    "asdiv": 92.6,
    "mawps": 97.3,
    "carp_en": 51.0,
}


def _paper_columns(path: Path) -> list[str]:
    """The CSV's lines cut to the paper's columns (Model, six benchmarks, Avg)."""
    return [",".join(row[:8]) for row in csv.reader(path.open())]


def _metrics(tmp_path: Path, model: str, scores: dict[str, float]) -> list[str]:
    paths = []
    for bench, acc in scores.items():
        path = tmp_path / f"{model}.{bench}.json"
        path.write_text(
            json.dumps(
                {
                    "model": model,
                    "prompt_type": "jiuzhang",
                    "benchmark": bench,
                    "accuracy": acc,
                    "n": 100,
                }
            )
        )
        paths.append(str(path))
    return paths


def test_table_reproduces_the_paper_average(tmp_path: Path) -> None:
    files = _metrics(tmp_path, "jz-7b", PAPER_7B) + _metrics(tmp_path, "partial", {"gsm8k": 50})
    md = run_report_table(
        metrics=files,
        models=["jz-7b", "partial"],
        prompt_types=["jiuzhang"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
    )
    lines = _paper_columns(tmp_path / "t.csv")
    assert lines[0] == "Model,GSM8k,MATH,SVAMP,ASDiv,MAWPS,CARP,Avg"
    assert lines[1] == "jz-7b,88.6,52.8,90.4,92.6,97.3,51.0,78.8"
    assert lines[2] == "partial,50.0,-,-,-,-,-,-"
    # then n and the 95 % Wilson interval of every score
    full = list(csv.reader((tmp_path / "t.csv").open()))
    assert full[0][8:11] == ["GSM8k n", "GSM8k low", "GSM8k high"] and len(full[0]) == 8 + 18
    assert full[1][8:11] == ["100", "81.4", "93.7"] and full[2][11:14] == ["", "", ""]
    assert "| jz-7b | 88.6 |" in md


def test_chart_has_a_bar_per_score_and_is_deterministic(tmp_path: Path) -> None:
    files = _metrics(tmp_path, "jz-7b", PAPER_7B) + _metrics(tmp_path, "partial", {"gsm8k": 50})
    outputs = []
    for run in ("a", "b"):
        run_report_table(
            metrics=files,
            models=["jz-7b", "partial"],
            prompt_types=["jiuzhang"],
            md_out=str(tmp_path / f"{run}.md"),
            csv_out=str(tmp_path / f"{run}.csv"),
            svg_out=str(tmp_path / f"{run}.svg"),
        )
        outputs.append((tmp_path / f"{run}.svg").read_text())
    svg = outputs[0]
    assert outputs[0] == outputs[1]
    root = ET.fromstring(svg)  # well-formed XML
    bars = [el for el in root.iter("{http://www.w3.org/2000/svg}rect") if el.find("*") is not None]
    # jz-7b: six benchmarks + Avg; partial: GSM8k only
    assert len(bars) == 8
    assert "jz-7b: 78.8" in svg and "partial: 50.0" in svg and "MATH-500" in svg


def test_paper_rows_sit_beside_ours_with_the_difference(tmp_path: Path) -> None:
    ours = {**PAPER_7B, "gsm8k": 87.1, "carp_en": 52.0}
    files = _metrics(tmp_path, "jz-7b", ours) + _metrics(tmp_path, "base", {"gsm8k": 40.0})
    md = run_report_table(
        metrics=files,
        models=["jz-7b", "base"],
        prompt_types=["jiuzhang"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
        references={"jz-7b": "JiuZhang3.0-7B"},
    )
    lines = _paper_columns(tmp_path / "t.csv")
    assert lines[1] == "jz-7b,87.1,52.8,90.4,92.6,97.3,52.0,78.7"
    assert lines[2] == "jz-7b: paper (JiuZhang3.0-7B),88.6,52.8,90.4,92.6,97.3,51.0,78.8"
    # ours - paper per cell; Avg: our mean (78.70) - the paper's printed 78.8
    assert lines[3] == "jz-7b: ours - paper,-1.5,+0.0,+0.0,+0.0,+0.0,+1.0,-0.1"
    assert lines[4] == "base,40.0,-,-,-,-,-,-"
    assert lines[5:] == ["base: paper (no row),,,,,,,", "base: ours - paper,,,,,,,"]
    assert "| jz-7b: ours - paper | -1.5 |" in md
    assert "arXiv:2405.14365" in (tmp_path / "t.md").read_text()  # the source, cited
    manifest = json.loads((tmp_path / "t.md.manifest.json").read_text())
    assert manifest["params"]["references"] == {"jz-7b": "JiuZhang3.0-7B"}


def test_paper_rows_follow_the_jiuzhang_prompt_type_only(tmp_path: Path) -> None:
    files = _metrics(tmp_path, "jz-7b", PAPER_7B)
    run_report_table(
        metrics=files,
        models=["jz-7b"],
        prompt_types=["jiuzhang", "jiuzhang_tora"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
        references={"jz-7b": "ChatGLM-Math-32B"},  # reports GSM8k and MATH only
    )
    rows = [line.split(",") for line in (tmp_path / "t.csv").read_text().splitlines()[1:]]
    assert [r[0] for r in rows] == [
        "jz-7b (jiuzhang)",
        "jz-7b (jiuzhang): paper (ChatGLM-Math-32B)",
        "jz-7b (jiuzhang): ours - paper",
        "jz-7b (jiuzhang_tora)",
    ]
    assert rows[1][1:8] == ["82.6", "40.6", "", "", "", "", ""]
    assert rows[2][1:8] == ["+6.0", "+12.2", "", "", "", "", ""]


def test_markdown_states_n_and_the_wilson_interval_of_every_score(tmp_path: Path) -> None:
    files = _metrics(tmp_path, "jz-7b", {"gsm8k": 50.0, "svamp": 0.0})
    run_report_table(
        metrics=files,
        models=["jz-7b"],
        prompt_types=["jiuzhang"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
    )
    md = (tmp_path / "t.md").read_text()
    # 50 of 100: 40.4-59.6; 0 of 100: 0.0-3.7 (Wilson, z = 1.96)
    assert "| jz-7b | 40.4-59.6 (n=100) | - | 0.0-3.7 (n=100) | - | - | - |" in md
    assert "Wilson" in md


def test_html_table_shows_each_score_with_its_interval_and_n(tmp_path: Path) -> None:
    files = _metrics(tmp_path, "jz-7b", {"gsm8k": 50.0}) + _metrics(tmp_path, "b", {"gsm8k": 9.0})
    run_report_table(
        metrics=files,
        models=["jz-7b", "b"],
        prompt_types=["jiuzhang"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
        html_out=str(tmp_path / "t.html"),
        references={"jz-7b": "JiuZhang3.0-7B"},
    )
    page = (tmp_path / "t.html").read_text()
    assert "<td>50.0<br><small>40.4&ndash;59.6, n=100<br>no answer ?<br>cut ?</small></td>" in page
    assert page.isascii() and "<!DOCTYPE" not in page  # embeddable in the report's first page
    assert "<tr class='paper'><td>jz-7b: paper (JiuZhang3.0-7B)</td><td>88.6</td>" in page
    assert "<tr class='delta'><td>jz-7b: ours - paper</td><td>-38.6</td>" in page
    assert "Wilson" in page and "arXiv:2405.14365" in page
    manifest = json.loads((tmp_path / "t.md.manifest.json").read_text())
    assert str(tmp_path / "t.html") in manifest["outputs"]


def test_paired_differences_against_the_first_model_and_the_control(tmp_path: Path) -> None:
    metrics, predictions = [], []
    sampled = {"n": 4, "pass@k": {"1": 40.0, "2": 55.0, "4": 70.0},
               "maj@k": {"1": 40.0, "2": 40.0, "4": 50.0},
               "pass@k ci95": {"1": [31.0, 49.0], "2": [45.0, 64.0], "4": [61.0, 79.0]},
               "maj@k ci95": {"1": [31.0, 49.0], "2": [31.0, 49.0], "4": [40.0, 60.0]}}  # fmt: skip
    for model, right in (("base", 30), ("raw", 35), ("tuned", 45)):
        folder = tmp_path / model
        folder.mkdir()
        doc = {"model": model, "prompt_type": "jiuzhang", "benchmark": "gsm8k",
               "accuracy": float(right), "n": 100, "correct": right, "no_answer": 3,
               "truncated": 2, **({"samples": sampled} if model == "tuned" else {})}  # fmt: skip
        (folder / "metrics.json").write_text(json.dumps(doc))
        rows = [{"id": i, "correct": i < right} for i in range(100)]
        (folder / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        metrics.append(str(folder / "metrics.json"))
        predictions.append(str(folder / "predictions.jsonl"))
    run_report_table(
        metrics=metrics,
        models=["base", "raw", "tuned"],
        prompt_types=["jiuzhang"],
        md_out=str(tmp_path / "t.md"),
        csv_out=str(tmp_path / "t.csv"),
        html_out=str(tmp_path / "t.html"),
        predictions=predictions,
        pairs=[["tuned", "raw"], ["tuned", "base"]],  # the second is there already
    )
    md = (tmp_path / "t.md").read_text()
    rows = [line.split("|") for line in md.splitlines() if line.startswith("| ")]
    diffs = {cells[1].strip(): cells[2].strip() for cells in rows if " - " in cells[1]}
    assert list(diffs) == ["raw - base", "tuned - base", "tuned - raw"]
    assert diffs["tuned - base"].startswith("+15.0 [+") and diffs["tuned - raw"].startswith(
        "+10.0 [+"
    )
    page = (tmp_path / "t.html").read_text()
    assert "paired bootstrap" in md and "tuned - raw" in page
    assert "no answer 3<br>cut 2" in page
    # sampled scores: pass@1, pass@n and maj@n with intervals, only for the model that sampled
    assert (
        "| tuned: pass@1 | 40.0 [31.0, 49.0] |" in md
        and "| tuned: maj@4 | 50.0 [40.0, 60.0] |" in md
    )
    assert "base: pass@1" not in md and "tuned: pass@4" in page
    with pytest.raises(DataError, match="not among the table's inputs"):
        run_report_table(
            metrics=metrics, models=["base", "tuned"], prompt_types=["jiuzhang"],
            md_out=str(tmp_path / "u.md"), csv_out=str(tmp_path / "u.csv"),
            predictions=predictions[:1],
        )  # fmt: skip
