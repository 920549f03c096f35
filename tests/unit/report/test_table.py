"""The paper table: column order, Avg only over all six, one decimal (SPEC §5.8)."""

from __future__ import annotations

import json
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
