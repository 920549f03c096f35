"""Evaluation throughput: `jiuzhang` and `jiuzhang_tora` on GSM8K and MATH-500 end to end
(prompting, batched generation, the tool loop with sandboxed execution, grading).

    .venv/bin/python bench/eval.py [--model DIR] [--bench-dir ../shared/benchmarks]
        [--limit 200] [--batch-size 64] [--max-new-tokens 512] [--device auto]

Without `--model` it uses the tests' tiny random-init Llama (its scores mean nothing; its speed
is the harness's overhead). On a GPU machine pass a real small model folder. Prints samples/s and
generated tokens/s over generation + tool execution per (prompt type, benchmark), and the
accuracy, so the figures for an issue note come from one command.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generation import tiny_model  # noqa: E402

from jiuzhang.evaluation.run import run_eval  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: a tiny random-init Llama)")
    parser.add_argument("--bench-dir", type=Path, default=ROOT.parent / "shared/benchmarks")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=512)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or tiny_model(Path(tmp))
        print(f"model {model}, limit {args.limit}, batch {args.batch_size}")
        print(f"{'prompt type':<14} {'benchmark':<9} {'n':>5} {'acc%':>6} {'samples/s':>10} "
              f"{'tokens/s':>10} {'tool calls':>10}")  # fmt: skip
        for ptype in ("jiuzhang", "jiuzhang_tora"):
            for bench in ("gsm8k", "math-oai"):
                out = Path(tmp) / ptype / bench
                metrics = run_eval(
                    model=model,
                    model_name="bench",
                    prompt_type_name=ptype,
                    benchmark=bench,
                    bench_source=str(args.bench_dir / bench / "test.jsonl"),
                    template=str(ROOT / f"prompts/eval/{ptype}.md"),
                    decoding={"temperature": 0.0, "max_new_tokens": args.max_new_tokens},
                    backend="transformers",
                    backend_options={"batch_size": args.batch_size, "device": args.device},
                    limit=args.limit,
                    preds_out=str(out / "predictions.jsonl"),
                    metrics_out=str(out / "metrics.json"),
                )
                seconds = metrics["timing"]["generate_s"]
                rate, tokens = metrics["n"] / seconds, metrics["generated_tokens"] / seconds
                print(
                    f"{ptype:<14} {bench:<9} {metrics['n']:>5} {metrics['accuracy']:>6.1f} "
                    f"{rate:>10.2f} {tokens:>10.1f} {metrics.get('tool_calls', 0):>10}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
