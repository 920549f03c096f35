"""Corpus deduplication and decontamination: rows/s and peak RSS on the released samples.

    python bench/dedup.py [--rows 50000] [--samples-dir ../shared/samples]
                          [--bench-dir ../shared/benchmarks] [--threshold 0.8] [--n 13]

The rows are the samples' `input + output` texts (3000 real synthesized rows), repeated up to
`--rows`: the first copy of each is verbatim, later copies are rewritten so that most are new texts
(a third of their words replaced) and some are duplicates (10% exact copies with other case and
whitespace, 10% near copies with two words replaced). Each phase runs in a fresh child process, so
its peak RSS is its own:

- dedup: `find_duplicates` over all rows (exact + MinHash LSH near-duplicates);
- decontam: building the 13-gram index of every benchmark (`Decontaminator.from_files`), then
  `matches` on every row.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jiuzhang.corpus.decontam import (  # noqa: E402
    DecontamConfig,
    Decontaminator,
    summarize_matches,
)
from jiuzhang.corpus.dedup import DedupConfig, find_duplicates  # noqa: E402
from jiuzhang.evaluation.benchmarks import BENCHMARKS  # noqa: E402


def load_rows(samples_dir: Path, rows: int, seed: int = 0) -> list[str]:
    """`rows` texts: the samples verbatim, then rewritten copies (see the module docstring)."""
    base = []
    for path in sorted(glob.glob(str(samples_dir / "*.jsonl"))):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                base.append(record["input"] + record["output"])
    if not base:
        raise SystemExit(f"no *.jsonl samples in {samples_dir}")
    rng = random.Random(seed)
    vocab = sorted({word for text in base[:200] for word in text.split()})
    texts = list(base[:rows])
    while len(texts) < rows:
        words = rng.choice(base).split()
        kind = rng.random()
        if kind < 0.1:  # exact duplicate up to case and whitespace
            texts.append("  ".join(words).upper())
            continue
        edits = 2 if kind < 0.2 else max(2, len(words) // 3)
        for _ in range(edits):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        texts.append(" ".join(words))
    return texts


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(args: argparse.Namespace) -> dict[str, object]:
    """One phase in this process; returns its figures."""
    texts = load_rows(args.samples_dir, args.rows)
    loaded_mb = _peak_rss_mb()
    if args.phase == "dedup":
        start = time.perf_counter()
        result = find_duplicates(texts, DedupConfig(threshold=args.threshold))
        seconds = time.perf_counter() - start
        extra = {"dropped": sum(r is not None for r in result)}
    else:
        files = {name: str(args.bench_dir / name / "test.jsonl") for name in BENCHMARKS}
        start = time.perf_counter()
        decon = Decontaminator.from_files(files, DecontamConfig(n=args.n))
        build = time.perf_counter() - start
        start = time.perf_counter()
        found = [decon.matches(text) for text in texts]
        seconds = time.perf_counter() - start
        summary = summarize_matches(found)
        extra = {
            "index_build_s": round(build, 2),
            "distinct_ngrams": decon.stats["distinct_ngrams"],
            "contaminated": summary["rows"],
            "per_benchmark": {k: v["rows"] for k, v in summary["benchmarks"].items()},
        }
    return {
        "phase": args.phase,
        "rows": len(texts),
        "seconds": round(seconds, 2),
        "rows_per_s": round(len(texts) / seconds),
        "rss_after_loading_mb": round(loaded_mb),
        "peak_rss_mb": round(_peak_rss_mb()),
        **extra,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--samples-dir", type=Path, default=ROOT.parent / "shared/samples")
    parser.add_argument("--bench-dir", type=Path, default=ROOT.parent / "shared/benchmarks")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--n", type=int, default=13)
    parser.add_argument("--phase", choices=("dedup", "decontam"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args)))
        return 0
    print(f"{args.rows} rows from {args.samples_dir}")
    for phase in ("dedup", "decontam"):
        command = [sys.executable, __file__, "--phase", phase, *sys.argv[1:]]
        out = subprocess.run(command, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{phase:<9} {figures['rows_per_s']:>8} rows/s  {figures['seconds']:>7} s  "
            f"peak RSS {figures['peak_rss_mb']} MB (texts loaded: "
            f"{figures['rss_after_loading_mb']} MB)"
        )
        shown = {"phase", "rows", "seconds", "rows_per_s", "peak_rss_mb", "rss_after_loading_mb"}
        details = {k: v for k, v in figures.items() if k not in shown}
        print(f"          {json.dumps(details)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
