r"""Fast in-process equivalence of LaTeX expressions by evaluation (no SymPy).

A small recursive-descent parser reads the LaTeX most answers use (numbers, `+ - * /`, `\cdot`,
`\times`, `\div`, implicit products such as `2\sqrt{3}` and `3x`, `^`, `\frac`, `\sqrt`,
`\sqrt[n]{}`, `\pi`, `e`, `!`, `\sin` … `\ln`, `\log`, parentheses and braces, single-letter
variables) into a function of its variables. Two expressions are equivalent when they have the
same variables and agree at several fixed sample points (rational-function identities are caught
this way with overwhelming probability, Schwartz-Zippel), e.g. `(x+1)^2` vs `x^2+2x+1`,
`\frac{\sqrt{3}}{2}` vs `\frac12\sqrt3`. Anything outside that language returns None, and the
caller falls back to the SymPy check. Evaluation is bounded: exponents above 1000 in magnitude,
factorials above 170, non-finite or complex values all give None, so nothing here can stall.
"""

from __future__ import annotations

import cmath
import math
import re
from collections.abc import Callable
from typing import Any

__all__ = ["compile_expr", "equation_equivalent", "numeric_equivalent"]

Fn = Callable[[dict[str, float]], Any]
REL_TOL = 1e-9
_POINTS = (
    {"a": 0.7312, "b": 1.4142, "c": -0.5771, "x": 0.8173, "y": -1.2361, "z": 2.3026},
    {"a": -1.3817, "b": 0.3333, "c": 1.7728, "x": 1.9319, "y": 0.6180, "z": -0.4343},
    {"a": 2.2361, "b": -0.7071, "c": 0.2718, "x": -0.3679, "y": 1.1547, "z": 0.9003},
)
_VARIABLES = frozenset("abcdfghjkmnpqrstuvwxyz")  # not e (Euler), i (imaginary), l/o (digits)
Value = float | complex
_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "ln": math.log,
    "log": math.log10,
    "exp": math.exp,
}
_TOKEN_RE = re.compile(r"\s*(\d+\.?\d*|\.\d+|\\[A-Za-z]+|[A-Za-z]|\S)")
_DROP_RE = re.compile(r"\\(?:left|right|displaystyle)(?![A-Za-z])|\\[,;:! ]|~")


class _Unsupported(Exception):
    """The text is outside the language this module evaluates."""


def _tokens(text: str) -> list[str]:
    text = _DROP_RE.sub(" ", text).replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    pos, out = 0, []
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            break
        out.append(match.group(1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.toks = tokens
        self.i = 0
        self.names: set[str] = set()

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise _Unsupported(f"expected {expected!r}, got {tok!r}")
        self.i += 1
        return tok

    def expr(self) -> Fn:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term()
            left = _bin(left, right, op)
        return left

    def term(self) -> Fn:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok in ("*", "/", "\\cdot", "\\times", "\\div"):
                self.take()
                left = _bin(left, self.unary(), "/" if tok in ("/", "\\div") else "*")
            elif tok is not None and self._starts_atom(tok):
                left = _bin(left, self.power(), "*")  # implicit product: 2\sqrt{3}, 3x
            else:
                return left

    def unary(self) -> Fn:
        if self.peek() == "-":
            self.take()
            inner = self.unary()
            return lambda env: -inner(env)
        if self.peek() == "+":
            self.take()
        return self.power()

    def _starts_atom(self, tok: str) -> bool:
        if tok in ("(", "{") or tok[0].isdigit() or tok[0] == ".":
            return True
        if tok.startswith("\\"):
            return tok[1:] in ("frac", "sqrt", "pi") or tok[1:] in _FUNCTIONS
        return len(tok) == 1 and tok.isalpha()

    def power(self) -> Fn:
        base = self.atom()
        while self.peek() in ("^", "!"):
            if self.take() == "!":
                base = _factorial(base)
                continue
            exponent = self.group() if self.peek() in ("{", "(") else self.atom()
            base = _pow(base, exponent)
        return base

    def group(self) -> Fn:
        close = {"{": "}", "(": ")"}[self.take()]
        inner = self.expr()
        self.take(close)
        return inner

    def atom(self) -> Fn:
        tok = self.peek()
        if tok is None:
            raise _Unsupported("unexpected end")
        if tok in ("{", "("):
            return self.group()
        self.take()
        if tok[0].isdigit() or tok[0] == ".":
            value = float(tok)
            return lambda env: value
        if tok == "\\frac":
            num, den = self.group_required(), self.group_required()
            return _bin(num, den, "/")
        if tok == "\\sqrt":
            index: Fn | None = None
            if self.peek() == "[":
                self.take()
                index = self.expr()
                self.take("]")
            radicand = self.group_required() if self.peek() == "{" else self.atom()
            return _root(radicand, index)
        if tok == "\\pi":
            return lambda env: math.pi
        if tok.startswith("\\") and tok[1:] in _FUNCTIONS:
            fn = _FUNCTIONS[tok[1:]]
            arg = self.power()
            return lambda env: fn(arg(env))
        if tok == "e":
            return lambda env: math.e
        if tok == "i":
            return lambda env: 1j
        if len(tok) == 1 and tok in _VARIABLES:
            self.names.add(tok)
            return lambda env: env[tok]
        raise _Unsupported(f"token {tok!r}")

    def group_required(self) -> Fn:
        """A braced argument, or one character as in `\\frac12` and `\\frac1x`."""
        tok = self.peek()
        if tok == "{":
            return self.group()
        if tok is not None and tok.isdigit() and len(tok) > 1:
            self.toks[self.i : self.i + 1] = [tok[0], tok[1:]]  # split "12" into "1", "2"
        elif tok is None or len(tok) != 1 or not tok.isalnum():
            raise _Unsupported("bad \\frac argument")
        return self.atom()


def _bin(left: Fn, right: Fn, op: str) -> Fn:
    if op == "+":
        return lambda env: left(env) + right(env)
    if op == "-":
        return lambda env: left(env) - right(env)
    if op == "*":
        return lambda env: left(env) * right(env)
    return lambda env: left(env) / right(env)


def _pow(base: Fn, exponent: Fn) -> Fn:
    def fn(env: dict[str, float]) -> float:
        e = exponent(env)
        if abs(e) > 1000:
            raise _Unsupported("exponent too large")
        b = base(env)
        if isinstance(e, complex) or (isinstance(b, complex) and e != int(e)):
            raise _Unsupported("complex power")
        value = b**e
        if isinstance(value, complex) and not isinstance(b, complex):
            raise _Unsupported("complex value of a real power")
        return value

    return fn


def _root(radicand: Fn, index: Fn | None) -> Fn:
    def fn(env: dict[str, float]) -> float:
        value = radicand(env)
        n = 2.0 if index is None else index(env)
        if isinstance(value, complex):
            raise _Unsupported("root of a complex number")
        if value < 0:
            if n % 2 == 1:
                return -((-value) ** (1 / n))
            raise _Unsupported("root of a negative number")
        return value ** (1 / n)

    return fn


def _factorial(inner: Fn) -> Fn:
    def fn(env: dict[str, float]) -> float:
        value = inner(env)
        if isinstance(value, complex) or value != int(value) or not 0 <= value <= 170:
            raise _Unsupported("factorial argument")
        return float(math.factorial(int(value)))

    return fn


def compile_expr(text: str) -> tuple[Fn, frozenset[str]] | None:
    """(function of the variables, variable names) for `text`, or None if unsupported."""
    if len(text) > 300 or not text.strip():
        return None
    parser = _Parser(_tokens(text))
    try:
        fn = parser.expr()
        if parser.peek() is not None:
            return None
    except (_Unsupported, ValueError, KeyError):
        return None
    return fn, frozenset(parser.names)


def _values(fn: Fn) -> list[Value] | None:
    out = []
    for point in _POINTS:
        try:
            value = fn(point)
        except (_Unsupported, ArithmeticError, ValueError, KeyError):
            return None
        if not cmath.isfinite(value):
            return None
        out.append(value)
    return out


def _close(a: list[Value], b: list[Value]) -> bool:
    return all(
        abs(x - y) <= max(REL_TOL * max(abs(x), abs(y)), 1e-12) for x, y in zip(a, b, strict=True)
    )


def numeric_equivalent(pred: str, gold: str) -> bool | None:
    """True/False when both sides evaluate (same variables); None when either is unsupported."""
    a, b = compile_expr(pred), compile_expr(gold)
    if a is None or b is None:
        return None
    if a[1] != b[1]:
        return False if a[1] and b[1] else None
    va, vb = _values(a[0]), _values(b[0])
    if va is None or vb is None:
        return None
    return _close(va, vb)


def equation_equivalent(pred: str, gold: str) -> bool | None:
    """`l1 = r1` vs `l2 = r2`: True when l1 - r1 is a nonzero constant multiple of l2 - r2 (the
    same equation rearranged or scaled: `y=-x/2+3/4` vs `2x+4y-3=0`); None if either side is
    unsupported."""
    (pl, pr), (gl, gr) = pred.split("=", 1), gold.split("=", 1)
    a, b = compile_expr(f"({pl})-({pr})"), compile_expr(f"({gl})-({gr})")
    if a is None or b is None or a[1] != b[1]:
        return None
    va, vb = _values(a[0]), _values(b[0])
    if va is None or vb is None:
        return None
    if _close(va, vb):
        return True
    pivot = max(range(len(vb)), key=lambda i: abs(vb[i]))
    if abs(vb[pivot]) < 1e-9 or abs(va[pivot]) < 1e-9:
        return False
    factor = va[pivot] / vb[pivot]
    return _close(va, [factor * v for v in vb])
