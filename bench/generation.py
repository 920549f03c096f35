"""Generation throughput, side by side: the vLLM backend vs the transformers backend (and, with
`--backends ... openai`, a real `transformers serve` behind the openai backend), on one model,
greedy, the same prompts, at several batch sizes.

    .venv/bin/python bench/generation.py [--model DIR] [--prompts 256] [--max-new-tokens 64]
        [--batch-sizes 1 16 64 256] [--backends transformers vllm] [--device auto] [--dtype auto]

The batch size is `batch_size` for transformers (prompts per `generate`), `max_num_seqs` for vLLM
(sequences scheduled at once) and `concurrency` for the openai backend. Engine start-up (model
load, vLLM's engine and KV cache) is timed apart from generation; generation is the faster of two
passes over all prompts. vLLM runs in its own environment (`make vllm`). Without `--model` it
builds a tiny random-init Llama (hidden 128, 32-wide heads as vLLM's CPU kernels need). Prints
prompts/s and generated tokens/s per setting, the vLLM / transformers ratio per batch size, and
checks that greedy text is identical everywhere (exit 1 if not).

GPU (when lent): `--model <7B folder> --device cuda --dtype bfloat16 --max-new-tokens 512`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from jiuzhang.generation.engine_env import run_job
from jiuzhang.generation.local_server import serve_model


def tiny_model(root: Path) -> str:
    """A tiny random-init Llama (untied embeddings), saved under `root`."""
    from jiuzhang.tiny.model import random_llama

    return str(random_llama(root, seed=1, tied=False, hidden_size=128, max_positions=512))


def _run(backend: str, model: str, options: dict, common: dict, out: Path) -> dict:
    kwargs = dict(common, model=model, backend=backend, backend_options=options, output=str(out))
    timing = run_job({"name": backend}, "jiuzhang.generation.batch:run_generate", kwargs,
                     log_path=str(out.with_suffix(".log")))  # fmt: skip
    texts = [json.loads(line)["text"] for line in out.read_text().splitlines()]
    return {**timing, "texts": texts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="local model folder (default: build a tiny one)")
    parser.add_argument("--prompts", type=int, default=256)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 16, 64, 256])
    parser.add_argument("--backends", nargs="+", default=["transformers", "vllm"],
                        choices=["transformers", "vllm", "openai"])  # fmt: skip
    parser.add_argument("--device", default="auto", help="transformers: auto, cpu, cuda")
    parser.add_argument("--dtype", default="auto", help="auto: bfloat16 on GPU, float32 on CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = str(Path(args.model or tiny_model(root)).resolve())
        prompts = root / "prompts.jsonl"
        prompts.write_text(
            "".join(
                json.dumps({"id": i, "prompt": f"## Question\nMia has {i} pencils and {i + 2} "
                            "pens. How many in all?\n\n## Solution\n"}) + "\n"
                for i in range(args.prompts)
            )
        )  # fmt: skip
        common = {"prompts": str(prompts), "repeats": 2,
                  "sampling": {"max_new_tokens": args.max_new_tokens}}  # fmt: skip
        rows: list[tuple[str, int, dict]] = []
        for size in args.batch_sizes:
            if "transformers" in args.backends:
                options = {"batch_size": size, "device": args.device, "dtype": args.dtype}
                out = root / f"transformers-{size}.jsonl"
                rows.append(
                    ("transformers", size, _run("transformers", model, options, common, out))
                )
            if "vllm" in args.backends:
                options = {"max_num_seqs": size, "dtype": args.dtype}
                out = root / f"vllm-{size}.jsonl"
                rows.append(("vllm", size, _run("vllm", model, options, common, out)))
        if "openai" in args.backends:
            with serve_model(model, root / "serve.log") as server:
                print(f"transformers serve start-up: {server.startup_s:.1f} s")
                for size in args.batch_sizes:
                    options = {"base_url": server.base_url, "concurrency": size}
                    out = root / f"openai-{size}.jsonl"
                    rows.append(
                        ("openai", size, _run("openai", server.model, options, common, out))
                    )
    return _report(rows, args.prompts)


def _report(rows: list[tuple[str, int, dict]], n_prompts: int) -> int:
    print(f"{'backend':13s} {'batch':>5s} {'start s':>8s} {'gen s':>7s} {'prompts/s':>10s} "
          f"{'tokens/s':>9s}")  # fmt: skip
    speed = {}
    for backend, size, r in rows:
        speed[backend, size] = r["tokens"] / r["generate_s"]
        print(f"{backend:13s} {size:5d} {r['load_s']:8.1f} {r['generate_s']:7.2f} "
              f"{n_prompts / r['generate_s']:10.1f} {speed[backend, size]:9.0f}")  # fmt: skip
    for (backend, size), tokens_s in speed.items():
        if backend != "transformers" and ("transformers", size) in speed:
            ratio = tokens_s / speed["transformers", size]
            print(f"{backend} / transformers at batch {size}: {ratio:.2f}x generated tokens/s")
    reference = rows[0][2]["texts"]
    same = all(r["texts"] == reference for _, _, r in rows)
    print(f"greedy text identical across backends and batch sizes: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
