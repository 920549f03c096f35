"""Tool-integrated generation (ToRA-style, SPEC §5.4), batched over the whole benchmark.

Each round generates once for every still-open problem (one `generate` call, so the backend
batches across problems). A round whose output ends with a closed ```` ```python ```` block and
states no `\\boxed{}` answer gets that program executed in the sandbox (all programs of a round
run in parallel); the output is appended as an ```` ```output ```` block and the problem stays
open for the next round. Anything else ends the problem. A problem whose last allowed round
still ran a program ends with the original's "Reach max function call limit." line.

State between rounds is recreated by re-running the problem's earlier successful programs with
their stdout discarded (the original deleted `print(` lines instead, SPEC §5.4.3), then the new
program, whose printed output — or the value of its final expression — is the tool result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from jiuzhang.generation.base import Generator, SamplingConfig
from jiuzhang.sandbox import ExecResult, Sandbox

__all__ = [
    "LIMIT_NOTE",
    "Trajectory",
    "compose_program",
    "pending_program",
    "run_tool_loop",
    "shorten",
]

LIMIT_NOTE = "\nReach max function call limit."
_OPEN = "```python"
_FENCE = "```"
_REPLAY = (
    "import contextlib as _jz_contextlib, io as _jz_io\n"
    "with _jz_contextlib.redirect_stdout(_jz_io.StringIO()):\n"
    "    exec(compile({code!r}, '<earlier cells>', 'exec'))\n"
)


@dataclasses.dataclass
class Trajectory:
    """One problem's completion so far and the tool calls made in it."""

    prompt: str
    completion: str = ""
    finish_reason: str = "stop"
    n_tokens: int = 0
    rounds: int = 0
    tool_calls: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def pending_program(round_text: str) -> str | None:
    """The program a round's output asks to run: a final closed ```python block, no `boxed`."""
    text = round_text.rstrip()
    if "boxed" in text or not text.endswith(_FENCE):
        return None
    start = text.rfind(_OPEN)
    if start < 0:
        return None
    body = text[start + len(_OPEN) : -len(_FENCE)]
    if _FENCE in body or not body.startswith("\n"):
        return None  # the final fence closes something else, or "```pythonic"
    code = body.strip("\n")
    return code if code.strip() else None


def compose_program(earlier: Sequence[str], code: str) -> str:
    """`code` preceded by a silent replay of the earlier successful programs."""
    if not earlier:
        return code
    return _REPLAY.format(code="\n".join(earlier)) + code


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters: the head and the tail around "...", as the original did."""
    if len(text) <= limit:
        return text
    half = max(1, (limit - 3) // 2)
    return f"{text[:half]}...{text[-half:]}"


def _feedback(result: ExecResult, limit: int) -> str:
    """The text fed back to the model: the program's output, else its error."""
    body = result.stdout if result.status == "ok" else (result.error or result.status)
    return f"\n```output\n{shorten(body.strip(), limit)}\n```\n"


def run_tool_loop(
    generator: Generator,
    prompts: Sequence[str],
    sampling: SamplingConfig,
    sandbox: Sandbox,
    *,
    max_rounds: int,
    output_chars: int = 400,
) -> list[Trajectory]:
    """Generate with up to `max_rounds` rounds of code execution per prompt; order is kept."""
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be >= 1, got {max_rounds}")
    trajectories = [Trajectory(prompt=p) for p in prompts]
    successful: list[list[str]] = [[] for _ in prompts]
    open_ids = list(range(len(prompts)))
    for round_no in range(max_rounds):
        if not open_ids:
            break
        requests = [trajectories[i].prompt + trajectories[i].completion for i in open_ids]
        generations = generator.generate(requests, sampling, seed_offset=round_no)
        to_run: list[tuple[int, str]] = []
        for i, gen in zip(open_ids, generations, strict=True):
            traj = trajectories[i]
            text = gen.text.rstrip()
            traj.completion += text
            traj.n_tokens += gen.n_tokens
            traj.finish_reason = gen.finish_reason
            traj.rounds += 1
            code = pending_program(text)
            if code is not None:
                to_run.append((i, code))
        programs = [compose_program(successful[i], code) for i, code in to_run]
        results = sandbox.run_many(programs)
        open_ids = []
        for (i, code), result in zip(to_run, results, strict=True):
            traj = trajectories[i]
            traj.completion += _feedback(result, output_chars)
            # wall_s stays out: predictions must not depend on the machine's load
            recorded = {k: v for k, v in result.to_dict().items() if k != "wall_s"}
            traj.tool_calls.append({"round": traj.rounds, "code": code, **recorded})
            if result.status == "ok":
                successful[i].append(code)
            open_ids.append(i)
    for i in open_ids:  # still asking for code after the last round (the original's marker)
        trajectories[i].completion += LIMIT_NOTE
    return trajectories
