"""Prompt building on a large generated source: throughput and peak memory (streaming check).

    python bench/prepare.py [--mb 200] [--builder textbook] [--n-shards 4] [--format jsonl.gz]
                            [--workdir DIR]

Generates a `.jsonl.gz` (or `.parquet`, 1000-row groups) source of about `--mb` MB on disk whose
records every builder can read (markdown `##` sections, LaTeX `\\section{}`s, MMIQC fields), plus
one a tenth of the size,
then runs `run_prepare` on each in a fresh child process and reports rows/s, input MB/s and the
child's peak RSS. Streaming means peak RSS does not grow with the input: the two runs should
report about the same figure. Also reported: the time to hash the input once, which every shard
manifest pays (`write_manifest` digests each input file).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = 20000  # vocabulary of made-up words: gzip ratio close to real English prose (~3x)
PARAGRAPHS = 6000  # pool of paragraphs, large enough that gzip's 32 KB window sees few repeats


def _pool(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(WORDS)]
    return [" ".join(rng.choices(vocab, k=rng.randint(40, 120))) + "." for _ in range(PARAGRAPHS)]


def _records(seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    pool = _pool(rng)
    for index in itertools.count():
        parts = []
        for s in range(rng.randint(2, 6)):
            parts.append(f"## Section {s}\n" if s % 2 else f"\\section{{Part {s}}}\n")
            parts.append("\n\n".join(rng.choices(pool, k=rng.randint(2, 5))))
        yield {
            "text": "Opening remark.\n" + "\n".join(parts),
            "subset": "bench",
            "meta": {"id": index},
            "instruction": rng.choice(pool),
            "output": "\n".join(rng.choices(pool, k=3)),
            "source": "stackexchange-math" if index % 4 else "MATH",
        }


def generate(path: Path, megabytes: float, seed: int = 0) -> dict[str, int]:
    """Write records until the file reaches `megabytes` MB; return record/byte counts.

    `raw_bytes` is the size of the same records as plain JSONL.
    """
    target = int(megabytes * 1e6)
    records = raw_bytes = 0
    stream = _records(seed)
    if path.name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        while path.stat().st_size < target if writer else True:
            batch = [next(stream) for _ in range(1000)]
            raw_bytes += sum(len(json.dumps(r)) + 1 for r in batch)
            records += len(batch)
            table = pa.Table.from_pylist(batch)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
        writer.close()
    else:
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            while raw.tell() < target:
                line = (json.dumps(next(stream)) + "\n").encode()
                gz.write(line)
                raw_bytes += len(line)
                records += 1
    return {"records": records, "raw_bytes": raw_bytes, "gz_bytes": path.stat().st_size}


def child(args: argparse.Namespace) -> None:
    """Run run_prepare once and print its counts, wall time and this process's peak RSS."""
    from jiuzhang.prepare import PrepareConfig, run_prepare
    from jiuzhang.prepare.templates import template_files

    source, out = Path(args.source), Path(args.out)
    outputs = [out / f"shard-{i:05d}.jsonl" for i in range(args.n_shards)]
    cfg = PrepareConfig(
        source="bench", builder=args.builder, n_shards=args.n_shards, extract_size=1000
    )
    start = time.perf_counter()
    counts = run_prepare(
        cfg, inputs=[source], templates=template_files(ROOT / "prompts/cot"), outputs=outputs
    )
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    out_bytes = sum(p.stat().st_size for p in outputs)
    print(json.dumps({"counts": counts, "seconds": elapsed, "peak_kb": peak_kb, "out": out_bytes}))


def measure(source: Path, out: Path, builder: str, n_shards: int) -> dict:
    """Run `child` in a fresh interpreter so that generation does not count towards its RSS."""
    command = [
        sys.executable,
        __file__,
        "--child",
        "--source",
        str(source),
        "--out",
        str(out),
        "--builder",
        builder,
        "--n-shards",
        str(n_shards),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def hash_seconds(path: Path) -> float:
    """Seconds to sha256 a file once (what each shard manifest spends per input file)."""
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="compressed size of the source")
    parser.add_argument("--builder", default="textbook")
    parser.add_argument("--n-shards", type=int, default=4)
    parser.add_argument("--format", choices=["jsonl.gz", "parquet"], default="jsonl.gz")
    parser.add_argument("--workdir", type=Path, default=None, help="kept if given")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-prepare-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for megabytes in (args.mb / 10, args.mb):
            source = work / f"source-{megabytes:g}MB.{args.format}"
            start = time.perf_counter()
            made = generate(source, megabytes)
            gen_s = time.perf_counter() - start
            result = measure(source, work / f"out-{megabytes:g}", args.builder, args.n_shards)
            counts, seconds = result["counts"], result["seconds"]
            print(
                f"{args.builder} on {made['gz_bytes'] / 1e6:.0f} MB {args.format} "
                f"({made['raw_bytes'] / 1e6:.0f} MB JSONL, {made['records']} records; "
                f"generated in {gen_s:.0f} s): {counts['rows']} prompts "
                f"({result['out'] / 1e6:.0f} MB) in {seconds:.1f} s = "
                f"{counts['rows'] / seconds:,.0f} rows/s, "
                f"{counts['records'] / seconds:,.0f} records/s, "
                f"{made['gz_bytes'] / 1e6 / seconds:.1f} MB/s {args.format} "
                f"({made['raw_bytes'] / 1e6 / seconds:.1f} MB/s JSONL); "
                f"peak RSS {result['peak_kb'] / 1024:.0f} MiB; "
                f"input sha256 once {hash_seconds(source):.2f} s "
                f"(x{args.n_shards} shard manifests)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
