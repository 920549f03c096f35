"""Build filled synthesis prompts from one source's files and shard them.

Reads a source's files as a stream (`sources`: JSONL, JSONL.gz, JSONL.zst, Parquet; folders expand
to their files), cuts snippets by the source's builder (`builders`, SPEC §1.3), fills the level
templates, and writes `n_shards` JSONL files of rows `{id, source, level, subset, prompt}` plus a
manifest each. Row ids are `{source}-{doc}-{k}` (document index over the source's kept records in
file order, snippet/prompt index within the document) and the level of a row is a pure function of
(seed, source, id), so the output depends on the inputs, config and seed only, never on worker
counts (SPEC §6.11). Row i goes to shard i mod n_shards, so shard counts only re-partition rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path, dumps_jsonl_line, open_text_write, write_json
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.seeding import stable_choice
from jiuzhang.prepare.builders import BUILDERS, get_builder
from jiuzhang.prepare.sources import ReadStats, iter_records, resolve_paths
from jiuzhang.prepare.templates import LEVELS, fill, load_templates

log = logging.getLogger(__name__)

__all__ = ["BUILDERS", "PrepareConfig", "build_rows", "iter_documents", "run_prepare"]


@dataclasses.dataclass(frozen=True)
class PrepareConfig(FromMapping):
    """How one source becomes prompt shards."""

    source: str
    builder: str
    extract_size: int = 1000
    n_shards: int = 1
    seed: int = 42
    max_docs: int = 0  # cap on documents (kept records) read; 0 = all
    max_rows: int = 0  # cap on prompts written (the first ones, in id order); 0 = all

    def __post_init__(self) -> None:
        get_builder(self.builder)  # ValueError naming the known builders
        if self.extract_size < 1 or self.n_shards < 1:
            raise ValueError("extract_size and n_shards must be >= 1")
        if self.max_docs < 0 or self.max_rows < 0:
            raise ValueError("max_docs and max_rows must be >= 0 (0 = no cap)")


def iter_documents(
    paths: Sequence[str | os.PathLike[str]],
    max_docs: int = 0,
    *,
    builder: str = "textbook",
    stats: ReadStats | None = None,
) -> Iterator[dict[str, str]]:
    """Stream the records a builder keeps (its declared fields, all strings), at most `max_docs`."""
    records = iter_records(paths, get_builder(builder).spec, stats)
    with contextlib.closing(records):
        yield from itertools.islice(records, max_docs or None)


def build_rows(
    cfg: PrepareConfig, docs: Iterator[Mapping[str, str]], templates: Mapping[str, str]
) -> Iterator[dict]:
    """Filled prompt rows for one source, in id order (SPEC §1.3).

    One prompt per snippet at a stable per-row level, except `all_levels` builders (wiki), which
    give one prompt per level in LEVELS order for every snippet.
    """
    builder = get_builder(cfg.builder)
    for doc_index, doc in enumerate(docs):
        subset = doc.get(builder.subset_field, "") if builder.subset_field else ""
        prefix = f"{cfg.source}-{doc_index:06d}"
        for s, snippet in enumerate(builder.snippets(doc, cfg.extract_size)):
            if builder.all_levels:
                levels = [(s * len(LEVELS) + i, level) for i, level in enumerate(LEVELS)]
            else:
                row_id = f"{prefix}-{s:03d}"
                levels = [(s, stable_choice(LEVELS, cfg.seed, cfg.source, row_id))]
            for k, level in levels:
                prompt = fill(templates[level], snippet)
                if builder.strip_prompt:
                    prompt = prompt.strip()
                yield _row(f"{prefix}-{k:03d}", cfg.source, level, subset, prompt)


def _row(row_id: str, source: str, level: str, subset: str, prompt: str) -> dict:
    return {"id": row_id, "source": source, "level": level, "subset": subset, "prompt": prompt}


def run_prepare(
    cfg: PrepareConfig,
    *,
    inputs: Sequence[str | os.PathLike[str]],
    templates: Sequence[str | os.PathLike[str]],
    outputs: Sequence[str | os.PathLike[str]],
    stats: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Write `len(outputs)` prompt shards (+ manifests) for one source; return its counts.

    Counts: `rows` and `by_level` (prompts written, per level), `documents` (records used),
    `records` (records read, before the builder's filter), `files`, `shards` (rows per shard).
    Each shard's manifest holds its own `rows`/`by_level` and the source's counts under `source`;
    `stats`, if given, receives the source's counts as JSON. On any error nothing is written.
    """
    if len(outputs) != cfg.n_shards:
        raise ValueError(f"{len(outputs)} output paths for n_shards={cfg.n_shards}")
    if not inputs:
        raise DataError(f"source {cfg.source!r}: no input files configured")
    files = resolve_paths(inputs)  # fail before reading anything
    loaded = load_templates(list(templates))
    shard_levels = [dict.fromkeys(LEVELS, 0) for _ in outputs]
    read = ReadStats()
    n_docs = 0

    def counted(docs: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
        nonlocal n_docs
        for doc in docs:
            n_docs += 1
            yield doc

    # Stream rows straight into the shard files; all are renamed into place only at the end.
    with contextlib.ExitStack() as stack:
        tmp_paths = [stack.enter_context(atomic_path(p)) for p in outputs]
        handles = [stack.enter_context(open_text_write(t)) for t in tmp_paths]
        docs = counted(iter_documents(files, cfg.max_docs, builder=cfg.builder, stats=read))
        built = stack.enter_context(contextlib.closing(build_rows(cfg, docs, loaded)))
        rows = itertools.islice(built, cfg.max_rows or None)  # stops reading at the cap
        for i, row in enumerate(rows):
            shard = i % cfg.n_shards
            handles[shard].write(dumps_jsonl_line(row))
            shard_levels[shard][row["level"]] += 1
        by_level = {level: sum(lv[level] for lv in shard_levels) for level in LEVELS}
        n_rows = sum(by_level.values())
        if n_rows < cfg.n_shards:
            names = ", ".join(map(str, inputs))
            raise DataError(
                f"source {cfg.source!r} ({names}): {n_docs} documents gave {n_rows} prompts, "
                f"fewer than n_shards={cfg.n_shards}, so some shard would be empty"
            )
    counts: dict[str, Any] = {
        "rows": n_rows,
        "by_level": by_level,
        "documents": n_docs,
        "records": read.records,
        "files": read.files,
        "shards": [sum(lv.values()) for lv in shard_levels],
    }
    if stats is not None:
        write_json(Path(stats), {"source": cfg.source, "builder": cfg.builder, **counts})
    for path, levels in zip(outputs, shard_levels, strict=True):
        write_manifest(
            path,
            inputs={"sources": [str(f) for f in files], "templates": list(templates)},
            outputs=[stats] if stats is not None else [],
            params=dataclasses.asdict(cfg),
            seed=cfg.seed,
            counts={"rows": sum(levels.values()), "by_level": levels, "source": counts},
        )
    log.info(
        "source %s (%s): %d records, %d documents -> %d prompts %s",
        cfg.source,
        cfg.builder,
        read.records,
        n_docs,
        n_rows,
        by_level,
    )
    return counts
