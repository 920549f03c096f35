"""`jiuzhang`: command-line tools around a pipeline run.

jiuzhang provenance results/report/table.md          # the chain back to the raw shards
jiuzhang provenance --json --no-verify results/packed/train/packed.safetensors
jiuzhang generate --backend vllm --model DIR --prompts p.jsonl --output o.jsonl  # any backend
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from jiuzhang.common.errors import DataError


def _provenance(args: argparse.Namespace) -> int:
    from jiuzhang.common.provenance import CHANGED, MISSING, render, to_json, trace, walk

    try:
        root = trace(
            args.file,
            workdir=Path(args.workdir) if args.workdir else None,
            verify=not args.no_verify,
        )
    except DataError as exc:
        print(f"jiuzhang provenance: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(to_json(root), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(root))
    return 1 if any(n.status in (CHANGED, MISSING) for n in walk(root)) else 0


def _generate(args: argparse.Namespace) -> int:
    from jiuzhang.common.logs import log_to
    from jiuzhang.generation.engine_env import run_job

    try:
        options, sampling = json.loads(args.options), json.loads(args.sampling)
    except json.JSONDecodeError as exc:
        print(f"jiuzhang generate: --options/--sampling: invalid JSON ({exc})", file=sys.stderr)
        return 2
    backend = {"name": args.backend, "python": args.python, "options": options}
    with log_to(None):
        timing = run_job(
            backend,
            "jiuzhang.generation.batch:run_generate",
            dict(
                prompts=args.prompts,
                output=args.output,
                model=args.model,
                backend=args.backend,
                backend_options=options,
                sampling=sampling,
                repeats=args.repeats,
            ),
            log_path=None,
        )
    json.dump(timing, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jiuzhang", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prov = sub.add_parser(
        "provenance",
        help="print how an artifact was made, back to the raw input files",
        description="Follow the artifact's manifest and its inputs' manifests back to the raw "
        "files; every recorded sha256 is checked against the file on disk (exit 1 when one "
        "differs or is missing).",
    )
    prov.add_argument("file", help="an artifact (or a file inside an artifact folder)")
    prov.add_argument("--workdir", help="the workflow folder (default: nearest with a Snakefile)")
    prov.add_argument("--json", action="store_true", help="print the tree as JSON")
    prov.add_argument(
        "--no-verify", action="store_true", help="do not re-hash files (fast on big models)"
    )
    prov.set_defaults(func=_provenance)
    gen = sub.add_parser(
        "generate",
        help="generate completions for a JSONL of {id, prompt} rows with any backend",
        description="Writes {id, text, finish_reason, n_tokens} rows in input order and prints "
        "the timing (engine start-up, generation) as JSON. A vllm backend runs in the vLLM "
        "environment (make vllm).",
    )
    gen.add_argument("--backend", choices=("transformers", "vllm", "openai"), required=True)
    gen.add_argument("--model", required=True, help="model folder, hub id or served name")
    gen.add_argument("--prompts", required=True, help="JSONL of {id, prompt} rows")
    gen.add_argument("--output", required=True, help="JSONL to write")
    gen.add_argument("--options", default="{}", help="backend options as JSON")
    gen.add_argument("--sampling", default="{}", help="sampling settings as JSON (greedy)")
    gen.add_argument("--python", help="vllm: the vLLM environment's interpreter")
    gen.add_argument("--repeats", type=int, default=1, help="generation passes (fastest kept)")
    gen.set_defaults(func=_generate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
