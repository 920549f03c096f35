#!/usr/bin/env python3
"""Build ``latex_cases.jsonl``: labelled grading cases for LaTeX answers outside ``\\boxed{}``.

Same row format as ``cases.jsonl`` (id, benchmark, prediction, gold, label, kind, reference).
Every case is written here by hand: a gold answer, then completions whose final answer is an
equivalent rewrite (label true) or a deliberately different answer (label false). Labels are
fixed by how each case is built, before any grader ran. Each completion opens with a line of
working that mentions other numbers, so a grader that falls back to "the last number" on the
wrong line misses it.

Kinds (what the final answer looks like):

* ``latex/math-span``: the answer is the last math-mode span ($..$, \\(..\\), \\[..\\], $$..$$),
  with malformed \\frac3{3}, \\sqrt3, \\cfrac;
* ``latex/minerva``: "Final Answer: The final answer is $X$. I hope it is correct.";
* ``latex/relation``: \\geq vs >=, sides swapped, both sides negated, \\neq vs !=;
* ``latex/membership``: x \\in [a, b] vs [a, b] vs a \\le x \\le b;
* ``latex/matrix``: pmatrix / bmatrix / \\left[\\begin{array}..\\right], sums and products;
* ``latex/interval``: intervals and tuples in math mode;
* ``latex/equation``: an equation rearranged or scaled by a nonzero factor;
* ``latex/identity``: trigonometric and radical identities;
* ``latex/choice``: a choice letter or a word, bare, in \\text{} or in parentheses;
* ``latex/multi``: several boxed answers vs a list;
* ``latex/approx``: x \\approx 11 vs 11;
* ``latex/decimal-comma``: 1000,99 vs 1000.99;
* ``gold/*``: golds in a forgiving form (MATH's bare answer, SVAMP/MAWPS numeric strings).

Regenerate with:  python tests/data/grading/build_latex_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "latex_cases.jsonl"
LEAD = "We start from the 3 given facts and the 12 values in the table, then simplify.\n"

# (kind, benchmark, gold, [equivalent final lines], [different final lines])
CASES: list[tuple[str, str, str, list[str], list[str]]] = [
    ("latex/math-span", "math", r"\boxed{\frac{x+2}{7}}",
     [r"So the result is $\frac{x}{7}+\frac{2}{7}$", r"Hence \( \frac{x+2}{7} \)",
      r"Therefore<NL>\[ \frac{x+2}{7} \]", r"The quotient is $$\frac{1}{7}(x+2)$$"],
     [r"So the result is $\frac{x}{7}+\frac{3}{7}$", r"Hence \( \frac{x+2}{8} \)"]),
    ("latex/math-span", "math", r"\boxed{10}",
     [r"Answer \( (9+1) \)", r"This gives $ 10 $", r"which is $5\cdot 2$"],
     [r"Answer \( (9+2) \)", r"This gives $ 100 $"]),
    ("latex/math-span", "math", r"\boxed{\sqrt{3}}",
     [r"The length is $\sqrt3 $", r"The length is $\sqrt{3}$", r"The length is $3^{1/2}$"],
     [r"The length is $\sqrt2 $", r"The length is $\frac{\sqrt{3}}{2}$"]),
    ("latex/math-span", "math", r"\boxed{\frac{1}{3}}",
     [r"The probability is $\cfrac{1}{3}$", r"The probability is $\frac13$",
      r"The probability is $\dfrac{2}{6}$"],
     [r"The probability is $\cfrac{1}{4}$", r"The probability is $\frac31$"]),
    ("latex/math-span", "math", r"\boxed{1}",
     [r"The ratio is $\frac3{3}$", r"The ratio is $\frac{3}{3}$"],
     [r"The ratio is $\frac3{4}$"]),
    ("latex/math-span", "math-oai", r"\boxed{2-2p}",
     [r"Thus $x-p=2-2p$.", r"so the difference is $-2p+2$"],
     [r"Thus $x-p=2-p$.", r"so the difference is $2p-2$"]),
    ("latex/minerva", "math", r"\boxed{10455}",
     [r"Final Answer: The final answer is $10,455$. I hope it is correct.",
      r"Final Answer: The final answer is $10455$. I hope it is correct."],
     [r"Final Answer: The final answer is $10,454$. I hope it is correct."]),
    ("latex/minerva", "math", r"\boxed{28\%}",
     [r"Final Answer: The final answer is $28 \%$. I hope it is correct."],
     [r"Final Answer: The final answer is $72 \%$. I hope it is correct."]),
    ("latex/minerva", "math", r"\boxed{\frac{14}{3}}",
     [r"Final Answer: The final answer is $\frac{14}{3}$. I hope it is correct.",
      r"Final Answer: The final answer is $4\frac{2}{3}$. I hope it is correct."],
     [r"Final Answer: The final answer is $\frac{13}{3}$. I hope it is correct."]),
    ("latex/relation", "math", r"\boxed{x \geq 5}",
     [r"The solution set is $x >= 5$", r"so $5 \leq x$", r"so $x\ge 5$", r"Thus $-x \le -5$"],
     [r"The solution set is $x > 5$", r"so $x \leq 5$", r"so $5 \geq x$"]),
    ("latex/relation", "math", r"\boxed{x < 1}",
     [r"Dividing by $-1$ flips it: $-x > -1$", r"so $1 > x$", r"so $x<1$"],
     [r"Dividing by $-1$ flips it: $-x < -1$", r"so $x \le 1$"]),
    ("latex/relation", "math", r"\boxed{x \neq 3}",
     [r"The domain is $x != 3$", r"The domain is $x \ne 3$", r"The domain is $3 \neq x$"],
     [r"The domain is $x \neq -3$", r"The domain is $x = 3$"]),
    ("latex/membership", "math", r"\boxed{[-2,7]}",
     [r"so $x \in [-2,7]$", r"so $-2 \le x \le 7$", r"so $x\in\left[-2, 7\right]$",
      r"so $7 \geq x \geq -2$"],
     [r"so $x \in (-2,7]$", r"so $-2 < x \le 7$", r"so $-2 \le x \le 8$"]),
    ("latex/membership", "math", r"\boxed{(0, \infty)}",
     [r"so $x > 0$", r"so $x \in (0,\infty)$", r"so $0 < x$"],
     [r"so $x \ge 0$", r"so $x \in [0,\infty)$"]),
    ("latex/matrix", "math", r"\boxed{\begin{pmatrix} 0 & 3 \\ 0 & -1 \end{pmatrix}}",
     [r"The matrix is $\begin{bmatrix} 0 & 3 \\ 0 & -1 \end{bmatrix}$",
      r"The matrix is $\left[\begin{array}{cc} 0 & 3 \\ 0 & -1 \end{array}\right]$",
      r"The matrix is $\begin{pmatrix} 0 & 1 \\ 0 & 0 \end{pmatrix}"
      r" + \begin{pmatrix} 0 & 2 \\ 0 & -1 \end{pmatrix}$",
      r"The matrix is $\begin{pmatrix} 0 & 3 \\ 0 & -1 \end{pmatrix}$."],
     [r"The matrix is $\begin{bmatrix} 0 & 3 \\ 0 & 1 \end{bmatrix}$",
      r"The matrix is $\begin{pmatrix} 3 & 0 \\ -1 & 0 \end{pmatrix}$"]),
    ("latex/matrix", "math", r"\boxed{\begin{pmatrix} 2 \\ 4 \end{pmatrix}}",
     [r"The vector is $2\begin{pmatrix} 1 \\ 2 \end{pmatrix}$",
      r"The vector is $\begin{pmatrix} 1 & 0 \\ 0 & 2 \end{pmatrix}"
      r"\begin{pmatrix} 2 \\ 2 \end{pmatrix}$",
      r"The vector is $\left[\begin{array}{c} 2 \\ 4 \end{array}\right]$"],
     [r"The vector is $\begin{pmatrix} 4 \\ 2 \end{pmatrix}$",
      r"The vector is $3\begin{pmatrix} 1 \\ 2 \end{pmatrix}$"]),
    ("latex/interval", "math", r"\boxed{[0,1)}",
     [r"The range is $[0,1)$", r"The range is \([0, 1)\)", r"The range is $\left[0,1\right)$"],
     [r"The range is $[0,1]$", r"The range is $(0,1)$", r"The range is $[0,9)$"]),
    ("latex/interval", "math", r"\boxed{(1,\frac{9}{2})}",
     [r"The point is $(1,4.5)$", r"The point is $\left(1, \frac92\right)$"],
     [r"The point is $(4.5,1)$", r"The point is $(1,4)$"]),
    ("latex/equation", "math", r"\boxed{y=-\frac{1}{2}x+\frac{3}{4}}",
     [r"The line is $2x+4y-3=0$", r"The line is $4y = 3 - 2x$", r"The line is $y=\frac{3-2x}{4}$"],
     [r"The line is $2x+4y+3=0$", r"The line is $y=-2x+\frac{3}{4}$"]),
    ("latex/equation", "math", r"\boxed{x^2+y^2=25}",
     [r"The circle is $y^2+x^2-25=0$", r"The circle is $2x^2+2y^2=50$"],
     [r"The circle is $x^2+y^2=5$", r"The circle is $x^2-y^2=25$"]),
    ("latex/identity", "math", r"\boxed{\sec^2(y)}",
     [r"It simplifies to $\tan^2(y)+1$", r"It simplifies to $\frac{1}{\cos^2 y}$"],
     [r"It simplifies to $\tan^2(y)-1$", r"It simplifies to $\sin^2(y)$"]),
    ("latex/identity", "math", r"\boxed{\sqrt{2}+\sqrt{3}}",
     [r"So the sum is $\sqrt{3}+\sqrt{2}$", r"So the sum is $\sqrt{5+2\sqrt{6}}$"],
     [r"So the sum is $\sqrt{5}$", r"So the sum is $\sqrt{5+\sqrt{6}}$"]),
    ("latex/choice", "math", r"\boxed{\text{E}}",
     [r"The correct option is $E$", r"The correct option is $\text{E}$",
      r"The correct option is (E)", r"The answer is E."],
     [r"The correct option is $D$", r"The correct option is (B)"]),
    ("latex/choice", "math", r"\boxed{\text{Evelyn}}",
     [r"Therefore $\text{Evelyn}$ is fastest.", r"The answer is Evelyn."],
     [r"Therefore $\text{Carla}$ is fastest."]),
    ("latex/multi", "math", r"\boxed{1,-2}",
     [r"The roots are $\boxed{-2}$ and $\boxed{1}$.", r"The roots are $\boxed{1, -2}$",
      r"The roots are $x=1$ or $x=-2$, so $\boxed{-2,1}$"],
     [r"The roots are $\boxed{-2}$ and $\boxed{2}$.", r"The roots are $\boxed{1}$"]),
    ("latex/approx", "math", r"\boxed{11}",
     [r"Rounding, $x\approx11$", r"so $x \approx 11$"],
     [r"Rounding, $x\approx12$"]),
    ("latex/decimal-comma", "math", r"\boxed{1000.99}",
     [r"The total is $1000,99$", r"The total is 1000,99."],
     [r"The total is $1000,98$"]),
    ("gold/bare-latex", "math", r"\frac{1}{2}",
     [r"so the probability is $\boxed{\frac{1}{2}}$", r"The answer is $0.5$."],
     [r"so the probability is $\boxed{\frac{1}{3}}$"]),
    ("gold/bare-latex", "math-oai", r"$\frac{\pi}{3}$",
     [r"so the angle is $\boxed{\frac{\pi}{3}}$", r"The answer is $60^\circ$."],
     [r"so the angle is $\boxed{\frac{\pi}{6}}$"]),
    ("gold/bare-latex", "math", r"(3, \frac{\pi}{2})",
     [r"the polar coordinates are $\boxed{\left( 3, \frac{\pi}{2} \right)}.$"],
     [r"the polar coordinates are $\boxed{\left( 3, \pi \right)}.$"]),
    ("gold/numeric-string", "svamp", "23",
     [r"So she has 23 left. The answer is 23.", r"The answer is 23.0."],
     [r"The answer is 22."]),
    ("gold/numeric-string", "mawps", "0.25",
     [r"The answer is 1/4.", r"The answer is 0.25."],
     [r"The answer is 0.5."]),
]  # fmt: skip


def build_rows() -> list[dict]:
    rows = []
    counts: dict[str, int] = {}
    for kind, bench, gold, same, different in CASES:
        for line, label in [(p, True) for p in same] + [(p, False) for p in different]:
            counts[bench] = counts.get(bench, 0) + 1
            rows.append({
                "id": f"latex-{bench}-{counts[bench]:04d}",
                "benchmark": bench,
                "prediction": LEAD + line.replace("<NL>", "\n"),
                "gold": gold,
                "label": label,
                "kind": kind,
                "reference": gold,
            })  # fmt: skip
    return rows


def main() -> None:
    rows = build_rows()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} cases -> {OUT}")


if __name__ == "__main__":
    main()
