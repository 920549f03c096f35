"""The tool-integrated loop: program detection, state across rounds, batching, feedback.

The model is replaced by a scripted generator (the loop's logic is what is under test: which
rounds execute, what is fed back, how state carries over); the programs run in the real sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from jiuzhang.evaluation.toolloop import (
    LIMIT_NOTE,
    compose_program,
    pending_program,
    run_tool_loop,
    shorten,
)
from jiuzhang.generation.base import Generation, SamplingConfig
from jiuzhang.sandbox import Sandbox, SandboxLimits


class ScriptedModel:
    """Answers round k of the problem named in the prompt with `script[name][k]`."""

    def __init__(self, script: dict[str, list[str]]) -> None:
        self.script = script
        self.calls: list[int] = []  # batch size of every generate call

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        self.calls.append(len(prompts))
        out = []
        for prompt in prompts:
            name = prompt.split("\n", 2)[1]
            round_no = prompt.count("```output")
            out.append(Generation(self.script[name][round_no], "stop", 7))
        return out


def _prompt(name: str) -> str:
    return f"## Question\n{name}\n\n## Code Solution\n"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(SandboxLimits(wall_s=10.0), workers=2)


def test_pending_program_rules() -> None:
    assert pending_program("Let me compute.\n```python\nx = 2\nprint(x + 1)\n```") == (
        "x = 2\nprint(x + 1)"
    )
    assert pending_program("```python\nprint(1)\n```\nSo $\\boxed{1}$.") is None  # answered
    assert pending_program("```python\nprint(1)\n```\nthen more text") is None  # not at the end
    assert pending_program("The answer is 3.") is None
    assert pending_program("```\nplain fence\n```") is None
    assert pending_program("```python\n\n```") is None  # empty program


def test_compose_replays_earlier_cells_silently(sandbox: Sandbox) -> None:
    code = compose_program(["a = 20\nprint('noise')", "b = a + 1"], "b * 2")
    [result] = sandbox.run_many([code])
    assert result.status == "ok" and result.stdout == "42"


def test_shorten_keeps_head_and_tail() -> None:
    assert shorten("abc", 10) == "abc"
    text = "x" * 50 + "y" * 50
    short = shorten(text, 21)
    assert short.startswith("x" * 9) and short.endswith("y" * 9) and "..." in short


def test_loop_runs_rounds_keeps_state_and_batches(sandbox: Sandbox) -> None:
    script = {
        "p1": [
            "Define it.\n```python\nn = 6\nn * 7\n```",
            "Now double.\n```python\nprint(n * 14)\n```",
            "So the answer is $\\boxed{84}$.",
        ],
        "p2": ["No code here. The answer is 5."],
        "p3": ["```python\n1 / 0\n```", "Oops, division by zero. The answer is 0."],
    }
    model = ScriptedModel(script)
    trajectories = run_tool_loop(
        model, [_prompt(n) for n in script], SamplingConfig(), sandbox, max_rounds=4
    )
    assert model.calls == [3, 2, 1]  # one batched call per round, over the open problems
    p1, p2, p3 = trajectories
    assert p1.rounds == 3 and [c["status"] for c in p1.tool_calls] == ["ok", "ok"]
    assert "```output\n42\n```" in p1.completion and "```output\n84\n```" in p1.completion
    assert p1.completion.endswith("\\boxed{84}$.") and p1.n_tokens == 21
    assert p2.rounds == 1 and p2.tool_calls == []
    assert p3.tool_calls[0]["status"] == "error"
    assert "ZeroDivisionError" in p3.tool_calls[0]["error"]
    assert "```output\nZeroDivisionError: division by zero\n```" in p3.completion


def test_round_limit_and_hostile_program_recorded(sandbox: Sandbox) -> None:
    forever = "```python\nwhile True:\n    pass\n```"
    script = {"loop": [forever, forever, forever]}
    limited = Sandbox(SandboxLimits(cpu_s=1.0, wall_s=2.0), workers=1)
    [traj] = run_tool_loop(
        ScriptedModel(script), [_prompt("loop")], SamplingConfig(), limited, max_rounds=2
    )
    assert traj.rounds == 2 and len(traj.tool_calls) == 2
    assert {c["status"] for c in traj.tool_calls} == {"timeout"}
    assert traj.completion.endswith("```\n" + LIMIT_NOTE)
    with pytest.raises(ValueError, match="max_rounds"):
        run_tool_loop(ScriptedModel(script), [], SamplingConfig(), sandbox, max_rounds=0)


HOSTILE = Path(__file__).resolve().parents[2] / "data/hostile"


def test_hostile_programs_in_a_batch_are_contained_and_recorded() -> None:
    """Fork bomb, memory bomb, huge output and a parent killer in the same round as a normal
    program: the loop finishes, each failure is in its trajectory, the normal one answers."""
    marker = f"jz-loop-{os.getpid()}"
    hostile = {
        name: (HOSTILE / f"{name}.py")
        .read_text()
        .replace("@MARKER@", marker)
        .replace("@TEST_PID@", str(os.getpid()))
        for name in ("fork_bomb", "memory_bomb", "huge_output", "kill_parent")
    }
    script = {name: [f"```python\n{code}\n```", "Done."] for name, code in hostile.items()}
    script["fine"] = ["```python\nprint(6 * 7)\n```", "The answer is 42."]
    limits = SandboxLimits(cpu_s=3.0, wall_s=4.0, memory_mb=512, nproc=32, output_bytes=4096)
    trajectories = run_tool_loop(
        ScriptedModel(script),
        [_prompt(name) for name in script],
        SamplingConfig(),
        Sandbox(limits, workers=2),
        max_rounds=2,
    )
    status = {name: t.tool_calls[0]["status"] for name, t in zip(script, trajectories, strict=True)}
    assert status["fine"] == "ok" and "```output\n42\n```" in trajectories[-1].completion
    assert status["memory_bomb"] == "memory"
    assert status["huge_output"] == "output_limit"
    assert status["fork_bomb"] in ("timeout", "error", "ok")  # forks fail; it sleeps or exits
    assert status["kill_parent"] in ("ok", "error")  # it ran, and this process is still here
    assert all(len(t.tool_calls) == 1 and t.rounds == 2 for t in trajectories)
    assert all(len(t.completion) < 10_000 for t in trajectories)  # output fed back is cut
    survivors = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline(p, marker)]
    assert survivors == []


def _cmdline(proc: Path, marker: str) -> bool:
    try:
        return marker.encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False
