"""Tool generations -> verified `(input, output)` rows (SPEC §2.4 b: the original had no such step).

A tool generation holds `[Problem Description] … [/Problem Description]` and `[Solution] …
[/Solution]`; the solution mixes prose, ```` ```python ```` blocks and a closing sentence with a
`\\boxed{}` answer. Every program is executed in the evaluation sandbox (program k runs after a
silent replay of programs 1..k-1, as in the tool-integrated evaluation loop), and the row keeps
the *real* outputs: each program is followed by an ```` ```output ```` block holding what it
printed, replacing whatever output the model wrote (mismatches are counted). A row is kept when
every program ran cleanly and the boxed answer is equivalent (evaluation grader) to the answer in
the last program's output. The training row is
`{"input": "## Question\\n{problem}\\n\\n## Code Solution\\n", "output": solution}`, the released
tool corpora's format. Drop reasons are counted per kind.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.corpus.build import (
    CleaningPass,
    Funnel,
    count_failures,
    iter_generations,
    local_sources,
    source_of,
    write_corpus,
)
from jiuzhang.evaluation.extract import extract_answer, last_boxed
from jiuzhang.evaluation.grade import is_equiv
from jiuzhang.evaluation.toolloop import compose_program, shorten
from jiuzhang.sandbox import ExecResult, Sandbox, SandboxLimits

__all__ = [
    "ToolCorpusConfig",
    "ToolDraft",
    "parse_tool_generation",
    "run_build_tool_corpus",
    "verify_tool_drafts",
]

_PROBLEM_RE = re.compile(r"\[Problem Description\]\s*(.*?)\s*\[/Problem Description\]", re.S)
_SOLUTION_RE = re.compile(r"\[Solution\]\s*(.*?)\s*\[/Solution\]", re.S)
# A program, optionally followed by the output block the model claimed for it.
_CELL_RE = re.compile(r"```python[ \t]*\n(.*?)```(?:\s*```output[ \t]*\n(.*?)```)?", re.S)


@dataclasses.dataclass(frozen=True)
class ToolCorpusConfig(FromMapping):
    """How tool generations are verified."""

    min_rows: int = 1
    drop_truncated: bool = True
    min_problem_chars: int = 10
    output_chars: int = 400  # program output kept in the row (head ... tail)
    require_answer_match: bool = True
    isolation: str = "auto"
    workers: int = 0
    limits: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    dedup: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    decontam: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ToolDraft:
    """A parsed tool generation: the problem, the solution split into prose and programs."""

    problem: str
    prose: list[str]  # len(programs) + 1 pieces around the programs
    programs: list[str]
    claimed: list[str | None]  # the model's own output block per program, if any


def parse_tool_generation(text: str) -> ToolDraft | str:
    """A `ToolDraft`, or the drop reason (`no_problem`, `no_solution`, `no_code`)."""
    problem = _PROBLEM_RE.search(text)
    if problem is None or not problem.group(1).strip():
        return "no_problem"
    solution = _SOLUTION_RE.search(text, problem.end())
    if solution is None or not solution.group(1).strip():
        return "no_solution"
    body = solution.group(1)
    prose, programs, claimed, pos = [], [], [], 0
    for cell in _CELL_RE.finditer(body):
        prose.append(body[pos : cell.start()])
        programs.append(cell.group(1).strip("\n"))
        claimed.append(cell.group(2))
        pos = cell.end()
    prose.append(body[pos:])
    if not any(p.strip() for p in programs):
        return "no_code"
    return ToolDraft(problem.group(1).strip(), prose, programs, claimed)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _render(draft: ToolDraft, outputs: Sequence[str], limit: int) -> str:
    parts = [draft.prose[0]]
    for k, (code, out) in enumerate(zip(draft.programs, outputs, strict=True)):
        parts.append(f"```python\n{code}\n```\n```output\n{shorten(out.strip(), limit)}\n```")
        parts.append(draft.prose[k + 1])
    return "".join(parts).strip()


def verify_tool_drafts(
    cfg: ToolCorpusConfig, drafts: Sequence[ToolDraft], sandbox: Sandbox | None = None
) -> tuple[list[dict[str, str] | str], Counter[str]]:
    """Execute every draft's programs (all in one parallel batch); per draft, a training row or
    the drop reason, and counters (`output_mismatch`: claimed outputs that were wrong)."""
    if sandbox is None:
        limits = SandboxLimits(**dict(cfg.limits))
        sandbox = Sandbox(limits, isolation=cfg.isolation, workers=cfg.workers or None)
    jobs = [
        (d, k, compose_program(draft.programs[:k], draft.programs[k]))
        for d, draft in enumerate(drafts)
        for k in range(len(draft.programs))
    ]
    results: dict[tuple[int, int], ExecResult] = {}
    for (d, k, _), result in zip(jobs, sandbox.run_many([j[2] for j in jobs]), strict=True):
        results[d, k] = result
    notes: Counter[str] = Counter()
    verdicts: list[dict[str, str] | str] = []
    for d, draft in enumerate(drafts):
        runs = [results[d, k] for k in range(len(draft.programs))]
        failed = next((r for r in runs if r.status != "ok"), None)
        if failed is not None:
            verdicts.append(f"exec_{failed.status}")
            continue
        outputs = [r.stdout for r in runs]
        notes["output_mismatch"] += sum(
            claim is not None and _clean(claim) != _clean(out)
            for claim, out in zip(draft.claimed, outputs, strict=True)
        )
        if len(draft.problem) < cfg.min_problem_chars:
            verdicts.append("too_short")
            continue
        boxed = last_boxed(draft.prose[-1]) or last_boxed("".join(draft.prose))
        if cfg.require_answer_match:
            if boxed is None:
                verdicts.append("no_boxed_answer")
                continue
            computed = extract_answer(outputs[-1], "math") if outputs[-1].strip() else None
            if computed is None or not is_equiv(boxed, computed):
                verdicts.append("answer_mismatch")
                continue
        verdicts.append(
            {
                "input": f"## Question\n{draft.problem}\n\n## Code Solution\n",
                "output": _render(draft, outputs, cfg.output_chars),
            }
        )
    return verdicts, notes


def run_build_tool_corpus(
    cfg: ToolCorpusConfig,
    *,
    generations: Sequence[str],
    output: str,
    stats: str,
    benchmarks: Mapping[str, str] | None = None,
    failures: Sequence[str] = (),
) -> dict[str, Any]:
    """Parse, execute and verify all tool generation shards, then decontaminate and dedup them
    like the CoT corpus; write the tool corpus JSONL and its stats."""
    dropped: Counter[str] = Counter()
    funnel = Funnel()
    records, drafts = [], []
    n_in = 0
    for record in iter_generations(generations, cfg.drop_truncated, dropped, funnel, "tool"):
        n_in += 1
        draft = parse_tool_generation(record["generated_text"])
        if isinstance(draft, str):
            dropped[draft] += 1
            funnel.reached(source_of(record, "tool"), "in", draft)
            continue
        records.append(record)
        drafts.append(draft)
    n_in += dropped["truncated"]
    verdicts, notes = verify_tool_drafts(cfg, drafts)
    cleaning = CleaningPass(cfg.decontam, cfg.dedup, benchmarks)
    kept = []
    for record, verdict in zip(records, verdicts, strict=True):
        reason = (
            verdict
            if isinstance(verdict, str)
            else cleaning.reject(f"{verdict['input']}\n{verdict['output']}")
        )
        if reason:
            dropped[reason] += 1
            funnel.dropped_after_parsing(source_of(record, "tool"), reason)
            continue
        assert isinstance(verdict, dict)
        funnel.reached(source_of(record, "tool"), "kept")
        kept.append({**verdict, "id": record["id"], "source": record.get("source", "tool")})
    summary: dict[str, Any] = {
        "in": n_in,
        "kept": len(kept),
        "dropped": dict(sorted(dropped.items())),
        "funnel": funnel.as_dict(),
        "programs": sum(len(d.programs) for d in drafts),
        "claimed_outputs_wrong": notes["output_mismatch"],
        "generation_failed": count_failures(failures),
        **cleaning.stats(),
    }
    write_corpus(
        kept,
        summary,
        min_rows=cfg.min_rows,
        output=output,
        stats=stats,
        inputs={"generations": list(generations), "benchmarks": local_sources(benchmarks)},
        params=dataclasses.asdict(cfg),
    )
    return summary
