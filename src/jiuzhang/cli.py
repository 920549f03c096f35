"""`jiuzhang`: command-line tools around a pipeline run.

jiuzhang provenance results/report/table.md          # the chain back to the raw shards
jiuzhang provenance --json --no-verify results/packed/train/packed.safetensors
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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
