"""The grading CLI, run as `python -m jiuzhang.evaluation.grade` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jiuzhang.common.io import load_jsonl


def _run(tmp_path: Path, rows: list[str]) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    src = tmp_path / "cases.jsonl"
    src.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out" / "graded.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "jiuzhang.evaluation.grade",
            "--input",
            str(src),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc, src, out


def test_cli_grades_rows(tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "benchmark": "gsm8k",
            "prediction": "The answer is 18.",
            "gold": "9*2=18\n#### 18",
        },
        {
            "id": 2,
            "benchmark": "math-oai",
            "prediction": r"$\boxed{\dfrac12}$",
            "gold": r"Halve it: $\boxed{0.5}$.",
        },
        {"id": "c", "benchmark": "svamp", "prediction": "no idea", "gold": 7.0},
        {"id": "d", "benchmark": "asdiv", "prediction": "So 9 apples.", "gold": "9 (apples)"},
    ]
    proc, _, out = _run(tmp_path, [json.dumps(row) for row in rows])
    assert proc.returncode == 0, proc.stderr
    graded = load_jsonl(out)
    assert [row["id"] for row in graded] == ["a", 2, "c", "d"]
    assert [row["reference"] for row in graded] == ["18", "0.5", "7", "9"]
    assert [row["extracted"] for row in graded] == ["18", r"\dfrac12", None, "9"]
    assert [row["correct"] for row in graded] == [True, True, False, True]
    assert graded[0]["prediction"] == rows[0]["prediction"]  # input fields are kept


def test_cli_bad_row_exits_2_without_output(tmp_path: Path) -> None:
    good = {"id": "a", "benchmark": "gsm8k", "prediction": "9", "gold": "#### 9"}
    bad = {"id": "b", "benchmark": "gsm8k", "prediction": 9, "gold": "#### 9"}
    proc, src, out = _run(tmp_path, [json.dumps(good), json.dumps(bad)])
    assert proc.returncode == 2
    assert f"{src}:2" in proc.stderr
    assert "prediction" in proc.stderr
    assert not out.exists()


def test_cli_invalid_json_and_unknown_benchmark(tmp_path: Path) -> None:
    proc, src, out = _run(tmp_path, ["{oops"])
    assert proc.returncode == 2 and f"{src}:1" in proc.stderr and not out.exists()
    row = {"id": "a", "benchmark": "gsm9k", "prediction": "9", "gold": "#### 9"}
    proc, src, out = _run(tmp_path, [json.dumps(row)])
    assert proc.returncode == 2 and f"{src}:1" in proc.stderr and not out.exists()


def test_cli_gold_without_reference_names_line(tmp_path: Path) -> None:
    """The gold is the raw benchmark field: a GSM8K answer without `####` is an input error."""
    rows = [
        {"id": "a", "benchmark": "gsm8k", "prediction": "9", "gold": "#### 9"},
        {"id": "b", "benchmark": "gsm8k", "prediction": "9", "gold": "9"},
        {"id": "c", "benchmark": "math", "prediction": "9", "gold": "We add.\nNo answer."},
    ]
    proc, src, out = _run(tmp_path, [json.dumps(row) for row in rows[:2]])
    assert proc.returncode == 2 and not out.exists()
    assert f"{src}:2: field 'gold' has no '####'" in proc.stderr
    proc, src, out = _run(tmp_path, [json.dumps(rows[2])])
    assert proc.returncode == 2 and f"{src}:1: field 'gold' has no \\boxed" in proc.stderr
