"""Generate completions for one prompt shard, resumable after a kill.

Rows are generated in fixed batches in row order and appended to `<output>.partial` with a flush
and fsync per batch; a restarted job counts the complete lines already there and continues with
the next batch. Sampling is seeded per batch from (seed, shard, batch start), so a resumed shard is
identical to an uninterrupted one. The finished file is renamed into place atomically.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.hashing import file_sha256, text_sha256
from jiuzhang.common.io import dumps_jsonl_line, load_jsonl
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation import SamplingConfig, make_generator

log = logging.getLogger(__name__)


def _fingerprint(prompts: str, model: str, settings: Mapping[str, Any]) -> str:
    """What a partial file was generated from: prompt bytes, model files (name, size, mtime),
    settings. A partial file made from anything else is not resumed."""
    model_files = (
        sorted(
            (str(p.relative_to(model)), p.stat().st_size, p.stat().st_mtime_ns)
            for p in Path(model).rglob("*")
            if p.is_file()
        )
        if Path(model).is_dir()
        else model
    )
    return text_sha256(
        json.dumps([file_sha256(prompts), model_files, dict(settings)], sort_keys=True)
    )


def _resume_count(partial: Path, rows_per_batch: int, fingerprint: str) -> int:
    """Rows already generated: the partial file is cut back to its last whole batch."""
    key = partial.with_name(partial.name + ".key")
    if not partial.exists() or not key.is_file() or key.read_text().strip() != fingerprint:
        if partial.exists():
            log.warning("discarding %s: made from other inputs or settings", partial)
        partial.unlink(missing_ok=True)
        key.write_text(fingerprint + "\n")
        return 0
    lines = partial.read_bytes().split(b"\n")[:-1]  # whatever follows the last newline is torn
    whole = len(lines) - len(lines) % rows_per_batch
    for lineno, line in enumerate(lines[:whole], start=1):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{partial}:{lineno}: corrupt resume file; delete it") from None
    keep = sum(len(line) + 1 for line in lines[:whole])
    with open(partial, "r+b") as handle:
        handle.truncate(keep)
    return whole


def run_synth_shard(
    *,
    prompts: str,
    model: str,
    output: str,
    sampling: Mapping[str, Any],
    backend: str,
    backend_options: Mapping[str, Any],
    shard_key: str,
    rows_per_batch: int,
    samples_per_prompt: int = 1,
) -> int:
    """Generate `samples_per_prompt` completions for every row of the prompt shard `prompts`."""
    prompt_rows = load_jsonl(prompts, required=("id", "prompt"))
    if not prompt_rows:
        raise DataError(f"{prompts}: empty prompt shard")
    rows = [
        {**row, "id": f"{row['id']}-s{j}" if samples_per_prompt > 1 else row["id"]}
        for row in prompt_rows
        for j in range(samples_per_prompt)
    ]
    sampling_cfg = SamplingConfig.from_mapping(sampling)
    out = Path(output)
    partial = out.with_name(out.name + ".partial")
    settings = {
        "sampling": dict(sampling),
        "backend": backend,
        "rows_per_batch": rows_per_batch,
        "samples_per_prompt": samples_per_prompt,
        "shard_key": shard_key,
    }
    done = _resume_count(partial, rows_per_batch, _fingerprint(prompts, model, settings))
    if done > len(rows):
        raise DataError(f"{partial}: has {done} rows but the shard has {len(rows)}; delete it")
    if done:
        log.info("resuming %s after %d of %d rows", out, done, len(rows))
    generator = make_generator(backend, model, backend_options)
    with open(partial, "a", encoding="utf-8") as handle:
        for start in range(done, len(rows), rows_per_batch):
            batch = rows[start : start + rows_per_batch]
            gens = generator.generate(
                [r["prompt"] for r in batch],
                sampling_cfg,
                seed_offset=derive_seed(sampling_cfg.seed, shard_key, start),
            )
            for row, gen in zip(batch, gens, strict=True):
                record = {k: row[k] for k in ("id", "source", "level") if k in row}
                record.update(
                    generated_text=gen.text, finish_reason=gen.finish_reason, n_tokens=gen.n_tokens
                )
                handle.write(dumps_jsonl_line(record))
            handle.flush()
            os.fsync(handle.fileno())
            log.info("%s: %d/%d rows", out.name, min(start + rows_per_batch, len(rows)), len(rows))
    os.replace(partial, out)
    partial.with_name(partial.name + ".key").unlink(missing_ok=True)
    write_manifest(
        out,
        inputs={"prompts": prompts, "model": model},
        params=settings,
        seed=sampling_cfg.seed,
        counts={"rows": len(rows)},
    )
    return len(rows)
