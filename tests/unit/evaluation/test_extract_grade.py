"""Golden cases for answer extraction, normalisation and equivalence (no original-harness bugs)."""

from __future__ import annotations

import pytest

from jiuzhang.evaluation.extract import extract, extract_answer, last_boxed
from jiuzhang.evaluation.grade import GRADER_VERSION, grade, is_equiv, normalize


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        # boxed: last one wins, nested braces are balanced, bare "\boxed 5" form
        (r"First $\boxed{1}$, finally $\boxed{\frac{1}{\sqrt{2}}}$.", r"\frac{1}{\sqrt{2}}"),
        (r"so $\boxed{\{1, 2\}}$", r"\{1, 2\}"),
        (r"The result is $\boxed 5$.", "5"),
        (r"\fbox{42}", "42"),
        (r"\boxed{x=3} and a cut-off \boxed{1", "x=3"),  # an unclosed last box is skipped
        # "answer is" forms
        ("The answer is 9.", "9"),
        ("So the answer is: $905$.", "905"),
        ("the answer is 3.5 dollars. Next question", "3.5 dollars"),
        ("The final answer is $3.5$. I hope it is correct.", "3.5"),
        ("The answer is -12\nand some trailing text 7", "-12"),
        ("The answer is Mrs. Hilt.", "Mrs. Hilt"),
        # "####"
        ("She earns 500 + 500 = 1000\n#### 1,000", "1000"),
        # last-number fallback keeps signs, decimals, thousands and fractions
        ("so x = -3/4", "-3/4"),
        ("we get 1,234 apples", "1234"),
        ("the sum is 12.75 in total", "12.75"),
        (r"half is \frac{1}{2}", r"\frac{1}{2}"),
        (r"x equals -\frac{3}{4} here", r"-\frac{3}{4}"),
        ("from 3-4", "4"),  # a binary minus is not a sign
        ("it costs $5.", "5"),
    ],
)
def test_extract_answer(completion: str, expected: str) -> None:
    assert extract_answer(completion, "math") == expected


@pytest.mark.parametrize("completion", ["", "no numbers here", r"\boxed{}", "The answer is ."])
def test_extract_answer_none(completion: str) -> None:
    assert extract_answer(completion, "gsm8k") is None


def test_rule_order_boxed_before_answer_is_before_hashes() -> None:
    text = "The answer is 3.\n#### 4\n$\\boxed{5}$"
    assert extract_answer(text, "gsm8k") == "5"
    assert extract_answer("The answer is 3.\n#### 4", "gsm8k") == "3"
    assert extract_answer("#### 4\nthen 7", "gsm8k") == "4"


def test_bare_word_boxed_is_not_a_box() -> None:
    assert last_boxed("a lego boxed set with 500 pieces") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$905$", "905"),
        (r"130 \text{ grams}", "130"),
        (r"\dfrac{1}{2}", r"\frac{1}{2}"),
        (r"\tfrac12", r"\frac{1}{2}"),
        (r"\left( 3, \frac{\pi}{2} \right)", r"(3,\frac{\pi}{2})"),
        (r"10\%", "10"),
        (r"\$5", "5"),
        ("9 apples", "9"),
        ("5 candy bars", "5"),  # the original deleted "and": "5cybars"
        ("1,000", "1000"),
        (r"10,\!000", "10000"),
        (r"30^\circ", "30"),
        ("a+b", "a+b"),  # the original removed single-letter "units"
        ("a", "a"),
        ("5 m", "5m"),  # single letters are never treated as units
        ("3 pi", "3pi"),
        ("Rug B", "RugB"),
        (r"x \neq 4", r"x\ne4"),
        ("7.", "7"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        ("0.5", r"\frac{1}{2}"),
        (r"\dfrac{1}{2}", "1/2"),
        ("9 apples", "9"),
        (r"50\%", "50"),
        ("50%", "0.5"),
        ("(1,2)", "(1, 2)"),
        (r"(0.5, 1)", r"\left( \frac{1}{2}, 1 \right)"),
        (r"\{2, 1\}", r"\{1,2\}"),
        ("-1, 2", "2, -1"),
        ("34.0", "34"),
        ("1000", "1,000"),
        ("x=3", "3"),
        ("3", "y = 3"),
        ("Yes", "yes"),
        (r"- \frac { 2 } { 9 }", r"-\frac{2}{9}"),
        ("0.3333333333", r"\frac{1}{3}"),
        ("5 candy bars", "5"),
        ("a+b", "a+b"),
    ],
)
def test_equivalent(pred: str, gold: str) -> None:
    assert is_equiv(pred, gold)


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        ("9", "90"),
        ("1/2", "2/1"),
        ("-3", "3"),
        ("0.5", "50"),  # no percent sign anywhere: not the same number
        ("0.334", r"\frac{1}{3}"),  # 1/3 to three places is 0.333
        ("(1,2)", "(2,1)"),  # tuples are ordered
        ("(1,2]", "(1,2)"),  # interval ends matter
        ("(1,2)", "(1,2,3)"),
        ("a+b", "ab"),
        ("a", "A"),  # single letters stay case-sensitive
        ("", "0"),
    ],
)
def test_not_equivalent(pred: str, gold: str) -> None:
    assert not is_equiv(pred, gold)


def test_none_is_never_correct() -> None:
    assert not is_equiv(None, "5")
    assert grade("no answer here", "5", "gsm8k") == (None, False, "none")


def test_grade_returns_extracted_and_correct() -> None:
    graded = grade("So the answer is 5 candy bars.", "5", "gsm8k")
    assert graded == ("5 candy bars", True, "answer-phrase")
    assert graded.extracted_by == "answer-phrase"
    assert grade(r"Hence $\boxed{\dfrac{3}{4}}$.", "0.75", "math-oai")[:2] == (
        r"\dfrac{3}{4}",
        True,
    )
    assert grade("#### 1,000", "1000", "gsm8k") == ("1000", True, "hashes")
    assert grade("The answer is 9.", "90", "svamp") == ("9", False, "answer-phrase")


def test_grade_unknown_benchmark() -> None:
    with pytest.raises(ValueError, match="gsm8k"):
        grade("5", "5", "nope")


def test_grader_version_is_a_string() -> None:
    assert isinstance(GRADER_VERSION, str) and GRADER_VERSION


@pytest.mark.parametrize(
    ("completion", "answer", "by"),
    [
        (r"So $x = \boxed{3}$; the answer is 4.", "3", "boxed"),
        (r"We get $\boxed{-2}$ and $\boxed{1}$.", "-2,1", "boxed"),
        (r"$\boxed{-2} \quad \text{and} \quad \boxed{1}$", "-2,1", "boxed"),
        (r"First $\boxed{4}$. Then 2 more steps give $\boxed{6}$.", "6", "boxed"),
        ("The answer is 12 apples.", "12 apples", "answer-phrase"),
        (
            r"Half is $\boxed{255}$ so in all 10,455. Final Answer: The final answer is"
            r" $10,455$. I hope it is correct.",
            "10455",
            "answer-phrase",
        ),
        ("Step 1.\n#### 42", "42", "hashes"),
        (r"With 3 cases, the sum is $\frac{x}{7}+\frac{2}{7}$", r"\frac{x}{7}+\frac{2}{7}", "math"),
        (r"Answer \( (9+1) \)", "(9+1)", "math"),
        ("Therefore\n\\[ x \\geq 5 \\]", r"x \geq 5", "math"),
        ("so $x = 5$, and she has 12 apples", "12", "number"),
        ("From 3 options the right one is (E)", "E", "choice"),
        ("The total is 1000,99.", "1000,99", "number"),
        ("nothing here", None, "none"),
    ],
)
def test_extraction_rules_and_their_names(completion: str, answer: str | None, by: str) -> None:
    assert extract(completion) == (answer, by)


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        (r"x >= 5", r"x \geq 5"),
        (r"5 \leq x", r"x \ge 5"),
        ("-x > -1", "x < 1"),
        ("x != 3", r"x \neq 3"),
        (r"3 \ne x", r"x \neq 3"),
        (r"x \in [-2,7]", "[-2, 7]"),
        (r"-2 \le x \le 7", "[-2,7]"),
        (r"7 \geq x \geq -2", r"x \in [-2, 7]"),
        ("0 < x", r"(0, \infty)"),
        (r"\left[\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right]", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"),  # noqa: E501
        (r"2\begin{pmatrix} 1 \\ 2 \end{pmatrix}", r"\begin{bmatrix} 2 \\ 4 \end{bmatrix}"),
        ("2x+4y-3=0", r"y=-\frac{1}{2}x+\frac{3}{4}"),
        (r"\tan^2(y)+1", r"\sec^2(y)"),
        (r"\sqrt{5+2\sqrt{6}}", r"\sqrt{2}+\sqrt{3}"),
        (r"\text{E}", "E"),
        (r"x\approx11", "11"),
        (r"x = 5+5+1 = 11", "11"),
        ("1000,99", "1000.99"),
        ("0.33", r"\frac{1}{3}"),
        (r"4\frac{2}{3}", r"\frac{14}{3}"),
        ("(0;-2;6)", "(0, -2, 6)"),
        ("{(1,2),(3,4),(1,2)}", "(3,4),(1,2)"),
    ],
)  # fmt: skip
def test_latex_kinds_are_equivalent(pred: str, gold: str) -> None:
    assert is_equiv(pred, gold)


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        (r"x > 5", r"x \geq 5"),
        (r"5 \geq x", r"x \ge 5"),
        ("-x < -1", "x < 1"),
        (r"x \in (-2,7]", "[-2, 7]"),
        ("2x+4y+3=0", r"y=-\frac{1}{2}x+\frac{3}{4}"),
        (r"\tan^2(y)-1", r"\sec^2(y)"),
        ("1000,98", "1000.99"),
        ("2,1", "1.2"),
        ("0.3", r"\frac{1}{3}"),  # one decimal is too coarse to be a rounding
        ("0.34", r"\frac{1}{3}"),
        ("1,2", "2,1,3"),
    ],
)  # fmt: skip
def test_latex_near_misses_are_not_equivalent(pred: str, gold: str) -> None:
    assert not is_equiv(pred, gold)
