"""Build filled synthesis prompts from one source's MathPile-format shards and shard them.

Reads `.jsonl(.gz)` files with a `text` field (MathPile layout), writes `n_shards` JSONL files of
rows `{id, source, level, subset, prompt}` plus a manifest. Row ids are `{source}-{doc}-{k}` (file
order, document index, snippet index) and the level of a row is a pure function of (seed, id),
so the output does not depend on worker counts (SPEC §6.11). Rows go round-robin to shards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterator, Mapping, Sequence

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path, dumps_jsonl_line, open_text_write, read_jsonl
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.seeding import stable_choice
from jiuzhang.prepare.snippets import textbook_snippets, wiki_snippets
from jiuzhang.prepare.templates import LEVELS, fill, load_templates, ordered

log = logging.getLogger(__name__)

BUILDERS = ("textbook", "wiki")


@dataclasses.dataclass(frozen=True)
class PrepareConfig(FromMapping):
    """How one source becomes prompt shards."""

    source: str
    builder: str
    extract_size: int = 1000
    n_shards: int = 1
    seed: int = 42
    max_docs: int = 0  # 0 = all

    def __post_init__(self) -> None:
        if self.builder not in BUILDERS:
            raise ValueError(f"unknown builder {self.builder!r}; known: {', '.join(BUILDERS)}")
        if self.extract_size < 1 or self.n_shards < 1:
            raise ValueError("extract_size and n_shards must be >= 1")


def iter_documents(paths: Sequence[str | os.PathLike[str]], max_docs: int = 0) -> Iterator[dict]:
    """Stream `{text, subset}` documents from MathPile-format files; `text` must be a string."""
    count = 0
    for path in paths:
        for lineno, record in read_jsonl(path, required=("text",)):
            if not isinstance(record["text"], str):
                raise DataError(f"{path}:{lineno}: field 'text' must be a string")
            yield {"text": record["text"], "subset": str(record.get("subset", ""))}
            count += 1
            if max_docs and count >= max_docs:
                return


def build_rows(
    cfg: PrepareConfig, docs: Iterator[dict], templates: Mapping[str, str]
) -> Iterator[dict]:
    """Filled prompt rows for one source: textbook = one random level per section, wiki = all 8."""
    for doc_index, doc in enumerate(docs):
        if cfg.builder == "textbook":
            snippets = textbook_snippets(doc["text"], cfg.extract_size)
            for k, snippet in enumerate(snippets):
                row_id = f"{cfg.source}-{doc_index:06d}-{k:03d}"
                level = stable_choice(LEVELS, cfg.seed, cfg.source, row_id)
                yield _row(
                    row_id, cfg.source, level, doc["subset"], fill(templates[level], snippet)
                )
        else:  # wiki: SPEC §1.3, every document expands into one prompt per level
            for snippet in wiki_snippets(doc["text"], cfg.extract_size):
                for k, (level, template) in enumerate(ordered(templates)):
                    row_id = f"{cfg.source}-{doc_index:06d}-{k:03d}"
                    yield _row(row_id, cfg.source, level, doc["subset"], fill(template, snippet))


def _row(row_id: str, source: str, level: str, subset: str, prompt: str) -> dict:
    return {"id": row_id, "source": source, "level": level, "subset": subset, "prompt": prompt}


def run_prepare(
    cfg: PrepareConfig,
    *,
    inputs: Sequence[str | os.PathLike[str]],
    templates: Sequence[str | os.PathLike[str]],
    outputs: Sequence[str | os.PathLike[str]],
) -> dict[str, int]:
    """Write `len(outputs)` prompt shards for one source; return counts per level."""
    if len(outputs) != cfg.n_shards:
        raise ValueError(f"{len(outputs)} output paths for n_shards={cfg.n_shards}")
    if not inputs:
        raise DataError(f"source {cfg.source!r}: no input files configured")
    loaded = load_templates(list(templates))
    per_shard = [0] * cfg.n_shards
    per_level = dict.fromkeys(LEVELS, 0)
    n_docs = 0

    def counted(docs: Iterator[dict]) -> Iterator[dict]:
        nonlocal n_docs
        for doc in docs:
            n_docs += 1
            yield doc

    # Stream rows straight into the shard files; all are renamed into place only at the end.
    with contextlib.ExitStack() as stack:
        tmp_paths = [stack.enter_context(atomic_path(p)) for p in outputs]
        handles = [stack.enter_context(open_text_write(t)) for t in tmp_paths]
        docs = counted(iter_documents(inputs, cfg.max_docs))
        for i, row in enumerate(build_rows(cfg, docs, loaded)):
            handles[i % cfg.n_shards].write(dumps_jsonl_line(row))
            per_shard[i % cfg.n_shards] += 1
            per_level[row["level"]] += 1
        n_rows = sum(per_level.values())
        if n_rows < cfg.n_shards:
            files = ", ".join(map(str, inputs))
            raise DataError(
                f"source {cfg.source!r} ({files}): {n_docs} documents gave {n_rows} prompts, "
                f"fewer than n_shards={cfg.n_shards}, so some shard would be empty"
            )
    for path, n in zip(outputs, per_shard, strict=True):
        write_manifest(
            path,
            inputs={"sources": list(inputs), "templates": list(templates)},
            params=dataclasses.asdict(cfg),
            seed=cfg.seed,
            counts={"rows": n, "documents": n_docs, "per_level": per_level},
        )
    log.info("source %s: %d documents -> %d prompts %s", cfg.source, n_docs, n_rows, per_level)
    return per_level
