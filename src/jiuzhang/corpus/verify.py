"""Cheap, model-free checks of a synthesized solution (quality filters of SPEC §2.4).

- `final answer`: the solution states one ("The answer is X", `\\boxed{X}`, ...).
- `arithmetic`: every plain arithmetic claim `expr = number` in the solution is true, where expr
  uses numbers, + - * / × ÷ and parentheses; evaluated exactly with fractions, never with eval().
- `grounding`: every number in the solution is given in the problem or produced by a true claim
  (no number appears from nowhere). Strict; meant for short word-problem corpora.
"""

from __future__ import annotations

import ast
import operator
import re
from fractions import Fraction
from typing import NamedTuple

_NUMBER = r"\d+(?:\.\d+)?"
_CLAIM = re.compile(
    rf"((?:[(\s]*-?{_NUMBER}[)\s]*[-+*/×÷])+[(\s]*-?{_NUMBER}[)\s]*)=\s*(-?{_NUMBER})(?!\d)"
)
_NUM = re.compile(rf"(?<![\w.]){_NUMBER}")
_FINAL = re.compile(r"\\boxed\s*\{|\\boxed\s+\S|answer is|####", re.IGNORECASE)
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _evaluate(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        right = _evaluate(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ZeroDivisionError
        return _OPS[type(node.op)](_evaluate(node.left), right)
    raise ValueError("not plain arithmetic")


class Claim(NamedTuple):
    """One `expr = result` statement of a solution."""

    expr: str
    written: str  # the result as written, e.g. "0.33"
    stated: Fraction
    value: Fraction | None  # the true value of expr; None when it is not plain arithmetic

    def holds(self) -> bool:
        """Exact, or equal after rounding to the decimals written (1/3 = 0.33 holds)."""
        if self.value is None:
            return False
        decimals = len(self.written.partition(".")[2])
        return self.value == self.stated or (
            decimals > 0 and round(self.value, decimals) == self.stated
        )


def claims(text: str) -> list[Claim]:
    """Every arithmetic claim in a text, with its true value."""
    found = []
    for match in _CLAIM.finditer(text):
        expr = match.group(1).replace("×", "*").replace("÷", "/").strip()
        try:
            value: Fraction | None = _evaluate(ast.parse(expr, mode="eval"))
        except (SyntaxError, ValueError, ZeroDivisionError):
            value = None
        found.append(Claim(expr, match.group(2), Fraction(match.group(2)), value))
    return found


def has_final_answer(solution: str) -> bool:
    """True when the solution states its result explicitly (boxed, "The answer is", "####")."""
    return _FINAL.search(solution) is not None


def arithmetic_ok(solution: str) -> bool:
    """True when every arithmetic claim in the solution holds."""
    return all(claim.holds() for claim in claims(solution))


def numbers(text: str) -> set[Fraction]:
    """The non-negative numbers written in a text."""
    return {Fraction(m) for m in _NUM.findall(text)}


def grounded(problem: str, solution: str) -> bool:
    """True when each number in the solution is in the problem or the result of a true claim."""
    known = numbers(problem) | {claim.stated for claim in claims(solution) if claim.holds()}
    return numbers(solution) <= known
