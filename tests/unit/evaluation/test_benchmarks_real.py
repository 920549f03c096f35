"""Benchmark loaders on the real test sets (via `shared_dir`) and on small malformed temp files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import load_jsonl
from jiuzhang.evaluation.benchmarks import BENCHMARKS, PAPER_COLUMNS, BenchItem, load_benchmark
from jiuzhang.evaluation.grade import grade, is_equiv

EXPECTED_ROWS = {
    "gsm8k": 1319,
    "math": 5000,
    "math-oai": 500,
    "svamp": 1000,
    "asdiv": 2215,
    "mawps": 2065,
    "carp_en": 976,
}


def _bench_file(shared_dir: Path, name: str) -> Path:
    return shared_dir / "benchmarks" / name / "test.jsonl"


def test_benchmark_names_and_paper_columns() -> None:
    assert set(EXPECTED_ROWS) == set(BENCHMARKS)
    assert list(PAPER_COLUMNS) == ["gsm8k", "math-oai", "svamp", "asdiv", "mawps", "carp_en"]
    assert list(PAPER_COLUMNS.values()) == ["GSM8k", "MATH", "SVAMP", "ASDiv", "MAWPS", "CARP"]


@pytest.mark.parametrize("name", BENCHMARKS)
def test_real_benchmark_loads(shared_dir: Path, name: str) -> None:
    items = load_benchmark(name, _bench_file(shared_dir, name))
    assert len(items) == EXPECTED_ROWS[name]
    assert all(isinstance(item, BenchItem) for item in items)
    ids = [item.id for item in items]
    assert all(isinstance(i, str) for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(item.question.strip() for item in items)
    assert all(item.gold.strip() for item in items)


def test_real_gsm8k_reference_solutions_grade_correct(shared_dir: Path) -> None:
    path = _bench_file(shared_dir, "gsm8k")
    items = load_benchmark("gsm8k", path)
    rows = load_jsonl(path)
    wrong = [
        (item.id, item.gold)
        for row, item in zip(rows, items, strict=True)
        if not grade(row["answer"], item.gold, "gsm8k")[1]
    ]
    assert not wrong, f"{len(wrong)} gsm8k reference solutions graded wrong: {wrong[:5]}"
    assert items[0].gold == "18"
    assert all("," not in item.gold for item in items)  # "2,125" -> "2125"


def test_real_math_oai_boxed_gold_matches_answer_field(shared_dir: Path) -> None:
    path = _bench_file(shared_dir, "math-oai")
    items = load_benchmark("math-oai", path)
    rows = load_jsonl(path)
    same = sum(item.gold == row["answer"] for row, item in zip(rows, items, strict=True))
    rate = same / len(items)
    assert rate >= 0.95, f"boxed gold == answer field for only {rate:.1%} ({same}/{len(items)})"
    assert items[0].id == rows[0]["unique_id"]
    assert {"level", "subject"} <= set(items[0].meta)


def test_real_formats(shared_dir: Path) -> None:
    svamp = load_benchmark("svamp", _bench_file(shared_dir, "svamp"))
    assert svamp[0].gold == "145"
    assert ". How big is each group" in svamp[0].question  # Body had no final period
    asdiv = load_benchmark("asdiv", _bench_file(shared_dir, "asdiv"))
    assert asdiv[0].gold == "9"
    assert asdiv[0].meta["answer"] == "9 (apples)"
    mawps = load_benchmark("mawps", _bench_file(shared_dir, "mawps"))
    assert mawps[0].gold == "43"
    assert any("." in item.gold for item in mawps)  # non-integral targets stay decimal
    carp = load_benchmark("carp_en", _bench_file(shared_dir, "carp_en"))
    assert carp[0].gold == "b ^ { 2 } - 9 a ^ { 2 }"
    assert carp[0].id == "0"


def _write(tmp_path: Path, lines: list[str], name: str = "test.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _row(**fields: object) -> str:
    return json.dumps(fields)


def test_small_files_all_layouts(tmp_path: Path) -> None:
    cases = {
        "gsm8k": _row(question="Q?", answer="work\n#### 1,000", idx=7),
        "math": _row(problem="P", solution=r"so $\boxed{\frac{1}{2}}$", level="Level 1"),
        "math-oai": _row(problem="P", solution="no box", answer="3", unique_id="u/1"),
        "svamp": _row(Body="A has 3", Question="How many?", Answer=3.0, ID="s-1", idx=0),
        "asdiv": _row(body="B.", question="Q?", answer="14  (seats)", idx=0),
        "mawps": _row(input="I", target=1.5, type="addsub", idx=0),
        "carp_en": _row(content="C", answer=r"\frac { 3 } { 2 }"),
    }
    expected = {
        "gsm8k": ("7", "Q?", "1000"),
        "math": ("0", "P", r"\frac{1}{2}"),
        "math-oai": ("u/1", "P", "3"),
        "svamp": ("0", "A has 3. How many?", "3"),
        "asdiv": ("0", "B. Q?", "14"),
        "mawps": ("0", "I", "1.5"),
        "carp_en": ("0", "C", r"\frac { 3 } { 2 }"),
    }
    for name, line in cases.items():
        (item,) = load_benchmark(name, _write(tmp_path, [line], f"{name}.jsonl"))
        assert (item.id, item.question, item.gold) == expected[name], name


def test_malformed_json_names_path_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(question="Q", answer="#### 1"), "{not json"])
    with pytest.raises(DataError, match=r":2\b") as info:
        load_benchmark("gsm8k", path)
    assert str(path) in str(info.value)


def test_missing_field_names_it(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(question="Q", answer="#### 1"), _row(question="Q2")])
    with pytest.raises(DataError, match=r":2: missing field 'answer'") as info:
        load_benchmark("gsm8k", path)
    assert str(path) in str(info.value)


def test_wrong_type_names_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(input="I", target="forty-three", idx=0)])
    with pytest.raises(DataError, match=r":1: field 'target' must be a number, got 'forty-three'"):
        load_benchmark("mawps", path)
    path = _write(tmp_path, [_row(input="I", target=True, idx=0)])
    with pytest.raises(DataError, match=r":1: field 'target' must be a number, got bool"):
        load_benchmark("mawps", path)


def test_forgiving_golds(tmp_path: Path) -> None:
    """SVAMP / MAWPS golds as numbers or numeric strings; MATH golds as a solution (its last
    box) or a bare answer; a solution with neither names file:line."""
    numeric = {"43": "43", " 43.0 ": "43", "1,000": "1000", "0.25": "0.25", 43.0: "43"}
    for raw, gold in numeric.items():
        (item,) = load_benchmark("mawps", _write(tmp_path, [_row(input="I", target=raw)]))
        assert item.gold == gold, raw
    (item,) = load_benchmark("svamp", _write(tmp_path, [_row(Body="B", Question="Q", Answer="7")]))
    assert item.gold == "7"
    golds = {
        r"so $\boxed{\frac{1}{2}}$.": r"\frac{1}{2}",
        r"\frac{1}{2}": r"\frac{1}{2}",
        r"$(3, \frac{\pi}{2})$": r"(3, \frac{\pi}{2})",
        r"\boxed{1}, \boxed{2}": "1,2",
        "Long work.\nMore.\nFinal Answer: The final answer is $28$. I hope it is correct.": "28",
    }
    for raw, gold in golds.items():
        (item,) = load_benchmark("math", _write(tmp_path, [_row(problem="P", solution=raw)]))
        assert item.gold == gold, raw
    path = _write(tmp_path, [_row(problem="P", solution="We work.\nThen we stop.")])
    with pytest.raises(DataError, match=rf"{path}:1: field 'solution' has no \\boxed"):
        load_benchmark("math", path)


def test_empty_question_names_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(content="   ", answer="1")])
    with pytest.raises(DataError, match=r":1: field 'content' is empty"):
        load_benchmark("carp_en", path)


def test_missing_gold_marker(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(question="Q", answer="no marker")])
    with pytest.raises(DataError, match=r":1: field 'answer' has no '####'"):
        load_benchmark("gsm8k", path)


def test_duplicate_ids_rejected(tmp_path: Path) -> None:
    line = _row(input="I", target=1.0, idx=3)
    with pytest.raises(DataError, match=r":2: duplicate id '3'"):
        load_benchmark("mawps", _write(tmp_path, [line, line]))


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, [])
    with pytest.raises(DataError, match="no rows") as info:
        load_benchmark("svamp", path)
    assert str(path) in str(info.value)


def test_unknown_benchmark_lists_known(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(question="Q", answer="#### 1")])
    with pytest.raises(ValueError, match="unknown benchmark 'gsm9k'.*gsm8k.*carp_en"):
        load_benchmark("gsm9k", path)


def test_real_math500_answer_field_grades_equal_to_boxed_reference(shared_dir: Path) -> None:
    """MATH-500 stores its answer twice (`answer`, last `\\boxed{}` of `solution`): the grader
    must call every pair equal, and almost never a pair from two different problems."""
    path = shared_dir / "benchmarks/math-oai/test.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    items = load_benchmark("math-oai", path)
    unequal = [(r["answer"], i.gold) for r, i in zip(rows, items, strict=True)
               if not is_equiv(r["answer"], i.gold)]  # fmt: skip
    assert unequal == []
    shifted = sum(is_equiv(rows[k]["answer"], items[(k + 1) % len(items)].gold)
                  for k in range(len(items)))  # fmt: skip
    assert shifted <= 5


def test_hub_source_reads_the_hub_cache_offline(tmp_path: Path) -> None:
    """`hf://owner/dataset/file` goes through huggingface_hub (here offline, from its cache)."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub/datasets--someone--gsm-like"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs/main").write_text(commit)
    snapshot = repo / "snapshots" / commit / "main"
    snapshot.mkdir(parents=True)
    row = {"question": "Q?", "answer": "1+1=<<1+1=2>>2\n#### 2"}
    (snapshot / "test.jsonl").write_text(json.dumps(row) + "\n")
    code = (
        "from jiuzhang.evaluation.benchmarks import load_benchmark\n"
        "items = load_benchmark('gsm8k', 'hf://someone/gsm-like/main/test.jsonl')\n"
        "print(items[0].gold, items[0].question)\n"
        "load_benchmark('gsm8k', 'hf://someone/gsm-like/missing.jsonl')\n"
    )
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.splitlines()[0] == "2 Q?"
    assert "hf://someone/gsm-like/missing.jsonl: cannot fetch from the Hugging Face hub" in (
        proc.stderr
    )
    with pytest.raises(DataError, match="expected hf://<owner>/<dataset>/<file>"):
        load_benchmark("gsm8k", "hf://just-a-name")


MODEL_FORMS = {
    "boxed": "We work it out step by step, using 2 facts.\nSo the result is $\\boxed{{{gold}}}$.",
    "bare-latex": "We work it out step by step, using 2 facts.\nSo the result is ${gold}$",
    "answer-is": "We work it out step by step, using 2 facts.\nThe answer is {gold}.",
    "minerva": "With 2 facts.\nFinal Answer: The final answer is ${gold}$. I hope it is right.",
}


@pytest.mark.parametrize("name", BENCHMARKS)
def test_every_real_gold_written_as_a_model_would_grades_correct(
    shared_dir: Path, name: str
) -> None:
    """Each item's own reference answer, stated the ways the `jiuzhang` (boxed, bare LaTeX) and
    `cot` ("The answer is") prompts make models state it, is graded correct: no item is
    unreachable through extraction and normalisation."""
    items = load_benchmark(name, _bench_file(shared_dir, name))
    wrong = [
        (form, item.id, item.gold)
        for item in items
        for form, template in MODEL_FORMS.items()
        if not grade(template.format(gold=item.gold), item.gold, name).correct
    ]
    assert not wrong, f"{len(wrong)} of {len(items) * len(MODEL_FORMS)} wrong: {wrong[:8]}"
