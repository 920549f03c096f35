"""Builder rules of SPEC §1.3 / App. C.1: golden snippets for all five builders, truncation,
fences (textbook only), 8x wiki expansion, `<EXTRACT>` replacement, stable per-row levels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from jiuzhang.common.seeding import stable_choice
from jiuzhang.prepare import BUILDERS, LEVELS, PrepareConfig
from jiuzhang.prepare.builders import get_builder, is_stackexchange
from jiuzhang.prepare.prompts import build_rows
from jiuzhang.prepare.snippets import (
    arxiv_snippets,
    split_latex_sections,
    stack_snippets,
    textbook_snippets,
    web_snippets,
)

# Tag each prompt with its level so rows show which template filled them.
TEMPLATES = {level: f"[{level}]\n<EXTRACT>\n[end]" for level in LEVELS}


def _rows(
    builder: str,
    docs: list[Mapping[str, str]],
    templates: Mapping[str, str] = TEMPLATES,
    **kw: int,
) -> list[dict]:
    cfg = PrepareConfig(source="src", builder=builder, **kw)
    docs_iter: Iterator[Mapping[str, str]] = iter(docs)
    return list(build_rows(cfg, docs_iter, templates))


def _body(prompt: str) -> str:
    """The snippet inside a TEMPLATES prompt."""
    return prompt.split("\n", 1)[1].rsplit("\n", 1)[0]


def test_all_five_builders_are_registered() -> None:
    assert BUILDERS == ("textbook", "wiki", "stack", "web", "arxiv")
    with pytest.raises(ValueError, match="unknown builder 'mathpile'.*stack"):
        PrepareConfig(source="s", builder="mathpile")


# --- arxiv: re.split(r'\\section{.*?}', text), non-empty stripped pieces -------------------------


def test_arxiv_keeps_the_preamble_and_drops_section_titles() -> None:
    text = "Preamble line.\n\\section{Intro}\nFirst body.\n\\section{Method}\n  Second body.  \n"
    assert split_latex_sections(text) == ["Preamble line.", "First body.", "Second body."]


def test_arxiv_subsection_and_starred_section_do_not_split() -> None:
    text = (
        "\\section{A}\nalpha\n\\subsection{A.1}\nbeta\n"
        "\\section*{Unnumbered}\ngamma\n\\section{B}\ndelta"
    )
    assert split_latex_sections(text) == [
        "alpha\n\\subsection{A.1}\nbeta\n\\section*{Unnumbered}\ngamma",
        "delta",
    ]


def test_arxiv_split_is_the_originals_regex_exactly() -> None:
    # The title match is non-greedy and single-line: nested braces leave their tail behind, and
    # a title spanning a line break does not match at all.
    assert split_latex_sections("x\\section{Sums {of} squares}y") == ["x", "squares}y"]
    assert split_latex_sections("x\\section{two\nlines}y") == ["x\\section{two\nlines}y"]
    assert split_latex_sections("\\section{Only}   \n\\section{Empty}") == []
    assert split_latex_sections("no sections here") == ["no sections here"]


def test_arxiv_pieces_are_cut_and_raw() -> None:
    text = "p" * 1500 + "\\section{S}" + "q" * 10
    assert arxiv_snippets(text, 1000) == ["p" * 1000, "q" * 10]
    rows = _rows("arxiv", [{"text": text, "subset": ""}])
    assert [r["id"] for r in rows] == ["src-000000-000", "src-000000-001"]
    assert [_body(r["prompt"]) for r in rows] == ["p" * 1000, "q" * 10]


# --- stack: MMIQC stackexchange rows, question + blank line + answer -----------------------------


def test_stack_snippet_strips_cuts_each_part_and_joins_with_a_blank_line() -> None:
    assert stack_snippets("  How many?\n", "\n Four. ", 1000) == ["How many?\n\nFour."]
    [snippet] = stack_snippets("q" * 1200, "a" * 1300, 1000)
    assert snippet == "q" * 1000 + "\n\n" + "a" * 1000
    assert stack_snippets(" ", "\n", 1000) == []


def test_stack_filter_keeps_stackexchange_sources_only() -> None:
    assert is_stackexchange({"source": "stackexchange-math"})
    assert is_stackexchange({"source": "mathstackexchange"})
    assert not is_stackexchange({"source": "MATH-train"})
    assert not is_stackexchange({"source": "StackExchange"})  # substring test, case-sensitive
    spec = get_builder("stack").spec
    assert spec.filter_fields == ("source",) and spec.fields == ("instruction", "output")


def test_stack_rows_one_prompt_per_record_raw_with_subset_from_source() -> None:
    docs = [
        {"source": "stackexchange-math", "instruction": "Q1", "output": "A1"},
        {"source": "stackexchange-math", "instruction": "Q2", "output": "A2"},
    ]
    rows = _rows("stack", docs)
    assert [(r["id"], _body(r["prompt"]), r["subset"]) for r in rows] == [
        ("src-000000-000", "Q1\n\nA1", "stackexchange-math"),
        ("src-000001-000", "Q2\n\nA2", "stackexchange-math"),
    ]


# --- web: stripped text cut, raw; whole prompt stripped after filling ----------------------------


def test_web_snippet_is_stripped_then_cut() -> None:
    assert web_snippets("\n  abc def  \n", 5) == ["abc d"]
    assert web_snippets(" \n ", 5) == []


def test_web_prompt_is_stripped_after_filling() -> None:
    templates = {level: "<EXTRACT>" for level in LEVELS}
    # The cut ends on a space; only web strips the filled prompt.
    [web] = _rows(
        "web", [{"text": "  word  more", "subset": ""}], extract_size=5, templates=templates
    )
    [wiki] = _rows(
        "wiki", [{"text": "  word  more", "subset": ""}], extract_size=5, templates=templates
    )[:1]
    assert web["prompt"] == "word"
    assert wiki["prompt"] == "word "


# --- textbook / wiki: App. C.1 ---------------------------------------------------------------


def test_textbook_sections_are_cut_to_1000_characters_by_default() -> None:
    [snippet] = textbook_snippets("## Long\n" + "x" * 1500, 1000)
    assert snippet == "```\n" + ("## Long\n" + "x" * 1500)[:1000] + "\n```"
    rows = _rows("textbook", [{"text": "## Long\n" + "x" * 1500, "subset": "textbooks"}])
    assert len(_body(rows[0]["prompt"])) == len("```\n\n```") + 1000


def test_only_textbook_wraps_snippets_in_fences() -> None:
    text = "## Head\nbody text\n\\section{S}\nmore"
    record = {
        "text": text,
        "subset": "",
        "instruction": "q",
        "output": "a",
        "source": "stackexchange",
    }
    for builder in BUILDERS:
        bodies = [_body(r["prompt"]) for r in _rows(builder, [record])]
        fenced = [b.startswith("```\n") and b.endswith("\n```") for b in bodies]
        assert all(fenced) if builder == "textbook" else not any(fenced), builder


def test_wiki_expands_each_document_to_eight_prompts_in_level_order() -> None:
    docs = [{"text": " First doc. ", "subset": "wikipedia"}, {"text": "Second.", "subset": "pw"}]
    rows = _rows("wiki", docs)
    assert len(rows) == 16
    assert [r["level"] for r in rows] == [*LEVELS, *LEVELS]
    assert [r["id"] for r in rows[:8]] == [f"src-000000-{k:03d}" for k in range(8)]
    assert rows[8]["id"] == "src-000001-000"
    assert {_body(r["prompt"]) for r in rows[:8]} == {"First doc."}
    assert [r["prompt"].split("\n", 1)[0] for r in rows[:8]] == [f"[{lv}]" for lv in LEVELS]


def test_extract_is_replaced_at_every_occurrence_in_every_builder() -> None:
    templates = {level: "A <EXTRACT> B <EXTRACT> C" for level in LEVELS}
    record = {
        "text": "snip",
        "subset": "",
        "instruction": "q",
        "output": "a",
        "source": "stackexchange",
    }
    for builder in BUILDERS:
        for row in _rows(builder, [record], templates=templates):
            assert "<EXTRACT>" not in row["prompt"]
            assert row["prompt"].count("B") == 1 and row["prompt"].startswith("A "), builder


@pytest.mark.parametrize("builder", ["textbook", "stack", "web", "arxiv"])
def test_level_is_a_pure_function_of_seed_source_and_row_id(builder: str) -> None:
    record = {"text": "## H\nx\n## I\ny", "subset": "", "instruction": "q", "output": "a"}
    record["source"] = "stackexchange"
    docs = [dict(record) for _ in range(40)]
    rows = _rows(builder, docs, seed=7)
    assert all(r["level"] == stable_choice(LEVELS, 7, "src", r["id"]) for r in rows)
    assert len({r["level"] for r in rows}) >= 4  # levels really vary
    assert rows == _rows(builder, docs, seed=7)
    assert [r["level"] for r in rows] != [r["level"] for r in _rows(builder, docs, seed=8)]
