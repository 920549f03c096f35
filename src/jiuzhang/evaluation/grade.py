"""Answer normalisation, equivalence and grading (plus a JSONL grading CLI).

`normalize` is deliberately light and applied identically to predictions and gold answers (the
original normalised them differently and destroyed text: SPEC §6.19-6.20): delimiters, `\\text{}`
wrappers, spacing, unicode math (`√2`, `∞`, `π`), degrees, percent, units only as trailing words
after a number, mixed numbers ("17 1/2" -> 35/2), thousands separators, `\\frac12`/`\\sqrt2`
shorthand, bases (`1011_{2}`), bmatrix -> pmatrix. `is_equiv` then tries, in order: exact match;
a case-insensitive match of plain words (single letters stay case-sensitive); numeric equality
with relative tolerance 1e-6 (ints, decimals, `a/b`, `\\frac{a}{b}`, percent allowing
`50%` == `0.5`); variable equations against values ("x=3" vs "3", "x_1=2" vs "x=2"); numbers in a
base; tuples / intervals (ordered, brackets must agree: `(2,5]` is not `[2,5)`) and sets / bare
comma lists (unordered); equations side by side (`numeric.equation_equivalent`); matrices cell by
cell; conditions on one variable as intervals (`x \\ge 5` == `5 \\le x` == `[5, \\infty)`,
`-x > -1` == `x < 1`, `x \\in [-2,7]` == `-2 \\le x \\le 7` == `[-2,7]`, `x \\ne 3` == `x != 3`);
a decimal comma against a number (`1000,99` == `1000.99`); a decimal of two or more places
against the exact value it rounds (`0.33` == `\\frac{1}{3}`, not `0.3`); a chain `x = 5+6 = 11`
by its last member and `x \\approx 11` as `x = 11`; equations up to rearrangement and a nonzero
factor; LaTeX mixed numbers (`4\\frac{2}{3}`); matrices in pmatrix, bmatrix and
`\\left[\\begin{array}…\\right]` (sums and products go to the symbolic check); expressions by
evaluation at fixed sample points (`numeric.numeric_equivalent`:
`2\\sqrt{3}` == `\\sqrt{12}`, `(x+1)^2` == `x^2+2x+1`, complex numbers); degrees against radians
when the other side has a `\\pi`. Two plain numbers that differ are never equivalent. What is
left goes to the symbolic check (`jiuzhang.evaluation.symbolic`: Math-Verify in a worker process
with a hard time limit), e.g. inequalities against intervals and unions.

CLI: `python -m jiuzhang.evaluation.grade --input cases.jsonl --output graded.jsonl`, where each
input row is `{id, benchmark, prediction, gold}`: `prediction` is the full completion text and
`gold` the raw benchmark field (GSM8K's whole `answer` with `####`, MATH's whole `solution` or
a bare answer such as MATH-500's `answer`, SVAMP's number or numeric string, ASDiv's
"9 (apples)"); the reference is cut from it by `benchmarks.reference_answer`. Each output row
adds `reference`, `extracted`, `correct` and `extracted_by` (the extraction rule). A bad
row stops the run with exit code 2, naming file:line; no output file is written then.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_jsonl, write_jsonl
from jiuzhang.common.logs import log_to
from jiuzhang.evaluation.benchmarks import BENCHMARKS, reference_answer
from jiuzhang.evaluation.extract import _balanced, extract
from jiuzhang.evaluation.numeric import equation_equivalent, numeric_equivalent
from jiuzhang.evaluation.symbolic import default_checker

__all__ = ["GRADER_VERSION", "Graded", "grade", "grade_file", "is_equiv", "main", "normalize"]

logger = logging.getLogger(__name__)

GRADER_VERSION = "3"
"""Bumped whenever extraction, normalisation or equivalence change what counts as correct."""

REL_TOL = 1e-6
"""Relative tolerance of numeric equality."""

_WRAPPER_RE = re.compile(
    r"\\(?:text|textbf|textit|textrm|textnormal|textup|mbox|mathrm|mathbf|mathit)\s*\{"
)
_LEFT_RIGHT_RE = re.compile(r"\\(?:left|right)(?![A-Za-z])\.?")
_SPACING_RE = re.compile(r"(?<!\\)\\[,;: ]|\\q?quad(?![A-Za-z])|\\displaystyle(?![A-Za-z])|~")
_DEGREE_RE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![A-Za-z])|°")
_RELATION_RE = re.compile(r"\\(neq|leq|geq)(?![A-Za-z])")
_NUM = r"[-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:/\d+)?|[-+]?\\frac\{[^{}]*\}\{[^{}]*\}"
_UNIT_RE = re.compile(rf"(?P<num>{_NUM})(?P<words>(?:\s+[A-Za-z]{{2,}})+)")
_NOT_UNITS = frozenset({"and", "or", "pi", "mod", "sqrt", "inf", "infty", "infinity", "cis"})
_DECIMAL_COMMA_RE = re.compile(r"[-+]?\d+,\d+")
_GROUPED_RE = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PERCENT_RE = re.compile(r"%|\bpercent\b", re.IGNORECASE)
_PLAIN_WORDS_RE = re.compile(r"[A-Za-z'.]+")
_DECIMAL_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_SLASH_RE = re.compile(r"([-+]?)(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_FRAC_RE = re.compile(r"([-+]?)\\frac\{([^{}]+)\}\{([^{}]+)\}")
_VAR_EQ_RE = re.compile(r"(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9]+\}?)?=([^=<>]+)")
_UNICODE = {
    "∞": "\\infty ", "√": "\\sqrt", "π": "\\pi ", "−": "-", "×": "\\times ", "÷": "\\div ",
    "·": "\\cdot ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ",
}  # fmt: skip
_MIXED_RE = re.compile(r"^([-+]?)(\d+)\s+(?:and\s+)?(\d+)/(\d+)(?=\s|$)")
_MATRIX_RE = re.compile(r"\\begin\{([pbv]?matrix)\}(.*)\\end\{\1\}")
_ARRAY_RE = re.compile(r"\[?\\begin\{array\}\{[^{}]*\}(.*?)\\end\{array\}\]?")
_LATEX_MIXED_RE = re.compile(r"^([-+]?)(\d+)\\frac\{(\d+)\}\{(\d+)\}$")
_RELATION_SPELLINGS = (
    (">=", "\\ge "), ("<=", "\\le "), ("!=", "\\ne "), ("=<", "\\le "), ("=>", "\\ge "),
    ("\\geqslant", "\\ge "), ("\\leqslant", "\\le "), ("\\gt", ">"), ("\\lt", "<"),
    ("\\approx", "="), ("≈", "="),
)  # fmt: skip
_REL_SPLIT_RE = re.compile(r"(\\(?:le|ge|ne)(?![A-Za-z])|<|>)")
_VARIABLE_RE = re.compile(r"[A-Za-z]|\\[A-Za-z]+")
_IN_RE = re.compile(r"^([A-Za-z]|\\[A-Za-z]+)\\in(?![A-Za-z])(.+)$")
_FLIP = {"<": ">", ">": "<", "\\le": "\\ge", "\\ge": "\\le", "\\ne": "\\ne"}
_INFINITY = "\\infty"
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_INTERVALS = frozenset({"()", "[]", "(]", "[)"})
_BASE_RE = re.compile(r"([0-9A-Za-z]+)_(\d+)")
_SYMBOLIC_MAX_CHARS = 400
"""Longer answers are not sent to the symbolic check (they are prose, not mathematics)."""


def _unwrap_text(text: str) -> str:
    """Replace `\\text{X}`-style wrappers by " X" (the space lets a following unit rule see X)."""
    while match := _WRAPPER_RE.search(text):
        content = _balanced(text, match.end() - 1)
        if content is None:  # unbalanced: drop the command name only
            text = text[: match.start()] + text[match.end() - 1 :]
            continue
        text = f"{text[: match.start()]} {content}{text[match.end() + len(content) + 1 :]}"
    return text


def _strip_units(text: str) -> str:
    """Drop a trailing run of words (>= 2 letters) after a leading number: "9 apples" -> "9"."""
    match = _UNIT_RE.fullmatch(text)
    if match is None:
        return text
    if any(word.lower() in _NOT_UNITS for word in match.group("words").split()):
        return text
    return match.group("num")


def normalize(ans: str) -> str:
    """Lightly canonicalise an answer string (rules listed in the function body's comments)."""
    text = ans.strip().replace("\n", " ")
    # Unicode math: "∞" -> \infty, "√2" -> \sqrt2, "π" -> \pi, "−" -> "-", "≤" -> \le …
    for char, latex in _UNICODE.items():
        text = text.replace(char, latex)
    # Math delimiters and currency: "$", "\$", "\(", "\)", "\[", "\]".
    text = text.replace("\\$", "").replace("$", "")
    text = re.sub(r"\\[()\[\]]", "", text)
    # Formatting wrappers: \text{…}, \mathrm{…}, \mbox{…} … -> their content.
    text = _unwrap_text(text)
    # Sizing and spacing: \left( -> (, \! -> "", \, \; \quad ~ -> " ", "10{,}000" -> "10,000".
    text = _LEFT_RIGHT_RE.sub("", text)
    text = re.sub(r"\\!\s*", "", text)  # "32,\\! 349" is 32,349
    text = _SPACING_RE.sub(" ", text).replace("{,}", ",")
    # Spelling variants: \dfrac, \tfrac -> \frac; \neq, \leq, \geq -> \ne, \le, \ge; \{ \} -> { }.
    text = re.sub(r"\\[dtc]frac(?![A-Za-z])", r"\\frac", text)
    text = _RELATION_RE.sub(lambda m: "\\" + m.group(1)[:2], text)
    # ASCII and other spellings of relations: >= <= != \geqslant \lt -> \ge \le \ne \ge <;
    # "approximately" is read as "equals" ("x \approx 11" -> "x=11").
    # An approximation after a value is dropped ("1/3 \\approx 0.33" -> "1/3").
    if (cut := text.find("\\approx")) > 0 and "=" in text[:cut]:
        text = text[:cut]
    for spelling, canonical in _RELATION_SPELLINGS:
        text = text.replace(spelling, canonical)
    text = text.replace("\\{", "{").replace("\\}", "}")
    # Degrees: "30^\circ", "30^{\circ}", "30°" -> "30".
    text = _DEGREE_RE.sub("", text)
    # Percent: "50\%" / "50%" -> "50" (is_equiv remembers the sign; see `_has_percent`).
    text = text.replace("\\%", "%").strip().rstrip(".").strip()
    if text.endswith("%"):
        text = text[:-1].strip()
    # Mixed numbers: "17 1/2 cups", "2 and 1/2" -> "35/2 cups", "5/2" (proper fraction part only).
    text = _MIXED_RE.sub(_improper, text)
    # Alternatives: "x=3 or x=2" -> "x=3,x=2"; "and" joins only equations ("x=1 and y=2").
    text = re.sub(r"\s+or\s+", ",", text)
    if "=" in text:
        text = re.sub(r",?\s+and\s+", ",", text)
    # Units: only a trailing run of alphabetic words after a number ("5 candy bars" -> "5").
    text = _strip_units(text)
    # Thousands separators in a lone number: "1,000" -> "1000" (a list "1, 000" is left alone).
    if _GROUPED_RE.fullmatch(text) and not text.lstrip("-+").startswith("0,"):
        text = text.replace(",", "")
    # Whitespace, then shorthand fractions/roots: \frac12 -> \frac{1}{2}, \sqrt2 -> \sqrt{2}.
    # (one space stays between a command and a letter: "\\ne x" is not "\\nex").
    text = re.sub(r"(\\[A-Za-z]+)\s+(?=[A-Za-z])", "\\1\0", text)
    text = re.sub(r"\s+", "", text).replace("\0", " ")
    text = re.sub(r"\\frac(\d)(\d)", r"\\frac{\1}{\2}", text)
    text = re.sub(r"\\frac(\d)\{", r"\\frac{\1}{", text)
    text = re.sub(r"\\frac(\{[^{}]*\})(\d)", r"\\frac\1{\2}", text)
    text = re.sub(r"\\sqrt(\d)", r"\\sqrt{\1}", text)
    # Bases and signs: "1011_{2}" -> "1011_2", "+\\infty" -> "\\infty", "(C)" -> "C".
    text = re.sub(r"_\{(\w+)\}", r"_\1", text)
    text = re.sub(r"^\+(?=\\infty)", "", text)
    text = re.sub(r"^\(([A-Za-z])\)$", r"\1", text)
    # Matrices: bmatrix and [\begin{array}{cc}…\end{array}] -> pmatrix, no empty last row.
    text = text.replace("{bmatrix}", "{pmatrix}").replace("\\\\\\end{", "\\end{")
    text = _ARRAY_RE.sub(r"\\begin{pmatrix}\1\\end{pmatrix}", text)
    text = re.sub(r"^\((\\begin\{pmatrix\}.*\\end\{pmatrix\})\)$", r"\1", text)
    # A LaTeX mixed number standing alone: "4\frac{2}{3}" -> "14/3" (proper fraction part only).
    text = _LATEX_MIXED_RE.sub(_improper, text)
    # A trailing sentence period.
    return text.rstrip(".")


def _improper(match: re.Match[str]) -> str:
    """ "17 1/2" -> "35/2" when the fraction is proper; anything else unchanged."""
    sign, whole, num, den = (
        match.group(1),
        int(match.group(2)),
        int(match.group(3)),
        int(match.group(4)),
    )
    if not 0 < num < den:
        return match.group(0)
    return f"{sign}{whole * den + num}/{den}"


def _base_value(match: re.Match[str]) -> int | None:
    """Value of a number written in a base ("1011_2" -> 11), None if the digits don't fit."""
    try:
        return int(match.group(1), int(match.group(2)))
    except ValueError:
        return None


def _has_degree(raw: str) -> bool:
    """Whether the raw answer is marked as degrees ("60°", "60^\\circ")."""
    return _DEGREE_RE.search(raw) is not None


def _matrix(text: str) -> list[list[str]] | None:
    """Cells of a `\\begin{pmatrix}…\\end{pmatrix}` (after normalisation), else None."""
    match = _MATRIX_RE.fullmatch(text)
    if match is None or match.group(1) == "vmatrix" or "\\begin{" in match.group(2):
        return None  # a determinant, or an expression of several matrices
    return [row.split("&") for row in match.group(2).split("\\\\")]


def _has_percent(raw: str) -> bool:
    """Whether the raw answer carries a percent sign or the word "percent"."""
    return _PERCENT_RE.search(raw) is not None


def _simple_number(text: str) -> float | None:
    """A plain signed int/decimal, else None."""
    return float(text) if _DECIMAL_RE.fullmatch(text) else None


def _to_number(text: str) -> float | None:
    """Value of a normalised number: int, decimal, `a/b`, `\\frac{a}{b}` (signed); else None."""
    value = _simple_number(text)
    if value is not None:
        return value
    for pattern in (_SLASH_RE, _FRAC_RE):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        num, den = _simple_number(match.group(2)), _simple_number(match.group(3))
        if num is None or den is None or den == 0:
            return None
        return (-1.0 if match.group(1) == "-" else 1.0) * num / den
    return None


def _rounded_to(decimal: str, exact: float) -> bool:
    """Whether `decimal`, written with two or more decimals, is `exact` rounded to as many
    ("0.33" for 1/3, "2.6667" for 8/3; "0.3" is too coarse to count)."""
    match = re.fullmatch(r"[-+]?\d*\.(\d{2,})", decimal)
    if match is None:
        return False
    places = len(match.group(1))
    return math.isclose(round(exact, places), float(decimal), rel_tol=0, abs_tol=10**-places / 2)


def _numbers_close(a: float, b: float, a_percent: bool, b_percent: bool) -> bool:
    """Numeric equality within REL_TOL; a percent side may also mean its value / 100."""
    a_values = (a, a / 100) if a_percent else (a,)
    b_values = (b, b / 100) if b_percent else (b,)
    return any(math.isclose(x, y, rel_tol=REL_TOL) for x in a_values for y in b_values)


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside (), [] or {}."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _encloses(text: str) -> bool:
    """Whether the bracket opening `text` is closed by its last character (not earlier)."""
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _sequence(text: str) -> tuple[str, bool, list[str]] | None:
    """(bracket kind, ordered?, elements) for a tuple/interval/set/comma list, else None."""
    if len(text) >= 2 and text[0] in _OPENERS and text[-1] in ")]}" and _encloses(text):
        kind = text[0] + text[-1]
        inner = text[1:-1]
        if kind == "{}":
            return "set", False, _split_top_level(inner)
        parts = _split_top_level(inner)
        if len(parts) == 1 and ";" in inner:  # "(0;-2;6)": semicolons separate the coordinates
            parts = inner.split(";")
        return kind, True, parts
    parts = _split_top_level(text)
    if len(parts) >= 2:
        return "set", False, parts  # a bare list "1, 2" is the set {1, 2}
    return None


def _match_elements(preds: Sequence[str], golds: Sequence[str], ordered: bool) -> bool:
    """Element-wise equivalence, in order or as multisets (greedy matching)."""
    if not ordered:  # a set: repeated elements count once
        preds, golds = list(dict.fromkeys(preds)), list(dict.fromkeys(golds))
    if len(preds) != len(golds):
        return False
    if ordered:
        return all(_equiv(p, g) for p, g in zip(preds, golds, strict=True))
    unused = list(preds)
    for gold in golds:
        for i, pred in enumerate(unused):
            if _equiv(pred, gold):
                del unused[i]
                break
        else:
            return False
    return True


Interval = tuple[str, str, bool, bool]  # low, high, low closed, high closed


def _negated(text: str) -> str:
    if text.startswith("-"):
        return text[1:]
    return f"-{text}" if _to_number(text) is not None else f"-({text})"


def _bound(variable_side: str, op: str, other: str) -> tuple[str, str, str] | None:
    """(variable, op, value) with the variable on the left: "5\\ge x" -> ("x", "\\le", "5");
    "-x>-1" -> ("x", "<", "1"). None unless one side is a lone (possibly negated) variable."""
    for var_side, rel, value in ((variable_side, op, other), (other, _FLIP[op], variable_side)):
        negative = var_side.startswith("-")
        name = var_side[1:] if negative else var_side
        if _VARIABLE_RE.fullmatch(name) and name not in value:
            return (name, _FLIP[rel], _negated(value)) if negative else (name, rel, value)
    return None


def _relation(text: str) -> tuple[str, Interval | str] | None:
    """A one-variable condition as ("interval", (low, high, closed…)) or ("ne", value):
    "x\\ge 5" -> [5, oo); "5\\ge x" -> (-oo, 5]; "-2\\le x\\le 7" and "x\\in[-2,7]" -> [-2, 7];
    "x\\ne 3" -> ("ne", "3"). Two sides that are not a lone variable and a value: ("rel", the
    relation written with < or \\le, sides swapped so). None when `text` has no relation."""
    if match := _IN_RE.fullmatch(text):
        interval = _as_interval(match.group(2))
        return ("interval", interval) if interval else None
    parts = [part.strip() for part in _REL_SPLIT_RE.split(text)]
    if len(parts) == 3:
        left, op, right = parts
        bound = _bound(left, op, right)
        if bound is None:
            if op in (">", "\\ge"):
                left, op, right = right, _FLIP[op], left
            return "rel", f"{left}{op}{right}"
        _, op, value = bound
        if op == "\\ne":
            return "ne", value
        if op in ("<", "\\le"):
            return "interval", (f"-{_INFINITY}", value, False, op == "\\le")
        return "interval", (value, _INFINITY, op == "\\ge", False)
    if len(parts) == 5:
        low, op1, name, op2, high = parts
        if not _VARIABLE_RE.fullmatch(name) or {op1, op2} & {"\\ne"}:
            return None
        if op1 in (">", "\\ge") and op2 in (">", "\\ge"):
            low, op1, op2, high = high, _FLIP[op2], _FLIP[op1], low
        if op1 in ("<", "\\le") and op2 in ("<", "\\le"):
            return "interval", (low, high, op1 == "\\le", op2 == "\\le")
    return None


def _as_interval(text: str) -> Interval | None:
    """An interval written out: "[-2,7)" -> ("-2", "7", True, False); else None."""
    seq = _sequence(text)
    if seq and seq[0] in _INTERVALS and len(seq[2]) == 2:
        return seq[2][0], seq[2][1], seq[0][0] == "[", seq[0][1] == "]"
    return None


def _relations_equiv(pred: str, gold: str) -> bool | None:
    """Conditions on one variable compared as intervals (a relation against an interval too);
    None when neither side is a relation."""
    pr, gr = _relation(pred), _relation(gold)
    if pr is None and gr is None:
        return None
    # A relation against an interval written out: "x \\ge 5" vs "[5, \\infty)".
    if pr is None and gr[0] == "interval" and (interval := _as_interval(pred)):
        pr = ("interval", interval)
    if gr is None and pr[0] == "interval" and (interval := _as_interval(gold)):
        gr = ("interval", interval)
    if pr is None or gr is None or pr[0] != gr[0]:
        return None
    if pr[0] == "interval":
        (pl, ph, plc, phc), (gl, gh, glc, ghc) = pr[1], gr[1]
        return plc == glc and phc == ghc and _equiv(pl, gl) and _equiv(ph, gh)
    if pr[0] == "ne":
        return _equiv(pr[1], gr[1])
    return pr[1] == gr[1] or None


def _equiv(pred: str, gold: str, pred_percent: bool = False, gold_percent: bool = False) -> bool:
    """Equivalence of two already normalised answers (rules in the module docstring)."""
    if pred == gold:
        return True
    if not pred or not gold:
        return False
    if _PLAIN_WORDS_RE.fullmatch(pred) and _PLAIN_WORDS_RE.fullmatch(gold):
        # Words compare case-insensitively ("Yes" / "yes"); single letters are case-sensitive.
        return sum(c.isalpha() for c in gold) >= 3 and pred.lower() == gold.lower()
    pred_value, gold_value = _to_number(pred), _to_number(gold)
    if pred_value is not None and gold_value is not None:
        return _numbers_close(pred_value, gold_value, pred_percent, gold_percent) or (
            _rounded_to(pred, gold_value) and _simple_number(gold) is None
        )
    # A decimal comma against a number: "1000,99" == "1000.99" (two comma forms are lists).
    for comma, number in ((pred, gold_value), (gold, pred_value)):
        if number is not None and _DECIMAL_COMMA_RE.fullmatch(comma):
            return math.isclose(float(comma.replace(",", ".")), number, rel_tol=REL_TOL)
    if (verdict := _relations_equiv(pred, gold)) is not None:
        return verdict
    # A chain "x = 5+5+1 = 11" states its last member.
    if pred.count("=") >= 2 and len(_split_top_level(pred)) == 1 and not _REL_SPLIT_RE.search(pred):
        return _equiv(pred.rsplit("=", 1)[1], gold, pred_percent, gold_percent)
    if (pm := _VAR_EQ_RE.fullmatch(pred)) and (gm := _VAR_EQ_RE.fullmatch(gold)):
        return _equiv(pm.group(1), gm.group(1), pred_percent, gold_percent)
    if "=" in pred and "=" not in gold and (match := _VAR_EQ_RE.fullmatch(pred)):
        return _equiv(match.group(1), gold, pred_percent, gold_percent)
    if "=" in gold and "=" not in pred and (match := _VAR_EQ_RE.fullmatch(gold)):
        return _equiv(pred, match.group(1), pred_percent, gold_percent)
    if (pb := _BASE_RE.fullmatch(pred)) and (gb := _BASE_RE.fullmatch(gold)):
        return _base_value(pb) is not None and _base_value(pb) == _base_value(gb)
    pred_seq, gold_seq = _sequence(pred), _sequence(gold)
    if pred_seq is not None and gold_seq is not None:
        if pred_seq[0] == gold_seq[0]:
            return _match_elements(pred_seq[2], gold_seq[2], ordered=pred_seq[1])
        if pred_seq[0] in _INTERVALS and gold_seq[0] in _INTERVALS:
            return False  # (2,5] is not [2,5): tuples and intervals keep their brackets
    if pred.count("=") == 1 and gold.count("=") == 1:
        verdict = equation_equivalent(pred, gold)
        if verdict is not None:
            return verdict
    pred_cells, gold_cells = _matrix(pred), _matrix(gold)
    if pred_cells is not None and gold_cells is not None:
        return [len(r) for r in pred_cells] == [len(r) for r in gold_cells] and all(
            _equiv(p, g)
            for pr, gr in zip(pred_cells, gold_cells, strict=True)
            for p, g in zip(pr, gr, strict=True)
        )
    has_matrix = "\\begin{" in pred or "\\begin{" in gold  # sums, products: symbolic only
    verdict = None if has_matrix else numeric_equivalent(pred, gold)
    if verdict is not None:
        return verdict
    if len(pred) > _SYMBOLIC_MAX_CHARS or len(gold) > _SYMBOLIC_MAX_CHARS:
        return False
    return default_checker().equivalent(pred, gold)


def is_equiv(pred: str | None, gold: str) -> bool:
    """Whether prediction `pred` means the same answer as `gold` (None is never correct)."""
    if pred is None:
        return False
    pred_norm, gold_norm = normalize(pred), normalize(gold)
    if _equiv(pred_norm, gold_norm, _has_percent(pred), _has_percent(gold)):
        return True
    # Degrees against radians: "60°" == "\\frac{\\pi}{3}" (only when the other side has a pi).
    for deg_raw, deg, rad in ((pred, pred_norm, gold_norm), (gold, gold_norm, pred_norm)):
        if _has_degree(deg_raw) and "\\pi" in rad and (value := _to_number(deg)) is not None:
            return numeric_equivalent(f"{value!r}*\\pi/180", rad) is True
    return False


class Graded(NamedTuple):
    extracted: str | None  # the final answer found in the completion
    correct: bool
    extracted_by: str  # the extraction rule that found it (`extract.extract`), or "none"


def grade(completion: str, gold: str, bench: str) -> Graded:
    """Extract the answer of `completion` for benchmark `bench` and grade it against `gold`."""
    if bench not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {bench!r}; known benchmarks: {', '.join(BENCHMARKS)}")
    extracted, by = extract(completion)
    return Graded(extracted, is_equiv(extracted, gold), by)


def _checked_row(record: dict[str, Any], where: str) -> None:
    """Validate one CLI input row's field types; DataError naming `where` and the field."""
    row_id = record["id"]
    if isinstance(row_id, bool) or not isinstance(row_id, (str, int)):
        got = type(row_id).__name__
        raise DataError(f"{where}: field 'id' must be a string or an int, got {got}")
    for key in ("benchmark", "prediction"):
        if not isinstance(record[key], str):
            got = type(record[key]).__name__
            raise DataError(f"{where}: field {key!r} must be a string, got {got}")
    gold = record["gold"]
    if isinstance(gold, bool) or not isinstance(gold, (str, int, float)):
        got = type(gold).__name__
        raise DataError(f"{where}: field 'gold' must be a string or a number, got {got}")
    if record["benchmark"] not in BENCHMARKS:
        raise DataError(
            f"{where}: field 'benchmark' is {record['benchmark']!r}; "
            f"known benchmarks: {', '.join(BENCHMARKS)}"
        )


def grade_file(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Grade the `{id, benchmark, prediction, gold}` rows of a JSONL file (DataError: bad row)."""
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    required = ("id", "benchmark", "prediction", "gold")
    for lineno, record in read_jsonl(path, required=required):
        where = f"{path}:{lineno}"
        _checked_row(record, where)
        key = (record["benchmark"], str(record["id"]))
        if key in seen:
            raise DataError(f"{where}: duplicate id {key[1]!r} for {key[0]} (line {seen[key]})")
        seen[key] = lineno
        bench = record["benchmark"]
        reference = reference_answer(bench, record["gold"], where, key="gold")
        graded = grade(record["prediction"], reference, bench)
        rows.append({**record, "reference": reference, **graded._asdict()})
    if not rows:
        raise DataError(f"{path}: no rows to grade")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: grade a JSONL file of predictions; 0 on success, 2 on bad input."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m jiuzhang.evaluation.grade",
        description="Grade {id, benchmark, prediction, gold} JSONL rows "
        f"(grader version {GRADER_VERSION}).",
    )
    parser.add_argument("--input", required=True, type=Path, help="JSONL rows to grade")
    parser.add_argument("--output", required=True, type=Path, help="graded JSONL (atomic write)")
    args = parser.parse_args(argv)
    try:
        rows = grade_file(args.input)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with log_to(None):
        write_jsonl(args.output, rows)
        correct = sum(row["correct"] for row in rows)
        logger.info("graded %d rows, %d correct -> %s", len(rows), correct, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
