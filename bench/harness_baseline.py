"""A harness-style grader, rebuilt from SPEC §5.5-5.6 for comparison only (bench/grader.py).

It reproduces the behaviour of the original's `extract_answer` + `strip_string` + `math_equal`
(math-evaluation-harness lineage) as the SPEC describes it, bugs included (deleting every "and",
single-letter "units", last number splitting "2/3", numbers never falling back to symbolic
comparison), so our grader can be measured against what users of the original got. The symbolic
step uses latex2sympy2_extended (Math-Verify's parser) in place of the original's three parsers.
Not used by the pipeline.
"""

from __future__ import annotations

import math
import re

_UNITS = (
    "east degree mph kmph ft m sqaure sq m deg mile monkey prime ratio rd o gm lb tile per dm lt "
    "gain ab way west t a h men soldier pie bc excess st inches noon percent by gal kmh c acre "
    "rise th sq mark l toy coin gallon profit minw yr women feet am pm hr square are rupee rounds "
    "cubic cc mtr s ohm number day hour minute min second man woman sec cube mt mp hectare more "
    "unit rs kg g month km m cm mm apple liter loss yard pure year increase decrease d less "
    "Surface litre metre meter inch"
).split()
_UNIT_RES = [re.compile(rf"(^|\W)(?:{u}|{u}s)($|\W)") for u in _UNITS]


def _boxed(text: str) -> str | None:
    idx = text.rfind("boxed")
    if idx < 0:
        return None
    rest = text[idx + 5 :]
    if not rest.startswith("{"):
        return rest.split("$")[0].strip()
    depth = 0
    for i, ch in enumerate(rest):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return rest[1:i]
    return rest[1:]


def extract_answer(text: str) -> str:
    """SPEC §5.5 rules 3-6 and the final clean-up."""
    pred = _boxed(text)
    if pred is None and "he answer is" in text:
        pred = text.split("he answer is")[-1].strip()
    elif pred is None and "final answer is" in text:
        pred = text.split("final answer is")[-1].strip()
    elif pred is None:
        numbers = re.findall(r"-?\d*\.?\d+", text.replace(",", ""))
        pred = numbers[-1] if numbers else ""
    pred = re.sub(r"\n\s*", "", pred).lstrip(":").rstrip(".").rstrip("/")
    return strip_string(pred)


def strip_string(s: str) -> str:
    """SPEC §5.5 `strip_string`, in order (the steps that matter for grading)."""
    s = str(s).strip().replace("\n", "").rstrip(".").replace("\\!", "")
    s = re.sub(r"\\begin\{array\}\{.*?\}", r"\\begin{pmatrix}", s)
    s = s.replace("\\end{array}", "\\end{pmatrix}").replace("bmatrix", "pmatrix")
    s = s.replace("tfrac", "frac").replace("dfrac", "frac")
    s = s.replace("\\neq", "\\ne").replace("\\leq", "\\le").replace("\\geq", "\\ge")
    s = s.replace("\\left", "").replace("\\right", "").replace("\\{", "{").replace("\\}", "}")
    stripped = re.sub(r"\\text\{.*?\}$", "", s).strip()
    if stripped and stripped != s:
        s = stripped
    for _ in range(2):
        for unit_re in _UNIT_RES:
            candidate = unit_re.sub(r"\1\2", s)
            if candidate:
                s = candidate
    for token in ("^{\\circ}", "^\\circ", "\\$", "$", "\\(", "\\)"):
        s = s.replace(token, "")
    s = re.sub(r"\\text\{(.*?)\}", r"\1", s)
    for prefix in ("x=", "y=", "z=", "x\\in", "y\\in", "z\\in", "x\\to", "y\\to", "z\\to"):
        s = s.replace(prefix, "")
    s = s.replace("\\emptyset", "{}").replace("(-\\infty,\\infty)", "\\mathbb{R}")
    s = s.replace("\\%", "").replace("%", "").replace(" .", " 0.").replace("{.", "{0.")
    s = s.replace("infinity", "\\infty")
    if "\\infty" not in s:
        s = s.replace("inf", "\\infty")
    s = s.replace("and", "").replace("\\mathbf", "")
    s = re.sub(r"\\mbox\{.*?\}", "", s)
    if "j" in s and "i" not in s:
        s = s.replace("j", "i")
    s = re.sub(r"(\d+)\.0*([^\d])", r"\1\2", s)
    s = re.sub(r"(\d+)\.0*$", r"\1", s)
    if s.startswith("."):
        s = "0" + s
    if s.count("=") == 1 and len(s.split("=")[0]) <= 2:
        s = s.split("=")[1]
    s = re.sub(r"\\sqrt(\w)", r"\\sqrt{\1}", s).replace(" ", "")
    s = re.sub(r"\\frac(\d)(\d)", r"\\frac{\1}{\2}", s)
    if re.fullmatch(r"-?\d+/\d+", s):
        a, b = s.split("/")
        s = f"\\frac{{{a}}}{{{b}}}"
    return s


def _number(s: str) -> float | None:
    text = s.replace(",", "")
    scale = 1.0
    if text.endswith(("\\%", "%")):
        text, scale = text.rstrip("%").rstrip("\\"), 0.01
    try:
        return float(text) * scale
    except ValueError:
        return None


def _symbolic(a: str, b: str) -> bool:
    try:
        from latex2sympy2_extended import latex2sympy
        from sympy import N, simplify

        x, y = latex2sympy(a), latex2sympy(b)
        if x == y or simplify(x - y) == 0:
            return True
        return math.isclose(float(N(x)), float(N(y)), rel_tol=1e-4)
    except Exception:
        return False


def math_equal(pred: str, ref: str) -> bool:
    """SPEC §5.6 steps 1, 2, 4, 5 and 8."""
    if pred.strip().lower() == ref.strip().lower():
        return True
    p, r = _number(pred), _number(ref)
    if p is not None and r is not None:
        return any(math.isclose(p, v, rel_tol=1e-4) for v in (r / 100, r, r * 100))
    strip = str.maketrans("", "", "{}()")
    if pred.translate(strip).lower() == ref.translate(strip).lower():
        return True
    pair = re.compile(r"^[(\[].*[)\]]$")
    if pair.match(pred) and pair.match(ref):
        ps, rs = pred[1:-1].split(","), ref[1:-1].split(",")
        if len(ps) == len(rs) and all(
            math_equal(x.strip(), y.strip()) for x, y in zip(ps, rs, strict=True)
        ):
            return True
    return _symbolic(pred, ref)


def grade(completion: str, reference: str) -> tuple[str, bool]:
    """(extracted, correct) as the harness computed them; the reference is normalised too."""
    extracted = extract_answer(completion)
    return extracted, math_equal(extracted, strip_string(reference))
