"""Grader agreement and speed on the labelled set: ours vs Math-Verify vs a harness-style grader.

    python bench/grader.py [--cases tests/data/grading/cases.jsonl] [--show-disagreements]

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/data/grading/cases.jsonl")
    parser.add_argument("--show-disagreements", action="store_true")
    args = parser.parse_args()
    cases = load_jsonl(args.cases)
    for case in cases:
        case["ref"] = reference_answer(case["benchmark"], case["gold"])
    graders: dict[str, Verdict] = {"ours": ours, "math-verify": math_verify(), "harness": harness}
    benches = sorted({c["benchmark"] for c in cases})
    print(f"{len(cases)} labelled cases ({sum(c['label'] for c in cases)} true), {args.cases}")
    header = f"{'grader':<12} {'agree%':>7} {'cases/s':>9} " + " ".join(f"{b:>8}" for b in benches)
    print(header)
    speeds: dict[str, float] = {}
    for name, judge in graders.items():
        start = time.perf_counter()
        verdicts = [judge(case) for case in cases]
        elapsed = time.perf_counter() - start
        speeds[name] = len(cases) / elapsed
        hits = [v == c["label"] for v, c in zip(verdicts, cases, strict=True)]
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
