"""Generation throughput: the `transformers` backend in-process vs the `openai` backend against a
real `transformers serve`, on one model, greedy, same prompts.

    .venv/bin/python bench/generation.py [--model DIR] [--prompts 32] [--max-new-tokens 32]
        [--device auto] [--dtype auto] [--batch-sizes 1 8] [--no-serve]

Without `--model` it builds the tiny random-init Llama of the tests (hidden 32, 2 layers). Prints
the server's start-up time (process start to a listed model), prompts/s and generated tokens/s
per backend setting, and checks that greedy text is the same everywhere. The `openai` part needs
`transformers[serving]`; `--no-serve` skips it (e.g. the GPU synthesis figure: `--device cuda
--dtype bfloat16 --batch-sizes 1 32 128 --max-new-tokens 512 --prompts 512 --no-serve`).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from jiuzhang.generation import SamplingConfig, make_generator
from jiuzhang.generation.local_server import serve_model


def tiny_model(root: Path) -> str:
    """The tests' tiny random-init Llama (untied embeddings), saved under `root`."""
    from jiuzhang.tiny.model import random_llama

    return str(random_llama(root, seed=1, tied=False, max_positions=256))


def main() -> int:
    """Time each backend setting once (after a warm-up request) and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="local model folder (default: build the tiny one)")
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto", help="auto: bfloat16 on CUDA, float32 on CPU")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--no-serve", action="store_true", help="skip the openai backend")
    args = parser.parse_args()
    prompts = [
        f"## Question\nMia has {i} pencils and {i + 2} pens.\n\n## Solution\n"
        for i in range(args.prompts)
    ]
    sampling = SamplingConfig(max_new_tokens=args.max_new_tokens)
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or tiny_model(Path(tmp))
        model = str(Path(model).resolve())
        rows: list[tuple[str, float, list[str], int]] = []
        options = {"device": args.device, "dtype": args.dtype}
        for batch_size in args.batch_sizes:
            generator = make_generator("transformers", model, {**options, "batch_size": batch_size})
            generator.generate(prompts[:1], sampling)
            start = time.perf_counter()
            out = generator.generate(prompts, sampling)
            rows.append(
                (
                    f"transformers batch_size={batch_size}",
                    time.perf_counter() - start,
                    [g.text for g in out],
                    sum(g.n_tokens for g in out),
                )
            )
        if args.no_serve:
            return _report(rows, prompts)
        with serve_model(model, Path(tmp) / "serve.log") as server:
            print(f"transformers serve start-up: {server.startup_s:.1f} s")
            for concurrency in (1, 4, 8):
                options = {"base_url": server.base_url, "concurrency": concurrency}
                generator = make_generator("openai", server.model, options)
                generator.generate(prompts[:1], sampling)
                start = time.perf_counter()
                out = generator.generate(prompts, sampling)
                rows.append(
                    (
                        f"openai concurrency={concurrency}",
                        time.perf_counter() - start,
                        [g.text for g in out],
                        sum(g.n_tokens for g in out),
                    )
                )
    return _report(rows, prompts)


def _report(rows: list[tuple[str, float, list[str], int]], prompts: list[str]) -> int:
    for name, seconds, _, tokens in rows:
        print(
            f"{name:32s} {seconds:7.2f} s  {len(prompts) / seconds:7.1f} prompts/s  "
            f"{tokens / seconds:9.0f} generated tokens/s"
        )
    reference = rows[0][2]
    same = all(texts == reference for _, _, texts, _ in rows)
    print(f"greedy text identical across settings: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
