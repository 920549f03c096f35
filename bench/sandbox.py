"""Sandbox throughput and latency: a trivial program and `import sympy`, serial and run_many.

    .venv/bin/python bench/sandbox.py [--n 40] [--workers N]

For each isolation mode that works here prints executions/s and mean latency (the wall time one
execution reports, interpreter start included). Serial runs show the per-execution overhead;
run_many shows throughput with `workers` at once (default: one per CPU).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time

from jiuzhang.common.errors import ConfigError
from jiuzhang.sandbox import Sandbox, SandboxLimits

PROGRAMS = {"trivial": "1 + 1", "import sympy": "import sympy\nsympy.Integer(2) ** 10"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=40, help="executions per measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"{args.n} executions per row, run_many with {args.workers} workers")
    print(f"{'mode':8} {'program':13} {'how':9} {'exec/s':>7} {'mean ms':>8}")
    for mode in ("bwrap", "unshare"):
        try:
            sandbox = Sandbox(SandboxLimits(), isolation=mode, workers=args.workers)
        except ConfigError as exc:
            print(f"{mode:8} not available: {exc}")
            continue
        for name, code in PROGRAMS.items():
            for how in ("serial", "run_many"):
                start = time.perf_counter()
                if how == "serial":
                    results = [sandbox.run(code) for _ in range(args.n)]
                else:
                    results = sandbox.run_many([code] * args.n)
                elapsed = time.perf_counter() - start
                assert all(r.status == "ok" for r in results), results[0]
                mean_ms = 1000 * statistics.mean(r.wall_s for r in results)
                print(f"{mode:8} {name:13} {how:9} {args.n / elapsed:7.1f} {mean_ms:8.1f}")


if __name__ == "__main__":
    main()
