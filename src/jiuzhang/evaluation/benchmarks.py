"""Benchmark test sets: local JSONL files -> `BenchItem(id, question, gold, meta)`.

Each benchmark keeps its own source layout (`<name>/test.jsonl`, SPEC §5.1); the question and the
gold answer are rebuilt here the way the original harness did, minus its normalisation bugs:

- gsm8k: `question`; gold = text after `####` in `answer`, thousands commas removed.
- math, math-oai: `problem`; gold = last `\\boxed{…}` of `solution` (else the `answer` field).
- svamp: `Body` (+ "." when it lacks final punctuation) + " " + `Question`; gold = `Answer` (float,
  written without a trailing ".0" when integral).
- asdiv: `body` + " " + `question`; gold = `answer` without parenthesised units
  ("9 (apples)" -> "9").
- mawps: `input`; gold = `target` (float, formatted like svamp).
- carp_en: `content`; gold = `answer` verbatim (grading normalises both sides alike).

Ids come from `idx`, `ID` or `unique_id` (first present), else the 0-based line index; every error
names the file and line.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_jsonl
from jiuzhang.evaluation.extract import last_boxed

__all__ = ["BENCHMARKS", "PAPER_COLUMNS", "BenchItem", "load_benchmark"]

logger = logging.getLogger(__name__)

BENCHMARKS: tuple[str, ...] = ("gsm8k", "math", "math-oai", "svamp", "asdiv", "mawps", "carp_en")
"""Every benchmark `load_benchmark` reads (`math` is the full 5000-problem MATH test set)."""

PAPER_COLUMNS: dict[str, str] = {
    "gsm8k": "GSM8k",
    "math-oai": "MATH",
    "svamp": "SVAMP",
    "asdiv": "ASDiv",
    "mawps": "MAWPS",
    "carp_en": "CARP",
}
"""Benchmark -> column of the paper's table, in table order (its MATH column is MATH-500)."""

_ID_FIELDS = ("idx", "ID", "unique_id")
_PAREN_RE = re.compile(r"\s*\([^()]*\)")
_DIGIT_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")


@dataclass(frozen=True)
class BenchItem:
    """One test problem: unique id, the question shown to the model, the gold answer, extras."""

    id: str
    question: str
    gold: str
    meta: dict[str, Any] = field(default_factory=dict)


def _text(record: dict[str, Any], key: str, where: str) -> str:
    """`record[key]` as a non-empty stripped string, else DataError naming `where` and the field."""
    value = record[key]
    if not isinstance(value, str):
        raise DataError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise DataError(f"{where}: field {key!r} is empty")
    return text


def _number(record: dict[str, Any], key: str, where: str) -> str:
    """`record[key]` (int or float) as text: integral values without ".0" ("43.0" -> "43")."""
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"{where}: field {key!r} must be a number, got {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise DataError(f"{where}: field {key!r} is not finite ({value})")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _nonempty(text: str, key: str, where: str) -> str:
    """`text` stripped; DataError naming the field when nothing is left."""
    text = text.strip()
    if not text:
        raise DataError(f"{where}: field {key!r} has an empty answer")
    return text


def _gsm8k(record: dict[str, Any], where: str) -> tuple[str, str]:
    answer = _text(record, "answer", where)
    if "####" not in answer:
        raise DataError(f"{where}: field 'answer' has no '####' final answer")
    gold = _DIGIT_COMMA_RE.sub("", answer.rsplit("####", 1)[1])
    return _text(record, "question", where), _nonempty(gold, "answer", where)


def _math(record: dict[str, Any], where: str) -> tuple[str, str]:
    solution = _text(record, "solution", where)
    gold = last_boxed(solution)
    if gold is None:
        if "answer" not in record:
            raise DataError(f"{where}: field 'solution' has no \\boxed{{}} answer (no 'answer')")
        gold = _text(record, "answer", where)
    return _text(record, "problem", where), gold


def _svamp(record: dict[str, Any], where: str) -> tuple[str, str]:
    body = _text(record, "Body", where)
    if not body.endswith((".", "?", "!")):
        body += "."
    return f"{body} {_text(record, 'Question', where)}", _number(record, "Answer", where)


def _asdiv(record: dict[str, Any], where: str) -> tuple[str, str]:
    question = f"{_text(record, 'body', where)} {_text(record, 'question', where)}"
    gold = _PAREN_RE.sub("", _text(record, "answer", where))
    return question, _nonempty(gold, "answer", where)


def _mawps(record: dict[str, Any], where: str) -> tuple[str, str]:
    return _text(record, "input", where), _number(record, "target", where)


def _carp_en(record: dict[str, Any], where: str) -> tuple[str, str]:
    return _text(record, "content", where), _text(record, "answer", where)


@dataclass(frozen=True)
class _Layout:
    """How one benchmark's rows are read: required fields, converter, fields kept in `meta`."""

    required: tuple[str, ...]
    convert: Callable[[dict[str, Any], str], tuple[str, str]]
    meta: tuple[str, ...]


_LAYOUTS: dict[str, _Layout] = {
    "gsm8k": _Layout(("question", "answer"), _gsm8k, ()),
    "math": _Layout(("problem", "solution"), _math, ("level", "type", "subject")),
    "math-oai": _Layout(("problem", "solution"), _math, ("level", "type", "subject", "answer")),
    "svamp": _Layout(("Body", "Question", "Answer"), _svamp, ("Type", "Equation", "ID")),
    "asdiv": _Layout(
        ("body", "question", "answer"), _asdiv, ("solution_type", "formula", "answer")
    ),
    "mawps": _Layout(("input", "target"), _mawps, ("type",)),
    "carp_en": _Layout(("content", "answer"), _carp_en, ()),
}


def _row_id(record: dict[str, Any], lineno: int, where: str) -> str:
    """The row's own id (`idx`, `ID` or `unique_id`) as a string, else the 0-based line index."""
    for key in _ID_FIELDS:
        if key in record:
            value = record[key]
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise DataError(
                    f"{where}: field {key!r} must be an int or a string, got {type(value).__name__}"
                )
            if isinstance(value, str) and not value.strip():
                raise DataError(f"{where}: field {key!r} is empty")
            return str(value)
    return str(lineno - 1)


def load_benchmark(name: str, path: str | os.PathLike[str]) -> list[BenchItem]:
    """Read benchmark `name` from its JSONL file at `path` into `BenchItem`s, in file order."""
    try:
        layout = _LAYOUTS[name]
    except KeyError:
        raise ValueError(
            f"unknown benchmark {name!r}; known benchmarks: {', '.join(BENCHMARKS)}"
        ) from None
    items: list[BenchItem] = []
    seen: dict[str, int] = {}
    for lineno, record in read_jsonl(path, required=layout.required):
        where = f"{path}:{lineno}"
        question, gold = layout.convert(record, where)
        item_id = _row_id(record, lineno, where)
        if item_id in seen:
            raise DataError(f"{where}: duplicate id {item_id!r} (first on line {seen[item_id]})")
        seen[item_id] = lineno
        meta = {key: record[key] for key in layout.meta if key in record}
        items.append(BenchItem(id=item_id, question=question, gold=gold, meta=meta))
    if not items:
        raise DataError(f"{path}: no rows (empty benchmark file)")
    logger.debug("loaded %d %s items from %s", len(items), name, path)
    return items
