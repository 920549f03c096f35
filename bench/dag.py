"""Dry-run cost of a paper-scale DAG: how long Snakemake takes to plan it, and its peak memory.

    .venv/bin/python bench/dag.py [--shards-per-source 150]

Plans config/paper/mistral-7b.yaml scaled to the real job counts in a temporary copy of the
workflow whose raw inputs are empty placeholder files: synthesis shards at the original's chunk of
8,000 prompts (about 6M prompts -> 750 shards over the five sources), the paper config's tool
shards, four models evaluated (three paper base models and the trained one) on seven benchmarks
with its two prompt types. Prints jobs, seconds and peak RSS; target < 10 s.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PARTS = ("Snakefile", "rules", "scripts", "config", "prompts", "envs", "profiles")
BENCHES = ("gsm8k", "math", "math-oai", "svamp", "asdiv", "mawps", "carp_en")


def paper_scale_config(shards_per_source: int) -> dict:
    """The Mistral-7B paper config with paper-scale fan-out."""
    config = yaml.safe_load((REPO / "config/paper/mistral-7b.yaml").read_text())
    config["prepare"]["n_shards"] = shards_per_source
    config["models"].update(
        {"llama3-8b": {"hub": "meta-llama/Meta-Llama-3-8B"},
         "mixtral-8x7b": {"hub": "mistralai/Mixtral-8x7B-v0.1"}}
    )  # fmt: skip
    config["evaluation"]["models"] = ["mistral-7b", "llama3-8b", "mixtral-8x7b", "jiuzhang3-7b"]
    config["evaluation"]["benchmarks"] = {b: f"data/benchmarks/{b}/test.jsonl" for b in BENCHES}
    return config


def main() -> int:
    """Plan the DAG once and print its size and cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards-per-source", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for part in PARTS:
            src = REPO / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / part)
        config = paper_scale_config(args.shards_per_source)
        inputs = [p for s in config["sources"].values() for p in s["paths"]]
        inputs += [config["synthesizer"]["kd_set"], *config["evaluation"]["benchmarks"].values()]
        inputs += [*config["tool_synthesis"]["seeds"], config["tool_synthesis"]["exemplars"]]
        for rel in inputs:
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).touch()
        (work / "bench.yaml").write_text(yaml.safe_dump(config))
        cmd = [sys.executable, "-m", "snakemake", "--configfile", "bench.yaml", "--dry-run",
               "--quiet", "rules", "--cores", "1"]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        return 1
    out = proc.stdout + proc.stderr
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", out, re.M)}
    total = counts.pop("total")
    print(f"jobs planned: {total}  ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print(f"dry-run wall time: {seconds:.2f} s (target < 10 s)")
    print(f"peak RSS of the snakemake process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
