"""The grader against the labelled set in tests/data/grading (labels fixed by construction),
plus the parts that keep symbolic checks fast and bounded."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from jiuzhang.common.io import load_jsonl
from jiuzhang.evaluation.benchmarks import BENCHMARKS, reference_answer
from jiuzhang.evaluation.grade import grade
from jiuzhang.evaluation.numeric import equation_equivalent, numeric_equivalent
from jiuzhang.evaluation.symbolic import SymbolicChecker

CASES = Path(__file__).resolve().parents[2] / "data/grading/cases.jsonl"
LATEX_CASES = CASES.with_name("latex_cases.jsonl")


def test_labelled_set_is_large_and_covers_every_benchmark() -> None:
    cases = load_jsonl(CASES)
    assert len(cases) >= 500
    assert {c["benchmark"] for c in cases} == set(BENCHMARKS)
    assert 0.4 < sum(c["label"] for c in cases) / len(cases) < 0.6


@pytest.mark.parametrize("path", [CASES, LATEX_CASES], ids=["answers", "latex"])
def test_grader_agrees_with_the_labels(path: Path) -> None:
    cases = load_jsonl(path)
    wrong = []
    for case in cases:
        ref = reference_answer(case["benchmark"], case["gold"])
        if grade(case["prediction"], ref, case["benchmark"])[1] != case["label"]:
            wrong.append((case["id"], case["kind"]))
    assert len(wrong) / len(cases) <= 0.005, wrong


def test_latex_set_covers_every_kind_with_both_labels() -> None:
    cases = load_jsonl(LATEX_CASES)
    kinds = {c["kind"] for c in cases}
    assert {
        "latex/math-span", "latex/minerva", "latex/relation", "latex/membership", "latex/matrix",
        "latex/interval", "latex/equation", "latex/identity", "latex/choice", "latex/multi",
        "latex/approx", "latex/decimal-comma", "gold/bare-latex", "gold/numeric-string",
    } <= kinds  # fmt: skip
    for kind in kinds:
        labels = {c["label"] for c in cases if c["kind"] == kind}
        assert labels == {True, False}, kind  # a true rewrite and a near miss each


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        (r"2\sqrt{3}", r"\sqrt{12}", True),
        ("(x+1)^2", "x^2+2x+1", True),
        ("x^2+2x", "(x+1)^2", False),
        (r"\frac{\sqrt{3}}{2}", r"\frac12\sqrt3", True),
        (r"\frac{\pi}{3}", r"\frac{\pi}{6}", False),
        ("3-4i", "-4i+3", True),
        ("3+4i", "3-4i", False),
        ("x", "y", False),
        (r"9^{9^{9^{9}}}", "1", None),  # too large to evaluate: left to the SymPy check
        (r"\{1,2\}", "1,2", None),  # not an expression
    ],
)
def test_numeric_equivalence(pred: str, gold: str, expected: bool | None) -> None:
    assert numeric_equivalent(pred, gold) is expected


def test_equations_compare_up_to_sides() -> None:
    assert equation_equivalent("y=2x+3", "2x+3=y") is True
    assert equation_equivalent("(y+2)^2+(x-1)^2=9", "(x-1)^2+(y+2)^2=9") is True
    assert equation_equivalent("y=2x+3", "y=2x-3") is False


def test_symbolic_check_is_bounded_in_a_worker_thread() -> None:
    """A pathological expression costs at most the time limit, also off the main thread
    (Math-Verify's own SIGALRM timeouts only work in the main thread)."""
    checker = SymbolicChecker(timeout_s=2.0)
    results: list[bool] = []

    def work() -> None:
        results.append(checker.equivalent(r"(x+1)^2", "x^2+2x+1"))
        start = time.monotonic()
        results.append(checker.equivalent(r"9^{9^{9^{9}}}", "1"))
        results.append(time.monotonic() - start < 4.0)
        results.append(checker.equivalent(r"\sin^2 x + \cos^2 x", "1"))  # a fresh worker

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    checker.close()
    assert results == [True, False, True, True]
    assert checker.timeouts == 1
