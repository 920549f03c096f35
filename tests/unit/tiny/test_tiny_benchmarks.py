"""Unit tests for the tiny benchmark emitters (field layouts of the real benchmark files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jiuzhang.tiny.benchmarks import BENCHMARKS, benchmark_records
from jiuzhang.tiny.world import sample_problems

N, SEED = 40, 123


def _gold(name: str, record: dict) -> object:
    """The gold answer as stored in each layout."""
    if name == "gsm8k":
        return int(record["answer"].rsplit("#### ", 1)[1])
    if name == "math-oai":
        boxed = re.search(r"\\boxed\{(\d+)\}", record["solution"])
        assert boxed and boxed[1] == record["answer"]
        return int(record["answer"])
    if name == "svamp":
        return record["Answer"]
    if name == "asdiv":
        return int(record["answer"].split(" ", 1)[0])
    if name == "mawps":
        return record["target"]
    return int(record["answer"])


def _question(name: str, record: dict) -> str:
    """Reconstruct the problem text the way the real loaders do."""
    if name == "gsm8k":
        return record["question"]
    if name == "math-oai":
        return record["problem"]
    if name in ("svamp", "asdiv"):
        body_key, q_key = ("Body", "Question") if name == "svamp" else ("body", "question")
        body = record[body_key].strip()
        if not body.endswith("."):
            body += "."
        return f"{body} {record[q_key].strip()}"
    if name == "mawps":
        return record["input"]
    return record["content"]


def test_benchmark_names() -> None:
    assert BENCHMARKS == ("gsm8k", "math-oai", "svamp", "asdiv", "mawps", "carp_en")


def test_unknown_benchmark_raises() -> None:
    with pytest.raises(ValueError, match="nope"):
        benchmark_records("nope", 3, 0)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_records_match_world(name: str) -> None:
    problems = sample_problems(N, SEED)
    records = benchmark_records(name, N, SEED)
    assert len(records) == N
    assert records == benchmark_records(name, N, SEED)
    for i, (p, record) in enumerate(zip(problems, records, strict=True)):
        assert _question(name, record) == p.text
        gold = _gold(name, record)
        assert gold == p.answer and type(gold) is (float if name in ("svamp", "mawps") else int)
        if "idx" in record:
            assert record["idx"] == i
        json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_layout_matches_real_file(name: str, shared_dir: Path) -> None:
    path = shared_dir / "benchmarks" / name / "test.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    with path.open(encoding="utf-8") as handle:
        real = json.loads(handle.readline())
    ours = benchmark_records(name, 1, 0)[0]
    assert set(ours) == set(real)
    assert list(ours) == list(real)
    for key, value in real.items():
        assert type(ours[key]) is type(value), key
        if isinstance(value, dict):
            assert set(ours[key]) == set(value), key


def test_specific_fields() -> None:
    p = sample_problems(1, SEED)[0]
    svamp = benchmark_records("svamp", 1, SEED)[0]
    assert svamp["Equation"] == f"( {float(p.a)} {p.op} {float(p.b)} )"
    assert svamp["Type"] == {"+": "Addition", "-": "Subtraction"}[p.op]
    asdiv = benchmark_records("asdiv", 1, SEED)[0]
    assert asdiv["formula"] == f"{p.a}{p.op}{p.b}={p.answer}"
    assert asdiv["answer"] == f"{p.answer} ({p.obj})"
    assert benchmark_records("mawps", 1, SEED)[0]["type"] == "addsub"
    gsm = benchmark_records("gsm8k", 1, SEED)[0]
    assert f"<<{p.a}{p.op}{p.b}={p.answer}>>" in gsm["answer"]
    carp = benchmark_records("carp_en", 1, SEED)[0]
    assert carp["exprs"][-1] == carp["answer"] == str(p.answer)
