"""Tool generations: parsing, sandboxed execution, real outputs, answer check, drop reasons."""

from __future__ import annotations

import pytest

from jiuzhang.corpus.tool import ToolCorpusConfig, parse_tool_generation, verify_tool_drafts
from jiuzhang.sandbox import Sandbox, SandboxLimits


def _gen(code: str, summary: str, claimed: str | None = None, problem: str | None = None) -> str:
    output = f"```output\n{claimed}\n```\n" if claimed is not None else ""
    problem = problem or "A tank holds 240 litres and drains 15 litres a minute. How long?"
    return (
        f"[Problem Description]\n{problem}\n[/Problem Description]\n\n"
        f"[Solution]\nCompute it.\n```python\n{code}\n```\n{output}{summary}\n[/Solution]"
    )


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(SandboxLimits(cpu_s=2.0, wall_s=4.0), workers=2)


def test_parse_reasons() -> None:
    assert parse_tool_generation("no markers at all") == "no_problem"
    assert parse_tool_generation("[Problem Description]\nQ\n[/Problem Description]") == (
        "no_solution"
    )
    text = "[Problem Description]\nQ\n[/Problem Description]\n[Solution]\nprose only\n[/Solution]"
    assert parse_tool_generation(text) == "no_code"


def test_rows_keep_real_outputs_and_check_the_answer(sandbox: Sandbox) -> None:
    good = _gen("print(240 // 15)", "It takes $\\boxed{16}$ minutes.", claimed="15")
    wrong = _gen("print(240 // 15)", "It takes $\\boxed{15}$ minutes.")
    crash = _gen("print(240 / zero)", "It takes $\\boxed{16}$ minutes.")
    loop = _gen("while True:\n    pass", "It takes $\\boxed{16}$ minutes.")
    unboxed = _gen("print(16)", "It takes 16 minutes.")
    stateful = (
        "[Problem Description]\nWhat is 2 to the 10th power, minus 24?\n[/Problem Description]\n"
        "[Solution]\nFirst the power.\n```python\np = 2 ** 10\nprint(p)\n```\nThen subtract.\n"
        "```python\nprint(p - 24)\n```\nThe answer is $\\boxed{1000}$.\n[/Solution]"
    )
    drafts = [parse_tool_generation(t) for t in (good, wrong, crash, loop, unboxed, stateful)]
    verdicts, notes = verify_tool_drafts(ToolCorpusConfig(), drafts, sandbox)
    row = verdicts[0]
    assert isinstance(row, dict)
    assert row["input"].endswith("\n\n## Code Solution\n")
    assert "```output\n16\n```" in row["output"] and "```output\n15" not in row["output"]
    assert verdicts[1:5] == ["answer_mismatch", "exec_error", "exec_timeout", "no_boxed_answer"]
    assert isinstance(verdicts[5], dict)
    assert "```output\n1024\n```" in verdicts[5]["output"]  # state carried to program 2
    assert "```output\n1000\n```" in verdicts[5]["output"]
    assert notes["output_mismatch"] == 1


def test_answer_check_can_be_disabled(sandbox: Sandbox) -> None:
    draft = parse_tool_generation(_gen("print(16)", "It takes 16 minutes."))
    verdicts, _ = verify_tool_drafts(ToolCorpusConfig(require_answer_match=False), [draft], sandbox)
    assert isinstance(verdicts[0], dict)


def test_build_tool_corpus_end_to_end(tmp_path) -> None:  # noqa: ANN001
    import json

    from jiuzhang.corpus.tool import run_build_tool_corpus

    texts = [
        (_gen("print(240 // 15)", "It takes $\\boxed{16}$ minutes."), "stop"),
        (_gen("print(240 // 15)", "It takes $\\boxed{16}$ minutes."), "stop"),  # duplicate
        (_gen("print(240 // 15)", "It takes $\\boxed{15}$ minutes."), "stop"),
        ("[Problem Description]\nunfinished", "length"),
        ("no markers", "stop"),
    ]
    gens = tmp_path / "shard.jsonl"
    gens.write_text(
        "".join(
            json.dumps({"id": f"t{i}", "generated_text": t, "finish_reason": r}) + "\n"
            for i, (t, r) in enumerate(texts)
        )
    )
    failures = tmp_path / "shard.jsonl.failures.jsonl"
    failures.write_text(json.dumps({"id": "t9", "reason": "empty_completion"}) + "\n")
    out, stats = tmp_path / "corpus.jsonl", tmp_path / "stats.json"
    summary = run_build_tool_corpus(
        ToolCorpusConfig(limits={"wall_s": 5}),
        generations=[str(gens)],
        output=str(out),
        stats=str(stats),
        failures=[str(failures)],
    )
    assert summary["kept"] == 1 and summary["programs"] == 3
    assert summary["dropped"] == {
        "answer_mismatch": 1,
        "duplicate": 1,
        "no_problem": 1,
        "truncated": 1,
    }
    assert summary["generation_failed"] == {"empty_completion": 1}
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["id"] == "t0" and row["input"].endswith("## Code Solution\n")
