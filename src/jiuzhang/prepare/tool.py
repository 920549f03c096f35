"""Tool-synthesis prompts (SPEC §1.5-1.6): a math-text seed plus a one-shot code-solution example.

The template (`prompts/tool/prompt.md`, our own wording) has three placeholders, each exactly
once: `{seed}` (the math text), `{question}` and `{solution}` (the example). They are replaced
literally, so the template needs no brace doubling (the original used `str.format`).

Seeds: a document's text cut to `seed_chars` characters; when that cut ends inside a word, the
seed is shortened to end after its last `.`, newline or `}` (a seed with none of them is
dropped). Examples come from an MMOS-layout JSONL (`prompt` = `<|user|>\\n{q}\\n<|assistant|>`,
`completion` = a code solution); only completions with a boxed answer are used; docstrings are
removed from their code. Each seed's example is a pure function of (seed, row id), where the
original drew it with an unseeded RNG (SPEC §6.11), and the row keeps both ids.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.io import (
    atomic_path,
    dumps_jsonl_line,
    open_text_write,
    read_jsonl,
    write_json,
)
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.seeding import stable_choice
from jiuzhang.prepare.sources import FieldSpec, iter_records, resolve_paths

log = logging.getLogger(__name__)

__all__ = [
    "PLACEHOLDERS",
    "Exemplar",
    "ToolPrepareConfig",
    "build_tool_prompt",
    "cut_seed",
    "load_exemplars",
    "load_tool_template",
    "run_prepare_tool",
]

PLACEHOLDERS = ("{seed}", "{question}", "{solution}")
_USER = "<|user|>"
_ASSISTANT = "<|assistant|>"
_PLACEHOLDER_RE = re.compile(r"\{(seed|question|solution)\}")
_DOCSTRING_RE = re.compile(r'^[ \t]+"""(?:.|\n)*?"""[ \t]*\n', re.M)


@dataclass(frozen=True)
class Exemplar:
    """One worked code solution shown to the synthesis model."""

    id: str
    question: str
    solution: str


def load_tool_template(path: str | os.PathLike[str]) -> str:
    """The tool prompt template, stripped; each placeholder must occur exactly once."""
    try:
        text = Path(path).read_text("utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read tool template ({exc.strerror})") from None
    for placeholder in PLACEHOLDERS:
        if text.count(placeholder) != 1:
            raise ConfigError(f"{path}: tool template must contain {placeholder} exactly once")
    return text


def cut_seed(text: str, max_chars: int = 2000) -> str:
    """The first `max_chars` characters, ended at a sentence/line/brace when cut mid-word."""
    seed = text[:max_chars]
    if not seed or seed[-1] in " \n":
        return seed.strip()
    end = max(seed.rfind("."), seed.rfind("\n"), seed.rfind("}"))
    return seed[: end + 1].strip() if end >= 0 else ""


def _question(prompt: str) -> str:
    text = prompt.strip()
    text = text.removeprefix(_USER).removesuffix(_ASSISTANT)
    return text.strip()


def load_exemplars(path: str | os.PathLike[str]) -> list[Exemplar]:
    """Boxed-answer code solutions from an MMOS-layout JSONL file, docstrings removed."""
    exemplars = []
    for lineno, row in read_jsonl(path, required=("prompt", "completion")):
        if not isinstance(row["prompt"], str) or not isinstance(row["completion"], str):
            raise DataError(f"{path}:{lineno}: 'prompt' and 'completion' must be strings")
        if "box" not in row["completion"]:
            continue
        question = _question(row["prompt"])
        solution = _DOCSTRING_RE.sub("", row["completion"]).strip()
        if not question or not solution:
            raise DataError(f"{path}:{lineno}: empty question or solution")
        exemplars.append(Exemplar(str(row.get("id", lineno - 1)), question, solution))
    if not exemplars:
        raise DataError(f"{path}: no exemplar with a boxed answer")
    return exemplars


def build_tool_prompt(
    template: str, seed_text: str, exemplars: Sequence[Exemplar], seed: int, row_id: str
) -> tuple[str, Exemplar]:
    """The filled prompt for one seed and the example it shows (chosen from (seed, row id))."""
    exemplar = stable_choice(exemplars, seed, "tool-exemplar", row_id)
    values = {"seed": seed_text, "question": exemplar.question, "solution": exemplar.solution}
    # One pass over the template: text inserted for one placeholder is never scanned again.
    prompt = _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], template)
    return prompt, exemplar


@dataclass(frozen=True)
class ToolPrepareConfig(FromMapping):
    """How seed documents become tool-synthesis prompt shards."""

    seed_chars: int = 2000
    n_shards: int = 1
    seed: int = 42
    max_seeds: int = 0  # 0 = all


def run_prepare_tool(
    cfg: ToolPrepareConfig,
    *,
    seeds: Sequence[str | os.PathLike[str]],
    exemplars: str | os.PathLike[str],
    template: str | os.PathLike[str],
    outputs: Sequence[str | os.PathLike[str]],
    stats: str | os.PathLike[str],
) -> dict[str, Any]:
    """Write tool prompt shards `{id, seed_doc, exemplar_id, prompt}` (round robin) + stats."""
    if len(outputs) != cfg.n_shards:
        raise ValueError(f"{len(outputs)} output paths for n_shards={cfg.n_shards}")
    text = load_tool_template(template)
    shown = load_exemplars(exemplars)
    files = resolve_paths(seeds)
    per_shard = [0] * cfg.n_shards
    n_docs = dropped = 0
    with contextlib.ExitStack() as stack:
        handles = [
            stack.enter_context(open_text_write(stack.enter_context(atomic_path(p))))
            for p in outputs
        ]
        for n_docs, record in enumerate(iter_records(files, FieldSpec(("text",))), start=1):
            seed_text = cut_seed(record["text"], cfg.seed_chars)
            if not seed_text:
                dropped += 1
                continue
            row_id = f"tool-{n_docs - 1:07d}"
            prompt, exemplar = build_tool_prompt(text, seed_text, shown, cfg.seed, row_id)
            row = {"id": row_id, "seed_doc": n_docs - 1, "exemplar_id": exemplar.id}
            k = sum(per_shard) % cfg.n_shards
            handles[k].write(dumps_jsonl_line({**row, "prompt": prompt}))
            per_shard[k] += 1
            if cfg.max_seeds and sum(per_shard) >= cfg.max_seeds:
                break
        if sum(per_shard) < cfg.n_shards:
            raise DataError(
                f"tool seeds ({', '.join(map(str, seeds))}): {n_docs} documents gave "
                f"{sum(per_shard)} prompts, fewer than n_shards={cfg.n_shards}"
            )
    counts = {
        "rows": sum(per_shard),
        "documents": n_docs,
        "no_seed": dropped,
        "exemplars": len(shown),
        "shards": per_shard,
    }
    write_json(stats, counts)
    for path, n in zip(outputs, per_shard, strict=True):
        write_manifest(
            path,
            inputs={"seeds": [str(f) for f in files], "exemplars": exemplars, "template": template},
            outputs=[stats],
            params=dataclasses.asdict(cfg),
            seed=cfg.seed,
            counts={"rows": n, "total": counts},
        )
    log.info("tool prompts: %s", counts)
    return counts
