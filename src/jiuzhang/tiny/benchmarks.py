"""Emit tiny-world word problems in each evaluation benchmark's own JSONL field layout.

Each emitter mirrors the keys, key order and value types of the real benchmark file, so the
same loaders read the tiny demo sets and the real test sets. The reconstructed question text is
always `WordProblem.text` and the gold answer always equals `WordProblem.answer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jiuzhang.tiny.world import WordProblem, sample_problems

BENCHMARKS: tuple[str, ...] = ("gsm8k", "math-oai", "svamp", "asdiv", "mawps", "carp_en")

_TYPE_NAMES = {"+": "Addition", "-": "Subtraction"}


def _gsm8k(p: WordProblem, idx: int) -> dict[str, Any]:
    """GSM8K: reasoning with `<<calc>>` annotations, then `#### N`."""
    calc = f"{p.a}{p.op}{p.b}={p.answer}"
    answer = f"{p.name} has {p.equation} = <<{calc}>>{p.answer} {p.obj}.\n#### {p.answer}"
    return {"question": p.text, "answer": answer, "idx": idx}


def _math_oai(p: WordProblem, idx: int) -> dict[str, Any]:
    """MATH (OpenAI 500-problem split): LaTeX solution ending in `\\boxed{N}`."""
    solution = (
        f"{p.name} has ${p.equation} = {p.answer}$ {p.obj}, "
        f"so the answer is $\\boxed{{{p.answer}}}$."
    )
    return {
        "problem": p.text,
        "solution": solution,
        "answer": str(p.answer),
        "subject": "Prealgebra",
        "level": 1,
        "unique_id": f"test/prealgebra/tiny-{idx}.json",
    }


def _svamp(p: WordProblem, idx: int) -> dict[str, Any]:
    """SVAMP: separate Body/Question, float Answer, spaced float Equation."""
    return {
        "Answer": float(p.answer),
        "Question": p.question,
        "Equation": f"( {float(p.a)} {p.op} {float(p.b)} )",
        "Body": p.body,
        "Type": _TYPE_NAMES[p.op],
        "ID": f"tiny-{idx}",
        "idx": idx,
    }


def _asdiv(p: WordProblem, idx: int) -> dict[str, Any]:
    """ASDiv: body/question, answer with unit in parentheses, compact formula."""
    return {
        "body": p.body,
        "question": p.question,
        "solution_type": _TYPE_NAMES[p.op],
        "answer": f"{p.answer} ({p.obj})",
        "formula": f"{p.a}{p.op}{p.b}={p.answer}",
        "idx": idx,
    }


def _mawps(p: WordProblem, idx: int) -> dict[str, Any]:
    """MAWPS: one input string, float target, source-subset type."""
    return {"input": p.text, "target": float(p.answer), "type": "addsub", "idx": idx}


def _carp_en(p: WordProblem, idx: int) -> dict[str, Any]:
    """CARP (English): string answer, step text, expression candidates and a tiny graph."""
    expr = f"{p.a} {p.op} {p.b}"
    answer = str(p.answer)
    return {
        "content": p.text,
        "answer": answer,
        "steps": f"{p.name} has ${expr} = {answer}$ {p.obj}. Therefore, the answer is ${answer}$.",
        "expr_cands": [str(p.a), str(p.b), expr, answer],
        "exprs": [f"{expr} = {answer}", answer],
        "edges": {
            "directed": True,
            "multigraph": False,
            "graph": {},
            "nodes": [{"id": expr}, {"id": answer}],
            "links": [{"rel": "计算", "source": expr, "target": answer}],
        },
    }


_EMITTERS: dict[str, Callable[[WordProblem, int], dict[str, Any]]] = {
    "gsm8k": _gsm8k,
    "math-oai": _math_oai,
    "svamp": _svamp,
    "asdiv": _asdiv,
    "mawps": _mawps,
    "carp_en": _carp_en,
}


def _emitter(name: str) -> Callable[[WordProblem, int], dict[str, Any]]:
    """The emitter for benchmark `name`; `ValueError` naming it when unknown."""
    try:
        return _EMITTERS[name]
    except KeyError:
        raise ValueError(
            f"unknown tiny benchmark {name!r}; expected one of {', '.join(BENCHMARKS)}"
        ) from None


def format_record(name: str, problem: WordProblem, idx: int) -> dict[str, Any]:
    """Format one problem as a record of benchmark `name` (position `idx` in the file)."""
    return _emitter(name)(problem, idx)


def benchmark_records(name: str, n: int, seed: int) -> list[dict[str, Any]]:
    """Sample `n` problems with `seed` and format them in benchmark `name`'s layout."""
    emit = _emitter(name)
    return [emit(p, i) for i, p in enumerate(sample_problems(n, seed))]
