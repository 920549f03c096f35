"""Benchmark test sets: local JSONL files or hub files -> `BenchItem(id, question, gold, ...)`.

Each benchmark keeps its own source layout (`<name>/test.jsonl`, SPEC §5.1); the question and the
reference answer are rebuilt here the way the original harness did, minus its normalisation bugs
(`reference_answer` lists the gold rules; the grading CLI uses the same function on raw golds):

- gsm8k: `question`; math, math-oai: `problem`; mawps: `input`; carp_en: `content`;
- svamp: `Body` (+ "." when it lacks final punctuation) + " " + `Question`;
- asdiv: `body` + " " + `question`.

A benchmark source is a local path, or `hf://<owner>/<dataset>/<file>[@<revision>]` for a file
of a Hugging Face dataset repository (JSONL, or Parquet when `pyarrow` is installed), fetched
into the hub cache by `huggingface_hub` (offline mode reads the cache). Ids come from `idx`, `ID`
or `unique_id` (first present), else the 0-based row index; every error names the file and row.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_jsonl
from jiuzhang.evaluation.extract import boxed_answer, extract

__all__ = [
    "BENCHMARKS",
    "HUB_PREFIX",
    "PAPER_COLUMNS",
    "BenchItem",
    "load_benchmark",
    "reference_answer",
    "resolve_source",
]

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

HUB_PREFIX = "hf://"
_ID_FIELDS = ("idx", "ID", "unique_id")
_PAREN_RE = re.compile(r"\s*\([^()]*\)")
_DIGIT_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")


@dataclass(frozen=True)
class BenchItem:
    """One test problem: unique id, the question shown to the model, the gold answer, extras."""

    id: str
    question: str
    gold: str  # the reference answer, cut from `raw_gold` by `reference_answer`
    raw_gold: Any = None  # the gold field as the benchmark stores it
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


def _gold_text(raw: Any, key: str, where: str) -> str:
    """A raw string gold field, checked."""
    return _text({key: raw}, key, where)


def _ref_gsm8k(raw: Any, key: str, where: str) -> str:
    answer = _gold_text(raw, key, where)
    if "####" not in answer:
        raise DataError(f"{where}: field {key!r} has no '####' final answer")
    return _nonempty(_DIGIT_COMMA_RE.sub("", answer.rsplit("####", 1)[1]), key, where)


_BARE_MAX_CHARS = 300
_DELIMITED_RE = re.compile(r"^(?:\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\])$", re.DOTALL)


def _ref_math(raw: Any, key: str, where: str) -> str:
    """A full solution's last `\\boxed{}` (with boxes joined to it: "\\boxed{1}, \\boxed{2}" ->
    "1,2"); else a bare answer (MATH-500's `answer` field, e.g. "\\frac{1}{2}" or
    "$(3, \\frac{\\pi}{2})$"): one line of at most 300 characters, its math delimiters removed;
    else the answer a longer solution states ("The final answer is $X$"). Anything else holds no
    answer (DataError)."""
    text = _gold_text(raw, key, where)
    gold = boxed_answer(text)
    if gold is not None:
        return gold
    if "\n" in text or len(text) > _BARE_MAX_CHARS:
        stated, by = extract(text)
        if by == "answer-phrase" and stated:
            return stated
        raise DataError(
            f'{where}: field {key!r} has no \\boxed{{}} answer, no "The final answer is" and '
            "is not a bare one-line answer"
        )
    match = _DELIMITED_RE.match(text)
    inner = next((g for g in match.groups() if g is not None), text) if match else text
    return _nonempty(inner, key, where)


def _unboxed(raw: Any) -> bool:
    return isinstance(raw, str) and boxed_answer(raw) is None


_NUMERIC_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _ref_number(raw: Any, key: str, where: str) -> str:
    """A JSON number, or a numeric string ("23", "23.0", "1,000", "0.25"), as text (integral
    values without ".0")."""
    if isinstance(raw, str):
        text = raw.strip().replace(",", "")
        if not _NUMERIC_RE.fullmatch(text):
            raise DataError(f"{where}: field {key!r} must be a number, got {raw!r}")
        raw = float(text) if any(c in text for c in ".eE") else int(text)
    return _number({key: raw}, key, where)


def _ref_asdiv(raw: Any, key: str, where: str) -> str:
    return _nonempty(_PAREN_RE.sub("", _gold_text(raw, key, where)), key, where)


@dataclass(frozen=True)
class _Layout:
    """How one benchmark's rows are read: required fields, question builder, the raw gold field
    and how the reference answer is cut from it, fields kept in `meta`."""

    required: tuple[str, ...]
    question: Callable[[dict[str, Any], str], str]
    gold_field: str
    reference: Callable[[Any, str, str], str]
    meta: tuple[str, ...]


def _svamp_question(record: dict[str, Any], where: str) -> str:
    body = _text(record, "Body", where)
    if not body.endswith((".", "?", "!")):
        body += "."
    return f"{body} {_text(record, 'Question', where)}"


def _asdiv_question(record: dict[str, Any], where: str) -> str:
    return f"{_text(record, 'body', where)} {_text(record, 'question', where)}"


def _field(key: str) -> Callable[[dict[str, Any], str], str]:
    return lambda record, where: _text(record, key, where)


_MATH_META = ("level", "type", "subject")
_LAYOUTS: dict[str, _Layout] = {
    "gsm8k": _Layout(("question", "answer"), _field("question"), "answer", _ref_gsm8k, ()),
    "math": _Layout(("problem", "solution"), _field("problem"), "solution", _ref_math, _MATH_META),
    "math-oai": _Layout(
        ("problem", "solution"), _field("problem"), "solution", _ref_math, (*_MATH_META, "answer")
    ),
    "svamp": _Layout(
        ("Body", "Question", "Answer"),
        _svamp_question,
        "Answer",
        _ref_number,
        ("Type", "Equation", "ID"),
    ),
    "asdiv": _Layout(
        ("body", "question", "answer"),
        _asdiv_question,
        "answer",
        _ref_asdiv,
        ("solution_type", "formula", "answer"),
    ),
    "mawps": _Layout(("input", "target"), _field("input"), "target", _ref_number, ("type",)),
    "carp_en": _Layout(("content", "answer"), _field("content"), "answer", _gold_text, ()),
}


def reference_answer(
    benchmark: str, raw_gold: Any, where: str = "gold", *, key: str | None = None
) -> str:
    """The reference answer inside a benchmark's raw gold field, as the benchmark stores it.

    gsm8k: the text after `####` of `answer` (thousands commas removed); math, math-oai: the last
    `\\boxed{…}` of `solution`, or a bare one-line answer as MATH-500's `answer` field (math
    delimiters removed); svamp, mawps: the number, as a JSON number or a numeric string (integral
    values without ".0");
    asdiv: `answer` without parenthesised units ("9 (apples)" -> "9"); carp_en: `answer`
    verbatim. DataError naming `where` and the field (`key`, default the benchmark's own field
    name) when it holds no answer.
    """
    layout = _layout(benchmark)
    return layout.reference(raw_gold, key or layout.gold_field, where)


def _layout(name: str) -> _Layout:
    try:
        return _LAYOUTS[name]
    except KeyError:
        raise ValueError(
            f"unknown benchmark {name!r}; known benchmarks: {', '.join(BENCHMARKS)}"
        ) from None


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


def resolve_source(source: str | os.PathLike[str]) -> Path:
    """A local file for `source`: the path itself, or a hub file fetched into the hub cache."""
    text = str(source)
    if not text.startswith(HUB_PREFIX):
        return Path(text)
    spec, _, revision = text[len(HUB_PREFIX) :].partition("@")
    parts = spec.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise DataError(f"{text}: expected hf://<owner>/<dataset>/<file>[@<revision>]")
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(
            hf_hub_download(
                repo_id=f"{parts[0]}/{parts[1]}",
                filename=parts[2],
                repo_type="dataset",
                revision=revision or None,
            )
        )
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
        raise DataError(f"{text}: cannot fetch from the Hugging Face hub ({exc})") from None


def _read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, record) from JSONL(.gz) or Parquet; rows are numbered from 1."""
    if path.suffix != ".parquet":
        yield from read_jsonl(path, required=required)
        return
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow)") from None
    try:
        records = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise DataError(f"{path}: unreadable Parquet ({exc})") from None
    for rowno, record in enumerate(records, start=1):
        for key in required:
            if key not in record:
                raise DataError(f"{path}:{rowno}: missing field {key!r}")
        yield rowno, record


def load_benchmark(name: str, source: str | os.PathLike[str]) -> list[BenchItem]:
    """Read benchmark `name` from `source` (a path or an hf:// file) into `BenchItem`s, in order."""
    layout = _layout(name)
    path = resolve_source(source)
    items: list[BenchItem] = []
    seen: dict[str, int] = {}
    for lineno, record in _read_rows(path, layout.required):
        where = f"{path}:{lineno}"
        question = layout.question(record, where)
        raw = record[layout.gold_field]
        if layout.reference is _ref_math and "answer" in record and _unboxed(raw):
            gold = _text(record, "answer", where)  # a MATH row whose solution has no \\boxed{}
        else:
            gold = layout.reference(raw, layout.gold_field, where)
        item_id = _row_id(record, lineno, where)
        if item_id in seen:
            raise DataError(f"{where}: duplicate id {item_id!r} (first on line {seen[item_id]})")
        seen[item_id] = lineno
        meta = {key: record[key] for key in layout.meta if key in record}
        items.append(BenchItem(id=item_id, question=question, gold=gold, raw_gold=raw, meta=meta))
    if not items:
        raise DataError(f"{path}: no rows (empty benchmark file)")
    logger.debug("loaded %d %s items from %s", len(items), name, path)
    return items
