"""Tokenization with loss masks and best-fit-decreasing packing into fixed-length rows.

Reads a corpus JSONL of `{input, output}` rows and writes one safetensors file with int32 tensors
of shape [rows, seq_len]:
  input_ids    token ids, padded with the tokenizer's pad id;
  labels       -100 over each document's input part, its first token and padding (SPEC §3.3);
  position_ids restart at 0 for every document (document boundaries, usable as flash-attn varlen);
  segment_ids  1..k for the k documents of a row, 0 for padding (for block-diagonal masks).
plus `<file>.stats.json` (documents, tokens, fill ratio, truncations). Fixes of SPEC §6.16: the
input/output boundary comes from one tokenization (character offsets), and a truncated document
gets no EOS.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import os
import random
from collections.abc import Sequence
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path, read_jsonl, write_json
from jiuzhang.common.manifest import write_manifest

log = logging.getLogger(__name__)
IGNORE = -100


@dataclasses.dataclass(frozen=True)
class PackConfig(FromMapping):
    """Row length, shuffling seed and tokenization batch size."""

    seq_len: int = 2049
    seed: int = 42
    batch_size: int = 1000
    input_field: str = "input"
    output_field: str = "output"


@dataclasses.dataclass(frozen=True)
class Document:
    """One tokenized example: ids and labels of equal length."""

    input_ids: list[int]
    labels: list[int]
    truncated: bool


def tokenize_pairs(
    tokenizer: Any, pairs: Sequence[tuple[str, str]], max_len: int
) -> list[Document]:
    """Tokenize `input + output` once; label tokens that start inside `input` as -100."""
    texts = [inp + out for inp, out in pairs]
    enc = tokenizer(texts, add_special_tokens=True, return_offsets_mapping=True)
    eos = tokenizer.eos_token_id
    docs = []
    for (inp, _), ids, offsets in zip(pairs, enc["input_ids"], enc["offset_mapping"], strict=True):
        boundary = len(inp)
        labels = [
            IGNORE if (start < boundary or end == start == 0) else tok
            for tok, (start, end) in zip(ids, offsets, strict=True)
        ]
        ids = list(ids)
        truncated = len(ids) + 1 > max_len
        if truncated:
            ids, labels = ids[:max_len], labels[:max_len]
        else:
            ids.append(eos)
            labels.append(eos)
        labels[0] = IGNORE  # never predict a document's first token from the previous document
        docs.append(Document(ids, labels, truncated))
    return docs


def best_fit_decreasing(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """Group item indices into bins of `capacity` by best-fit decreasing; deterministic."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    bins: list[list[int]] = []
    # (remaining space, bin index) kept sorted, so the tightest bin that fits is a bisect away.
    free: list[tuple[int, int]] = []
    for i in order:
        size = lengths[i]
        if size > capacity:
            raise ValueError(f"item {i} of length {size} exceeds capacity {capacity}")
        pos = bisect.bisect_left(free, (size, -1))
        if pos < len(free):
            space, b = free.pop(pos)
            bins[b].append(i)
            bisect.insort(free, (space - size, b))
        else:
            bins.append([i])
            bisect.insort(free, (capacity - size, len(bins) - 1))
    return bins


def pack_documents(
    docs: Sequence[Document], seq_len: int, pad_id: int, seed: int
) -> dict[str, list[list[int]]]:
    """Pack documents into rows of `seq_len`; pack order shuffled with `seed`."""
    bins = best_fit_decreasing([len(d.input_ids) for d in docs], seq_len)
    for members in bins:
        members.sort()  # corpus order inside a row
    random.Random(seed).shuffle(bins)
    rows: dict[str, list[list[int]]] = {
        "input_ids": [],
        "labels": [],
        "position_ids": [],
        "segment_ids": [],
    }
    for members in bins:
        ids, labels, pos, seg = [], [], [], []
        for k, i in enumerate(members, start=1):
            doc = docs[i]
            ids += doc.input_ids
            labels += doc.labels
            pos += range(len(doc.input_ids))
            seg += [k] * len(doc.input_ids)
        pad = seq_len - len(ids)
        rows["input_ids"].append(ids + [pad_id] * pad)
        rows["labels"].append(labels + [IGNORE] * pad)
        rows["position_ids"].append(pos + [0] * pad)
        rows["segment_ids"].append(seg + [0] * pad)
    return rows


def run_pack(cfg: PackConfig, *, corpus: str, tokenizer: str, output: str, stats: str) -> dict:
    """Tokenize and pack a corpus JSONL with the tokenizer found in folder `tokenizer`."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tokenizer)
    if tok.eos_token_id is None:
        raise DataError(f"{tokenizer}: tokenizer has no EOS token")
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    pairs: list[tuple[str, str]] = []
    fields = (cfg.input_field, cfg.output_field)
    for lineno, row in read_jsonl(corpus, required=fields):
        if not all(isinstance(row[f], str) for f in fields):
            raise DataError(f"{corpus}:{lineno}: fields {list(fields)} must be strings")
        pairs.append((row[cfg.input_field], row[cfg.output_field]))
    if not pairs:
        raise DataError(f"{corpus}: empty corpus, nothing to pack")
    docs: list[Document] = []
    for start in range(0, len(pairs), cfg.batch_size):
        docs += tokenize_pairs(tok, pairs[start : start + cfg.batch_size], cfg.seq_len)
    rows = pack_documents(docs, cfg.seq_len, pad_id, cfg.seed)
    n_tokens = sum(len(d.input_ids) for d in docs)
    n_rows = len(rows["input_ids"])
    summary = {
        "documents": len(docs),
        "tokens": n_tokens,
        "loss_tokens": sum(sum(1 for x in d.labels if x != IGNORE) for d in docs),
        "rows": n_rows,
        "seq_len": cfg.seq_len,
        "fill_ratio": round(n_tokens / (n_rows * cfg.seq_len), 6),
        "lower_bound_rows": -(-n_tokens // cfg.seq_len),
        "truncated": sum(d.truncated for d in docs),
    }
    tensors = {k: torch.tensor(v, dtype=torch.int32) for k, v in rows.items()}
    with atomic_path(output) as tmp:
        save_file(tensors, str(tmp), metadata={"seq_len": str(cfg.seq_len)})
    write_json(stats, summary)
    write_manifest(
        output,
        inputs={"corpus": corpus, "tokenizer": tokenizer},
        params=dataclasses.asdict(cfg),
        seed=cfg.seed,
        counts=summary,
    )
    log.info("packed %s", summary)
    return summary


def load_packed(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load the tensors of a packed file (memory-mapped by safetensors)."""
    from safetensors.torch import load_file

    return load_file(str(path))
