"""Prompt types and prompt building with the project's own templates and few-shot demos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.evaluation.prompting import (
    DEMO_FAMILY,
    PROMPT_TYPES,
    build_prompt,
    load_demos,
    load_template,
    prompt_type,
)

ROOT = Path(__file__).resolve().parents[3]
EVAL = ROOT / "prompts/eval"


def test_paper_formats_verbatim() -> None:
    jiuzhang = load_template(EVAL / "jiuzhang.md")
    tora = load_template(EVAL / "jiuzhang_tora.md")
    assert build_prompt(jiuzhang, "What is 2+3?") == "## Question\nWhat is 2+3?\n\n## Solution\n"
    assert build_prompt(tora, "Q?") == "## Question\nQ?\n\n## Code Solution\n"


def test_cot_few_shot_layout() -> None:
    cot = load_template(EVAL / "cot.md")
    demos = load_demos(EVAL / "fewshot/gsm8k.jsonl", 2)
    prompt = build_prompt(cot, "How many?", demos)
    blocks = prompt.split("\n\n\n")
    assert len(blocks) == 3
    assert blocks[0] == f"Question: {demos[0][0]}\nAnswer: {demos[0][1]}"
    assert blocks[2] == "Question: How many?\nAnswer:"  # trailing space dropped, as the original
    assert all(a.endswith(".") and "The answer is" in a for _, a in demos)


def test_every_family_has_enough_demos() -> None:
    for family in set(DEMO_FAMILY.values()):
        demos = load_demos(EVAL / f"fewshot/{family}.jsonl", 4)
        assert len(demos) == 4 and len({q for q, _ in demos}) == 4
        for q, a in demos:
            assert "\x0c" not in q + a  # the original's mmlu demos had form feeds (§6.21)


def test_only_tora_executes_code_and_stops_at_output() -> None:
    assert [name for name, t in PROMPT_TYPES.items() if t.tool] == ["jiuzhang_tora"]
    assert "```output" in PROMPT_TYPES["jiuzhang_tora"].stop
    assert "\n\nQuestion:" in PROMPT_TYPES["cot"].stop
    with pytest.raises(ConfigError, match="unknown prompt type 'tora'"):
        prompt_type("tora")


def test_template_braces_and_placeholder_checks(tmp_path: Path) -> None:
    latex = tmp_path / "t.md"
    latex.write_text("Solve $\\frac{a}{b}$ style: {question}\n")
    assert build_prompt(load_template(latex), "x{y}") == "Solve $\\frac{a}{b}$ style: x{y}\n"
    latex.write_text("no placeholder")
    with pytest.raises(ConfigError, match="exactly once"):
        load_template(latex)
    with pytest.raises(ConfigError, match="cannot read"):
        load_template(tmp_path / "missing.md")


def test_bad_demo_files(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"question": "q", "answer": "a"}) + "\n")
    with pytest.raises(DataError, match="2 demos requested, the file has 1"):
        load_demos(path, 2)
    path.write_text(json.dumps({"question": "q"}) + "\n")
    with pytest.raises(DataError, match=r":1: missing field 'answer'"):
        load_demos(path, 1)
    path.write_text(json.dumps({"question": "q", "answer": " "}) + "\n")
    with pytest.raises(DataError, match=r":1: 'question' and 'answer' must be non-empty"):
        load_demos(path, 1)
