"""Unit tests for the tiny world: word-problem generator and embedded texts."""

from __future__ import annotations

import random
import re

import pytest

from jiuzhang.tiny.texts import TEXTBOOK_DOCS, WIKI_DOCS, WIKI_SUBSETS
from jiuzhang.tiny.world import WordProblem, sample_problem, sample_problems

SOLUTION_RE = re.compile(
    r"^We compute (?P<a>\d) (?P<op>[+-]) (?P<b>\d) = (?P<ans>\d+)\.\nThe answer is (?P=ans)\.$"
)


def test_same_seed_gives_identical_problems() -> None:
    assert sample_problems(200, 7) == sample_problems(200, 7)


def test_different_seeds_differ() -> None:
    assert sample_problems(50, 1) != sample_problems(50, 2)


def test_same_rng_state_gives_same_problem() -> None:
    rng = random.Random(3)
    state = rng.getstate()
    first = sample_problem(rng)
    rng.setstate(state)
    assert sample_problem(rng) == first


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_answers_and_operand_ranges(seed: int) -> None:
    problems = sample_problems(500, seed)
    assert {p.op for p in problems} == {"+", "-"}
    for p in problems:
        assert p.answer == eval(p.equation)
        if p.op == "+":
            assert 2 <= p.a <= 9 and 1 <= p.b <= 9
        else:
            assert 3 <= p.a <= 9 and 1 <= p.b < p.a
        assert p.answer >= 1


def test_solution_format_and_fields() -> None:
    for p in sample_problems(300, 5):
        match = SOLUTION_RE.match(p.solution)
        assert match, p.solution
        assert (int(match["a"]), match["op"], int(match["b"])) == (p.a, p.op, p.b)
        assert int(match["ans"]) == p.answer
        assert p.solution == (
            f"We compute {p.a} {p.op} {p.b} = {p.answer}.\nThe answer is {p.answer}."
        )


def test_text_properties() -> None:
    p = sample_problems(1, 0)[0]
    assert isinstance(p, WordProblem)
    assert p.text == f"{p.body} {p.question}"
    assert p.completion == f"{p.text}\n\n## Solution\n{p.solution}"
    assert p.equation == f"{p.a} {p.op} {p.b}"


def test_problem_text_mentions_operands_and_is_well_formed() -> None:
    for p in sample_problems(300, 9):
        assert p.body.startswith(p.name) and p.body.endswith(".")
        assert p.question.startswith("How many ") and p.question.endswith("?")
        assert p.name in p.question and p.obj in p.question
        numbers = [int(x) for x in re.findall(r"\d+", p.body)]
        assert numbers == [p.a, p.b]
        assert p.text.isascii()


def test_generator_has_variety() -> None:
    problems = sample_problems(1000, 11)
    assert len({p.name for p in problems}) >= 14
    assert len({p.obj for p in problems}) >= 14
    bodies = {
        re.sub(r"\d+", "N", p.body.replace(p.name, "X").replace(p.obj, "O")) for p in problems
    }
    assert len(bodies) >= 6
    assert len({p.question.replace(p.name, "X").replace(p.obj, "O") for p in problems}) >= 3


def test_textbook_docs_shape() -> None:
    assert len(TEXTBOOK_DOCS) == 12
    for doc in TEXTBOOK_DOCS:
        assert isinstance(doc, str)
        assert 600 <= len(doc) <= 2500, len(doc)
        assert doc.isascii()
        doc.encode("utf-8")
    assert any(doc.startswith("## ") for doc in TEXTBOOK_DOCS)
    assert any("\n## " not in doc and not doc.startswith("## ") for doc in TEXTBOOK_DOCS)
    assert any("\n### " in doc for doc in TEXTBOOK_DOCS)
    titled = [doc for doc in TEXTBOOK_DOCS if not doc.startswith("## ")]
    assert all(doc.startswith("# ") for doc in titled)


def test_wiki_docs_shape() -> None:
    assert len(WIKI_DOCS) == 20
    assert len(WIKI_SUBSETS) == len(WIKI_DOCS)
    assert set(WIKI_SUBSETS) == {"wikipedia", "proofwiki"}
    for doc in WIKI_DOCS:
        assert isinstance(doc, str)
        assert 200 <= len(doc) <= 1200, len(doc)
        assert doc.isascii()
        title = doc.split("\n", 1)[0]
        assert title and not title.startswith("#")
    assert sum("$" in doc for doc in WIKI_DOCS) >= 3
    assert len({doc.split("\n", 1)[0] for doc in WIKI_DOCS}) == 20
