"""Grader agreement and speed on the labelled set: ours vs Math-Verify vs a harness-style grader.

    python bench/grader.py [--cases FILE ...] [--show-disagreements]

Default cases: tests/data/grading/cases.jsonl (1,381-style answers across the seven benchmarks)
and tests/data/grading/latex_cases.jsonl (LaTeX answers outside \\boxed{}: relations, matrices,
intervals, equations, identities, choices, several answers, golds in forgiving forms), with
agreement per benchmark and per kind.

Every grader sees the same case: the full completion and the reference answer cut from the raw
gold field by the benchmark's rule (`reference_answer`); ours is also run through the CLI's
path. Agreement = share of cases where the grader's verdict equals the label fixed when the case
was built. Speed = cases/s over one cold pass in this process (our symbolic checks run in one
helper process that this pass starts; Math-Verify uses its own SIGALRM timeouts, main thread).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from harness_baseline import grade as harness_grade  # noqa: E402

from jiuzhang.common.io import load_jsonl  # noqa: E402
from jiuzhang.evaluation.benchmarks import reference_answer  # noqa: E402
from jiuzhang.evaluation.grade import grade  # noqa: E402

Verdict = Callable[[dict], bool]


def ours(case: dict) -> bool:
    return grade(case["prediction"], case["ref"], case["benchmark"])[1]


def harness(case: dict) -> bool:
    return harness_grade(case["prediction"], case["ref"])[1]


def math_verify() -> Verdict:
    import logging

    from math_verify import parse, verify

    logging.getLogger("math_verify").setLevel(logging.ERROR)

    def judge(case: dict) -> bool:
        gold = parse(f"${case['ref']}$")
        return bool(verify(gold, parse(case["prediction"])))

    return judge


def _group(case: dict) -> str:
    """The kind without its rewrite/near-miss polarity: "rewrite/units" -> "units"."""
    kind = case["kind"]
    return kind.split("/", 1)[1] if kind.startswith(("rewrite/", "near-miss/")) else kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    grading = ROOT / "tests/data/grading"
    parser.add_argument(
        "--cases", type=Path, nargs="+",
        default=[grading / "cases.jsonl", grading / "latex_cases.jsonl"],
    )  # fmt: skip
    parser.add_argument("--show-disagreements", action="store_true")
    args = parser.parse_args()
    cases = [case for path in args.cases for case in load_jsonl(path)]
    for case in cases:
        case["ref"] = reference_answer(case["benchmark"], case["gold"])
    graders: dict[str, Verdict] = {"ours": ours, "math-verify": math_verify(), "harness": harness}
    benches = sorted({c["benchmark"] for c in cases})
    names = ", ".join(str(p) for p in args.cases)
    print(f"{len(cases)} labelled cases ({sum(c['label'] for c in cases)} true), {names}")
    header = f"{'grader':<12} {'agree%':>7} {'cases/s':>9} " + " ".join(f"{b:>8}" for b in benches)
    print(header)
    speeds: dict[str, float] = {}
    agree: dict[str, list[bool]] = {}
    for name, judge in graders.items():
        start = time.perf_counter()
        verdicts = [judge(case) for case in cases]
        elapsed = time.perf_counter() - start
        speeds[name] = len(cases) / elapsed
        hits = [v == c["label"] for v, c in zip(verdicts, cases, strict=True)]
        agree[name] = hits
        per_bench = Counter()
        totals = Counter(c["benchmark"] for c in cases)
        for hit, case in zip(hits, cases, strict=True):
            per_bench[case["benchmark"]] += hit
        cells = " ".join(f"{100 * per_bench[b] / totals[b]:8.1f}" for b in benches)
        print(f"{name:<12} {100 * sum(hits) / len(cases):7.2f} {speeds[name]:9.0f} {cells}")
        if args.show_disagreements:
            for hit, verdict, case in zip(hits, verdicts, cases, strict=True):
                if not hit:
                    print(f"   {case['id']} label={case['label']} said={verdict} {case['kind']}")
    print(f"speed ratio ours / math-verify: {speeds['ours'] / speeds['math-verify']:.1f}x")
    groups = sorted({_group(c) for c in cases})
    print(f"\nagreement % per kind ({len(groups)} kinds)")
    print(f"{'kind':<26} {'n':>4} " + " ".join(f"{name:>11}" for name in graders))
    for group in groups:
        members = [i for i, c in enumerate(cases) if _group(c) == group]
        cells = " ".join(
            f"{100 * sum(agree[name][i] for i in members) / len(members):11.1f}" for name in graders
        )
        print(f"{group:<26} {len(members):>4} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
