"""The training data of continued pre-training as a two-phase curriculum (SPEC §3.1, fixed).

Phases come in config order -- the paper: CoT + tool pre-training corpora, then the SFT corpus --
and each phase's rows are shuffled with a seed, so training without shuffling (as the original
did) sees all pre-training rows first and the SFT block last, inside the WSD decay. Written as
one JSONL (`input`, `output`, `corpus`) plus a sidecar with each phase's row range and the rows
taken from every corpus.

The original materialised 9M rows as a Python list and shuffled them unseeded. Here the shuffle
is external: every emitted row gets a key from a seeded hash of (seed, phase, corpus, row,
copy); rows go to bucket files by the top bits of the key, and each bucket (a fixed fraction of
the phase) is sorted in memory. Memory is bounded by `bucket_rows`, the order depends only on the
seed and the inputs, and any format the prepare readers stream (JSONL, .gz, .zst, Parquet) works.

A corpus's `weight` is the expected number of copies of each row (2 repeats it, 0.5 keeps half,
chosen by the same hash); `max_rows` reads only its first rows. An empty corpus is logged (a tiny
run's tool corpus may have no verified row); a phase without any row is an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import struct
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.io import atomic_path, dumps_jsonl_line, write_json
from jiuzhang.common.manifest import write_manifest
from jiuzhang.prepare.sources import FieldSpec, iter_records

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class CorpusSpec(FromMapping):
    """One corpus of a phase: files or folders of `{input, output}` rows."""

    name: str
    paths: Sequence[str]
    weight: float = 1.0
    max_rows: int = 0
    input_field: str | None = "input"  # None: raw text, the whole row is output (trained on)
    output_field: str = "output"


@dataclasses.dataclass(frozen=True)
class PhaseSpec:
    name: str
    corpora: tuple[CorpusSpec, ...]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> PhaseSpec:
        corpora = tuple(CorpusSpec.from_mapping(c) for c in raw["corpora"])
        names = [c.name for c in corpora]
        if not corpora or len(set(names)) != len(names):
            raise ConfigError(f"phase {raw['name']!r}: corpora need unique names, got {names}")
        return cls(raw["name"], corpora)


def _key(seed: int, phase: str, corpus: str, row: int, copy: int) -> int:
    digest = hashlib.blake2b(f"{seed}\0{phase}\0{corpus}\0{row}\0{copy}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def _copies(weight: float, seed: int, phase: str, corpus: str, row: int) -> int:
    """floor(weight) copies, plus one more with probability frac(weight) (seeded per row)."""
    whole = int(weight)
    frac = weight - whole
    if frac and _key(seed, phase, corpus, row, -1) / 2**64 < frac:
        whole += 1
    return whole


def _rows(corpus: CorpusSpec) -> Iterator[tuple[str, str]]:
    inp = corpus.input_field
    spec = FieldSpec(fields=(corpus.output_field,) if inp is None else (inp, corpus.output_field))
    for n, record in enumerate(iter_records(list(corpus.paths), spec, allow_empty=True)):
        if corpus.max_rows and n >= corpus.max_rows:
            return
        yield ("" if inp is None else record[inp]), record[corpus.output_field]


_LEN = struct.Struct("<QI")  # key, length of the JSONL line that follows


def _shuffle_phase(
    phase: PhaseSpec, seed: int, out: Any, workdir: Path, bucket_bits: int
) -> dict[str, int]:
    """Write the phase's rows to `out` in seeded-key order; return rows taken per corpus."""
    n_buckets = 1 << bucket_bits
    paths = [workdir / f"{phase.name}.{b:05d}" for b in range(n_buckets)]
    handles = [open(p, "wb") for p in paths]  # noqa: SIM115 - closed below
    taken: dict[str, int] = {}
    try:
        for corpus in phase.corpora:
            count = 0
            for row, (inp, outp) in enumerate(_rows(corpus)):
                line = dumps_jsonl_line({"input": inp, "output": outp, "corpus": corpus.name})
                data = line.encode()
                for copy in range(_copies(corpus.weight, seed, phase.name, corpus.name, row)):
                    key = _key(seed, phase.name, corpus.name, row, copy)
                    handles[key >> (64 - bucket_bits)].write(_LEN.pack(key, len(data)) + data)
                    count += 1
            if count == 0:  # e.g. a tiny run's tool corpus where no program checked out
                log.warning("phase %s: corpus %s gave no rows", phase.name, corpus.name)
            taken[corpus.name] = count
        if not sum(taken.values()):
            raise DataError(f"phase {phase.name!r}: no rows in any of its corpora {list(taken)}")
    finally:
        for handle in handles:
            handle.close()
    for path in paths:  # buckets in key order; each sorted in memory
        blob = path.read_bytes()
        items, at = [], 0
        while at < len(blob):
            key, size = _LEN.unpack_from(blob, at)
            at += _LEN.size
            items.append((key, blob[at : at + size]))
            at += size
        items.sort()
        out.write(b"".join(data for _, data in items))
        path.unlink()
    return taken


def run_prepare_train_data(
    phases: Sequence[Mapping[str, Any]],
    *,
    output: str,
    sidecar: str,
    seed: int,
    bucket_bits: int = 8,
) -> dict[str, Any]:
    """Write the curriculum JSONL and its phase sidecar; return the sidecar document."""
    specs = [PhaseSpec.from_mapping(p) for p in phases]
    names = [p.name for p in specs]
    if len(set(names)) != len(names):
        raise ConfigError(f"phase names must be unique, got {names}")
    target = Path(output)
    table = []
    start = 0
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        with tempfile.TemporaryDirectory(prefix=f".{target.name}.buckets-", dir=target.parent) as w:
            for phase in specs:
                taken = _shuffle_phase(phase, seed, out, Path(w), bucket_bits)
                end = start + sum(taken.values())
                table.append({"name": phase.name, "documents": [start, end], "corpora": taken})
                log.info("phase %s: rows %d-%d %s", phase.name, start, end, taken)
                start = end
    document = {"phases": table, "rows": start, "seed": seed}
    write_json(sidecar, document)
    write_manifest(
        output,
        inputs={f"{p.name}/{c.name}": list(c.paths) for p in specs for c in p.corpora},
        outputs=[sidecar],
        params={"phases": [dict(p) for p in phases]},
        seed=seed,
        counts={"rows": start, **{p["name"]: p["documents"][1] - p["documents"][0] for p in table}},
    )
    return document
