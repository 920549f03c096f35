"""The paper table: column order, Avg only over all six, one decimal (SPEC §5.8)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

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
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0] == "Model,GSM8k,MATH,SVAMP,ASDiv,MAWPS,CARP,Avg"
    assert lines[1] == "jz-7b,88.6,52.8,90.4,92.6,97.3,51.0,78.8"
    assert lines[2] == "partial,50.0,-,-,-,-,-,-"
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
