"""Turn CoT synthesis generations into training rows (the original's missing step, SPEC §2.4).

A generation continues a prompt that ends with `## New Problem`; it should hold the problem, then a
solution header (`## Solution` or `[Solution]`), then the solution. Parsed rows become
`{"input": "## Question\\n{problem}\\n\\n## Solution\\n", "output": solution}` as in the released
corpora. Unparseable, too short, truncated and failed-check rows are dropped; then rows that share
a 13-gram with a benchmark question are dropped as contaminated (`decontam`, the matched benchmark
ids are logged and counted), and exact and near duplicates (MinHash, `dedup`) of an earlier kept
row are dropped. Every drop is counted per reason in the stats JSON; the job fails when fewer than
`min_rows` survive instead of feeding an empty corpus downstream.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_jsonl, write_json, write_jsonl
from jiuzhang.common.manifest import write_manifest
from jiuzhang.corpus.decontam import DecontamConfig, Decontaminator, summarize_matches
from jiuzhang.corpus.dedup import DedupConfig, NearDuplicateIndex
from jiuzhang.corpus.verify import arithmetic_ok, grounded, has_final_answer

log = logging.getLogger(__name__)

_SOLUTION_HEADER = re.compile(
    r"^[ \t]*(?:#{1,3}[ \t]*Solution:?|\[Solution\]:?)[ \t]*$", re.M | re.I
)
_PROBLEM_HEADER = re.compile(r"^\s*(?:#{1,3}[ \t]*(?:New )?Problem:?|\[Problem\]:?)[ \t]*\n", re.I)
_TRAILER = re.compile(r"\n[ \t]*(?:#{1,3}[ \t]*\S.*|\[/Solution\])\s*$")


@dataclasses.dataclass(frozen=True)
class CorpusConfig(FromMapping):
    """Filters applied to parsed generations."""

    min_rows: int = 1
    min_problem_chars: int = 10
    min_solution_chars: int = 10
    drop_truncated: bool = True
    require_answer: bool = True
    check_arithmetic: bool = True
    check_grounding: bool = False
    dedup: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    decontam: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def parse_cot_generation(text: str) -> tuple[str, str] | None:
    """Split a generation into (problem, solution), or None when there is no solution header."""
    match = _SOLUTION_HEADER.search(text)
    if match is None:
        return None
    problem = _PROBLEM_HEADER.sub("", text[: match.start()], count=1).strip()
    solution = text[match.end() :].strip()
    solution = _TRAILER.sub("", solution).strip()  # a stray header the model began afterwards
    if not problem or not solution:
        return None
    return problem, solution


def failed_check(cfg: CorpusConfig, problem: str, solution: str) -> str | None:
    """The name of the first enabled quality check the row fails, or None."""
    if cfg.require_answer and not has_final_answer(solution):
        return "no_final_answer"
    if cfg.check_arithmetic and not arithmetic_ok(solution):
        return "false_arithmetic"
    if cfg.check_grounding and not grounded(problem, solution):
        return "ungrounded_numbers"
    return None


def to_row(problem: str, solution: str) -> dict[str, str]:
    """A training row in the released corpora's format."""
    return {"input": f"## Question\n{problem}\n\n## Solution\n", "output": solution}


class CleaningPass:
    """Decontamination, then exact and near-duplicate removal, over rows as they come; shared by
    the CoT and tool corpora."""

    def __init__(
        self,
        decontam: Mapping[str, Any],
        dedup: Mapping[str, Any],
        benchmarks: Mapping[str, str] | None,
    ) -> None:
        self.decon = Decontaminator.from_files(
            benchmarks or {}, DecontamConfig.from_mapping(decontam)
        )
        self.dedup = NearDuplicateIndex(DedupConfig.from_mapping(dedup))
        self.contaminated: list[list[tuple[str, str]]] = []

    def reject(self, text: str) -> str | None:
        """`contaminated`, `duplicate` or `near_duplicate` for a row to drop, else None."""
        found = self.decon.matches(text)
        if found:  # before dedup: a contaminated row never represents later ones
            self.contaminated.append(found)
            return "contaminated"
        _, kind = self.dedup.add_classified(text)
        if kind == "kept":
            return None
        return "duplicate" if kind == "exact_duplicate" else kind

    def stats(self) -> dict[str, Any]:
        """Dedup counters, and the decontamination settings, index and matched benchmark ids."""
        return {
            "dedup": self.dedup.stats,
            "decontamination": {
                "n": self.decon.stats["n"],
                "min_matches": self.decon.stats["min_matches"],
                "indexed": self.decon.stats["benchmarks"],
                "matched": summarize_matches(self.contaminated),
            },
        }


# The data funnel: a row reaches each stage in turn; `stats.json` counts them per source.
FUNNEL_STAGES = ("in", "parsed", "checked", "decontaminated", "kept")
# Where a drop reason stops a row that is past parsing (parse failures stop it at "in").
_STOPPED_AT = {
    "contaminated": "checked",
    "duplicate": "decontaminated",
    "near_duplicate": "decontaminated",
}


class Funnel:
    """Rows per source that reached each of `FUNNEL_STAGES` (in -> parsed -> passed the quality
    checks -> not contaminated -> kept after dedup)."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}
        self._reasons: dict[str, Counter[tuple[str, str]]] = {}

    def reached(self, source: str, stage: str, reason: str | None = None) -> None:
        """Count a row that got as far as `stage` (so also every stage before it); `reason`:
        why it went no further (a row that is kept has none)."""
        counts = self._counts.setdefault(source, Counter())
        for name in FUNNEL_STAGES[: FUNNEL_STAGES.index(stage) + 1]:
            counts[name] += 1
        if reason is not None:
            self._reasons.setdefault(source, Counter())[stage, reason] += 1

    def dropped_after_parsing(self, source: str, reason: str) -> None:
        """Count a parsed row dropped for `reason` (a quality check, or a cleaning-pass one)."""
        self.reached(source, _STOPPED_AT.get(reason, "parsed"), reason)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Per source: rows at each stage, and `dropped_at`: the last stage reached -> reason ->
        rows (e.g. {"parsed": {"false_arithmetic": 2707}})."""
        out: dict[str, dict[str, Any]] = {}
        for source, counts in sorted(self._counts.items()):
            dropped: dict[str, dict[str, int]] = {}
            for (stage, reason), n in sorted(self._reasons.get(source, Counter()).items()):
                dropped.setdefault(stage, {})[reason] = n
            out[source] = {
                **{stage: counts[stage] for stage in FUNNEL_STAGES},
                "dropped_at": dropped,
            }
        return out


def source_of(record: Mapping[str, Any], default: str = "unknown") -> str:
    """The source name a generation row carries (`source`, set from its prompt)."""
    return str(record.get("source") or default)


def local_sources(benchmarks: Mapping[str, str] | None) -> list[str]:
    """The benchmark sources that are local files (hashed into manifests; hf:// ones are not)."""
    return [s for s in (benchmarks or {}).values() if not s.startswith("hf://")]


def count_failures(failures: Sequence[str]) -> dict[str, int]:
    """Rows that failed to generate, by reason, from the shards' `.failures.jsonl` sidecars."""
    counts: Counter[str] = Counter()
    for path in failures:
        for _, record in read_jsonl(path, required=("id", "reason")):
            counts[str(record["reason"])] += 1
    return dict(sorted(counts.items()))


def write_corpus(
    kept: Sequence[dict[str, Any]],
    summary: dict[str, Any],
    *,
    min_rows: int,
    output: str,
    stats: str,
    inputs: Mapping[str, Any],
    params: Mapping[str, Any],
) -> None:
    """Fail loudly below `min_rows`, else write the corpus, its stats and its manifest."""
    log.info("corpus: in %d, kept %d, dropped %s", summary["in"], len(kept), summary["dropped"])
    if summary["decontamination"]["matched"]["rows"]:
        log.info("decontamination: %s", summary["decontamination"])
    if len(kept) < min_rows:
        raise DataError(
            f"only {len(kept)} of {summary['in']} generations survived parsing and filters "
            f"(min_rows={min_rows}; dropped {summary['dropped']}); "
            f"inputs: {', '.join(inputs['generations'])}"
        )
    write_jsonl(output, kept)
    write_json(stats, summary)
    write_manifest(
        output,
        inputs=inputs,
        outputs=[stats],
        params=params,
        counts={k: summary[k] for k in ("in", "kept", "dropped")},
    )


def iter_generations(
    generations: Sequence[str],
    drop_truncated: bool,
    dropped: Counter[str],
    funnel: Funnel,
    default_source: str = "unknown",
) -> Iterator[dict[str, Any]]:
    """Generation records of all shards, in order; truncated ones counted in `dropped` (and
    `funnel`) and skipped when `drop_truncated`. DataError naming file:line for a bad record."""
    for path in generations:
        for lineno, record in read_jsonl(path, required=("id", "generated_text")):
            if not isinstance(record["generated_text"], str):
                raise DataError(f"{path}:{lineno}: 'generated_text' must be a string")
            if drop_truncated and record.get("finish_reason") == "length":
                dropped["truncated"] += 1
                funnel.reached(source_of(record, default_source), "in", "truncated")
                continue
            yield record


def run_build_corpus(
    cfg: CorpusConfig,
    *,
    generations: Sequence[str],
    output: str,
    stats: str,
    benchmarks: Mapping[str, str] | None = None,
    failures: Sequence[str] = (),
) -> dict[str, Any]:
    """Parse, filter, decontaminate (against `benchmarks`: name -> file) and dedup all
    generation shards into one corpus JSONL; rows that failed to generate (the shards'
    `.failures.jsonl` sidecars) are counted by reason."""
    dropped: Counter[str] = Counter()
    funnel = Funnel()
    cleaning = CleaningPass(cfg.decontam, cfg.dedup, benchmarks)
    kept: list[dict[str, Any]] = []
    n_in = 0
    for record in iter_generations(generations, cfg.drop_truncated, dropped, funnel):
        n_in += 1
        source = source_of(record)
        parsed = parse_cot_generation(record["generated_text"])
        if parsed is None:
            dropped["no_solution_header"] += 1
            funnel.reached(source, "in", "no_solution_header")
            continue
        problem, solution = parsed
        if len(problem) < cfg.min_problem_chars or len(solution) < cfg.min_solution_chars:
            dropped["too_short"] += 1
            funnel.reached(source, "in", "too_short")
            continue
        reason = failed_check(cfg, problem, solution) or cleaning.reject(f"{problem}\n{solution}")
        if reason:
            dropped[reason] += 1
            funnel.dropped_after_parsing(source, reason)
            continue
        funnel.reached(source, "kept")
        row = to_row(problem, solution)
        kept.append({**row, "id": record["id"], "source": record.get("source", "")})
    n_in += dropped["truncated"]
    summary: dict[str, Any] = {
        "in": n_in,
        "kept": len(kept),
        "dropped": dict(sorted(dropped.items())),
        "funnel": funnel.as_dict(),
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
