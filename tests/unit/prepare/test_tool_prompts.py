"""Tool-synthesis prompts: seed cutting, MMOS-layout exemplars, deterministic example choice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.prepare.tool import (
    build_tool_prompt,
    cut_seed,
    load_exemplars,
    load_tool_template,
)

TEMPLATE = Path(__file__).resolve().parents[3] / "prompts/tool/prompt.md"


def test_cut_seed_rules() -> None:
    assert cut_seed("short text.", 2000) == "short text."
    assert cut_seed("First sentence. Second sent", 26) == "First sentence."
    assert cut_seed("a {b} cde", 8) == "a {b}"
    assert cut_seed("abcdef", 3) == ""  # cut mid-word with no sentence end: dropped
    assert cut_seed("ends with space ", 16) == "ends with space"
    assert cut_seed("", 10) == ""


def _exemplars(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "mmos.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_exemplars_mmos_layout(tmp_path: Path) -> None:
    code = 'def f():\n    """Add two numbers."""\n    return 1 + 2\nprint(f())'
    rows = [
        {
            "prompt": "<|user|>\nuser asks: 1+2?\n<|assistant|>",
            "completion": f"{code}\n\\boxed{{3}}",
        },
        {"prompt": "<|user|>\nno box\n<|assistant|>", "completion": "print(1)"},
    ]
    [ex] = load_exemplars(_exemplars(tmp_path, rows))
    # removeprefix/removesuffix: the question's own leading "u", "s", "e", "r" survive (§1.6 bug)
    assert ex.question == "user asks: 1+2?" and ex.id == "0"
    assert '"""' not in ex.solution and "return 1 + 2" in ex.solution
    with pytest.raises(DataError, match="no exemplar with a boxed answer"):
        load_exemplars(_exemplars(tmp_path, rows[1:]))


def test_prompt_fill_is_literal_and_deterministic(tmp_path: Path) -> None:
    template = load_tool_template(TEMPLATE)
    rows = [
        {"prompt": f"<|user|>\nQ{i}\n<|assistant|>", "completion": f"print({i})\n\\boxed{{{i}}}"}
        for i in range(5)
    ]
    exemplars = load_exemplars(_exemplars(tmp_path, rows))
    seed_text = "Let $f(x) = \\frac{1}{x}$ and {question} appear literally."
    prompt, ex = build_tool_prompt(template, seed_text, exemplars, 7, "proofwiki-000001")
    again, ex2 = build_tool_prompt(template, seed_text, exemplars, 7, "proofwiki-000001")
    assert (prompt, ex) == (again, ex2)
    assert seed_text in prompt and ex.question in prompt and ex.solution in prompt
    assert prompt.count("{question}") == 1  # the seed's literal text, not re-filled
    chosen = {build_tool_prompt(template, "s", exemplars, 7, f"r{i}")[1].id for i in range(40)}
    assert len(chosen) > 1  # rows spread over the exemplars


def test_template_checks(tmp_path: Path) -> None:
    bad = tmp_path / "t.md"
    bad.write_text("{seed} {question}")
    with pytest.raises(ConfigError, match=r"\{solution\} exactly once"):
        load_tool_template(bad)


def test_run_prepare_tool_shards_are_deterministic(tmp_path: Path) -> None:
    import gzip

    from jiuzhang.prepare.tool import ToolPrepareConfig, run_prepare_tool

    seeds = tmp_path / "seeds.jsonl.gz"
    docs = [
        {"text": f"Theorem {i}. Every number {i} has a successor.\nProof. Add one."}
        for i in range(9)
    ]
    docs.append({"text": "wordwithoutanyend" * 10})  # no sentence end within the cut: dropped
    seeds.write_bytes(gzip.compress("".join(json.dumps(d) + "\n" for d in docs).encode()))
    rows = [
        {"prompt": f"<|user|>\nQ{i}\n<|assistant|>", "completion": f"\\boxed{{{i}}}"}
        for i in range(3)
    ]
    exemplars = _exemplars(tmp_path, rows)
    runs = []
    for run in ("a", "b"):
        outs = [tmp_path / run / f"shard-{k}.jsonl" for k in range(2)]
        counts = run_prepare_tool(
            ToolPrepareConfig(seed_chars=60, n_shards=2),
            seeds=[str(seeds)],
            exemplars=str(exemplars),
            template=str(TEMPLATE),
            outputs=[str(o) for o in outs],
            stats=str(tmp_path / run / "stats.json"),
        )
        runs.append([o.read_bytes() for o in outs])
    assert runs[0] == runs[1]
    assert counts["rows"] == 9 and counts["no_seed"] == 1 and counts["shards"] == [5, 4]
    first = json.loads(runs[0][0].splitlines()[0])
    assert first["id"] == "tool-0000000" and first["exemplar_id"] in {"0", "1", "2"}
    assert "Theorem 0. Every number 0 has a successor.\nProof. Add one." in first["prompt"]
