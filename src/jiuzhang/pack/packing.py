"""Tokenization with loss masks and packing into fixed-length rows, phase by phase.

Reads a corpus JSONL of `{input, output}` rows (streamed) and writes one safetensors file with
tensors of shape [rows, seq_len], memory-mappable:
  input_ids    int32 token ids, padded with the tokenizer's pad id;
  labels       int32, -100 over each document's input part, its first token and padding (SPEC §3.3);
  position_ids restart at 0 for every document (document boundaries, as flash-attn varlen uses);
  segment_ids  1..k for the k documents of a row, 0 for padding (for block-diagonal masks).
plus `<stats>` (documents, tokens, fill ratio, truncations, per phase). Fixes of SPEC §6.16: the
input/output boundary comes from one tokenization (character offsets), and a truncated document
gets no EOS.

Curriculum (SPEC §3.1): with a phases sidecar (from `prepare_train_data`) each phase is packed on
its own and its rows are shuffled (seeded) within the phase only, so the phases keep their order
in the file -- the SFT block stays last, in the WSD decay -- while no phase feeds its long
documents first (a size-sorted packer would). The file's metadata records each phase's rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import random
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.io import atomic_path, read_json, read_jsonl, write_json
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.processes import spawn_pool
from jiuzhang.common.progress import progress
from jiuzhang.pack.binpack import pack_lengths
from jiuzhang.pack.store import RowWriter

log = logging.getLogger(__name__)
IGNORE = -100


@dataclasses.dataclass(frozen=True)
class PackConfig(FromMapping):
    """Row length, shuffling seed, tokenization batch size, packing chunk."""

    seq_len: int = 2049
    seed: int = 42
    batch_size: int = 1000
    chunk_docs: int = 2000
    input_field: str = "input"
    output_field: str = "output"
    long_documents: str = "truncate"  # or "split": consecutive pieces of seq_len tokens
    heldout: float = 0.0  # share of documents held out (the workflow's default is 0.05)
    heldout_max: int = 2000

    def __post_init__(self) -> None:
        if self.long_documents not in LONG_DOCUMENTS:
            raise ConfigError(
                f"long_documents must be one of {LONG_DOCUMENTS}, got {self.long_documents!r}"
            )
        if not 0.0 <= self.heldout <= 0.5:
            raise ConfigError(f"heldout must be a share between 0 and 0.5, got {self.heldout}")


LONG_DOCUMENTS = ("truncate", "split")


@dataclasses.dataclass(frozen=True)
class Document:
    """One tokenized example: ids and labels of equal length."""

    input_ids: list[int]
    labels: list[int]
    truncated: bool


def tokenize_pairs(
    tokenizer: Any, pairs: Sequence[tuple[str, str]], max_len: int, *, split: bool = False
) -> list[list[Document]]:
    """Tokenize `input + output` once; label tokens that start inside `input` as -100.

    Each pair gives one document of at most `max_len` tokens, ending in EOS unless it was cut
    (`truncated`); with `split`, a long pair gives consecutive pieces of `max_len` tokens instead,
    the last one ending in EOS, so no token is lost (raw text for pre-training)."""
    texts = [inp + out for inp, out in pairs]
    enc = tokenizer(texts, add_special_tokens=True, return_offsets_mapping=True)
    eos = tokenizer.eos_token_id
    out = []
    for (inp, _), ids, offsets in zip(pairs, enc["input_ids"], enc["offset_mapping"], strict=True):
        boundary = len(inp)
        labels = [
            IGNORE if (start < boundary or end == start == 0) else tok
            for tok, (start, end) in zip(ids, offsets, strict=True)
        ]
        ids = list(ids)
        truncated = len(ids) + 1 > max_len
        if truncated and split:
            ids.append(eos)
            labels.append(eos)
            pieces = [
                Document(ids[at : at + max_len], labels[at : at + max_len], truncated=False)
                for at in range(0, len(ids), max_len)
            ]
        elif truncated:
            pieces = [Document(ids[:max_len], labels[:max_len], truncated=True)]
        else:
            pieces = [Document([*ids, eos], [*labels, eos], truncated=False)]
        for doc in pieces:  # never predict a piece's first token from the previous document
            doc.labels[0] = IGNORE
        out.append(pieces)
    return out


# --- tokenization, streamed and optionally in worker processes --------------------------------

_WORKER_TOKENIZER: Any = None


def _load_tokenizer(folder: str) -> Any:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    if tok.eos_token_id is None:
        raise DataError(f"{folder}: tokenizer has no EOS token")
    return tok


def _init_worker(folder: str) -> None:
    global _WORKER_TOKENIZER
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one process per core instead
    _WORKER_TOKENIZER = _load_tokenizer(folder)


# ids (int32), loss mask (uint8), piece lengths (int32), pieces per pair (int32), truncated
Encoded = tuple[bytes, bytes, bytes, bytes, int]


def _encode(tokenizer: Any, pairs: list[tuple[str, str]], max_len: int, split: bool) -> Encoded:
    per_pair = tokenize_pairs(tokenizer, pairs, max_len, split=split)
    docs = [d for pieces in per_pair for d in pieces]
    ids = array("i", (t for d in docs for t in d.input_ids))
    mask = bytes(lab != IGNORE for d in docs for lab in d.labels)
    lengths = array("i", (len(d.input_ids) for d in docs))
    pieces = array("i", (len(p) for p in per_pair))
    return ids.tobytes(), mask, lengths.tobytes(), pieces.tobytes(), sum(d.truncated for d in docs)


def _encode_in_worker(job: tuple[list[tuple[str, str]], int, bool]) -> Encoded:
    return _encode(_WORKER_TOKENIZER, *job)


def _read_pairs(corpus: str, cfg: PackConfig) -> Iterator[list[tuple[str, str]]]:
    fields = (cfg.input_field, cfg.output_field)
    batch: list[tuple[str, str]] = []
    for lineno, row in read_jsonl(corpus, required=fields):
        if not all(isinstance(row[f], str) for f in fields):
            raise DataError(f"{corpus}:{lineno}: fields {list(fields)} must be strings")
        batch.append((row[cfg.input_field], row[cfg.output_field]))
        if len(batch) == cfg.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclasses.dataclass
class TokenStore:
    """Every document's tokens and loss mask, flat on disk, with lengths and start offsets.
    A document is one piece of a corpus row (a row gives several when split); `row_of` maps
    each document to its row."""

    ids: np.ndarray  # int32 memmap, all documents back to back
    mask: np.ndarray  # uint8 memmap: 1 where the token is a label
    lengths: np.ndarray  # int32, one per document
    starts: np.ndarray  # int64 offsets into ids/mask
    row_of: np.ndarray  # int64, the corpus row of each document
    truncated: int

    @property
    def n_rows(self) -> int:
        return int(self.row_of[-1]) + 1 if len(self.row_of) else 0


def tokenize_corpus(
    corpus: str, tokenizer_dir: str, cfg: PackConfig, workdir: Path, workers: int
) -> TokenStore:
    """Tokenize the corpus in batches (in `workers` processes) into flat files under `workdir`."""
    ids_path, mask_path = workdir / "ids.i32", workdir / "mask.u8"
    lengths, pieces = array("i"), array("i")
    truncated = 0
    split = cfg.long_documents == "split"
    jobs = ((batch, cfg.seq_len, split) for batch in _read_pairs(corpus, cfg))
    with contextlib.ExitStack() as stack:
        ids_out = stack.enter_context(open(ids_path, "wb"))
        mask_out = stack.enter_context(open(mask_path, "wb"))
        if workers > 1:  # spawn: no forked tokenizer threads
            pool = stack.enter_context(
                spawn_pool(workers, initializer=_init_worker, initargs=(tokenizer_dir,))
            )
            results = pool.imap(_encode_in_worker, jobs, chunksize=1)
        else:
            tokenizer = _load_tokenizer(tokenizer_dir)
            results = (_encode(tokenizer, *job) for job in jobs)
        bar = stack.enter_context(
            contextlib.closing(progress(desc=f"tokenize {Path(corpus).name}", unit="docs"))
        )
        for ids, mask, lens, per_pair, trunc in results:
            ids_out.write(ids)
            mask_out.write(mask)
            lengths.frombytes(lens)
            pieces.frombytes(per_pair)
            truncated += trunc
            bar.update(len(per_pair) // 4)  # int32 counts, one per row
    n_docs = len(lengths)
    if not n_docs:
        raise DataError(f"{corpus}: empty corpus, nothing to pack")
    lens = np.frombuffer(lengths, dtype=np.int32).copy()
    starts = np.zeros(n_docs, dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    total = int(lens.sum())
    per_row = np.frombuffer(pieces, dtype=np.int32)
    return TokenStore(
        ids=np.memmap(ids_path, dtype=np.int32, mode="r", shape=(total,)),
        mask=np.memmap(mask_path, dtype=np.uint8, mode="r", shape=(total,)),
        lengths=lens,
        starts=starts,
        row_of=np.repeat(np.arange(len(per_row), dtype=np.int64), per_row),
        truncated=truncated,
    )


# --- phases, packing and writing -------------------------------------------------------------


def read_phases(path: str | None, n_docs: int) -> list[dict[str, Any]]:
    """Phase boundaries (document index ranges) from a sidecar, or one phase of everything."""
    if path is None:
        return [{"name": "all", "documents": [0, n_docs]}]
    phases = read_json(path).get("phases")
    if not isinstance(phases, list) or not phases:
        raise DataError(f"{path}: expected a non-empty `phases` list")
    expected = 0
    for phase in phases:
        start, end = phase.get("documents", [None, None])
        if start != expected or not isinstance(end, int) or end < start:
            raise DataError(f"{path}: phase {phase.get('name')!r} rows {start}-{end} do not follow")
        expected = end
    if expected != n_docs:
        raise DataError(f"{path}: phases cover {expected} rows but the corpus has {n_docs}")
    return phases


def heldout_rows(phases: list[dict[str, Any]], n_rows: int, cfg: PackConfig) -> np.ndarray:
    """Boolean mask of the corpus rows held out of training, chosen in each phase apart:
    round(heldout x the phase's rows), at least 1 when heldout > 0, at most `heldout_max`, and
    never all of a phase. The rows are the first by a seeded hash of the row index, so the split
    depends only on the seed and the phase boundaries."""
    held = np.zeros(n_rows, dtype=bool)
    if not cfg.heldout:
        return held
    for phase in phases:
        start, end = phase["documents"]
        size = end - start
        want = min(max(round(cfg.heldout * size), 1), cfg.heldout_max, size - 1)
        if want <= 0:
            continue
        rows = sorted(
            range(start, end),
            key=lambda row: hashlib.blake2b(
                f"{cfg.seed}\0heldout\0{row}".encode(), digest_size=8
            ).digest(),
        )
        held[rows[:want]] = True
    return held


def plan_rows(
    store: TokenStore,
    phases: list[dict[str, Any]],
    cfg: PackConfig,
    workers: int,
    held: np.ndarray | None = None,
):
    """Rows (lists of document indices) phase by phase, shuffled within each phase; documents of
    held-out corpus rows (`held`) are left out."""
    rows: list[list[int]] = []
    summary = []
    for number, phase in enumerate(phases):
        start, end = phase["documents"]
        if start == end:
            raise DataError(f"phase {phase['name']!r} has no documents")
        in_phase = (store.row_of >= start) & (store.row_of < end)
        if held is not None:
            in_phase &= ~held[store.row_of]
        members = np.flatnonzero(in_phase)
        if not len(members):
            raise DataError(f"phase {phase['name']!r}: every document is held out")
        bins = pack_lengths(
            store.lengths[members], cfg.seq_len, chunk_docs=cfg.chunk_docs, workers=workers
        )
        random.Random(f"{cfg.seed}:{number}:{phase['name']}").shuffle(bins)
        tokens = int(store.lengths[members].sum())
        summary.append(
            {
                "name": phase["name"],
                "documents": [start, end],
                "rows": [len(rows), len(rows) + len(bins)],
                "tokens": tokens,
                "fill_ratio": round(tokens / (len(bins) * cfg.seq_len), 6),
            }
        )
        rows += [[int(members[i]) for i in b] for b in bins]
    return rows, summary


def _heldout_plan(store: TokenStore, held: np.ndarray, cfg: PackConfig, workers: int):
    """Rows of the held-out documents (one block, in pack order: no training reads it)."""
    members = np.flatnonzero(held[store.row_of])
    if not len(members):
        return []
    bins = pack_lengths(
        store.lengths[members], cfg.seq_len, chunk_docs=cfg.chunk_docs, workers=workers
    )
    return [[int(members[i]) for i in b] for b in bins]


def write_rows(
    path: Path, store: TokenStore, rows: list[list[int]], seq_len: int, pad_id: int, meta: dict
) -> None:
    """Fill a preallocated safetensors file row by row from the flat token store."""
    small = np.int16 if seq_len <= np.iinfo(np.int16).max else np.int32
    dtypes = {
        "input_ids": np.int32,
        "labels": np.int32,
        "position_ids": small,
        "segment_ids": small,
    }
    writer = RowWriter(path, len(rows), seq_len, dtypes, meta)
    out = writer.arrays
    for r, members in enumerate(rows):
        ids_row, lab_row = out["input_ids"][r], out["labels"][r]
        pos_row, seg_row = out["position_ids"][r], out["segment_ids"][r]
        at = 0
        for k, doc in enumerate(members, start=1):
            s, n = store.starts[doc], store.lengths[doc]
            ids = store.ids[s : s + n]
            ids_row[at : at + n] = ids
            lab_row[at : at + n] = np.where(store.mask[s : s + n] != 0, ids, IGNORE)
            pos_row[at : at + n] = np.arange(n)
            seg_row[at : at + n] = k
            at += n
        ids_row[at:] = pad_id
        lab_row[at:] = IGNORE
        pos_row[at:] = 0
        seg_row[at:] = 0
    writer.close()


def run_pack(
    cfg: PackConfig,
    *,
    corpus: str,
    tokenizer: str,
    output: str,
    stats: str,
    phases: str | None = None,
    heldout_output: str | None = None,
    workers: int = 1,
) -> dict:
    """Tokenize and pack a corpus JSONL with the tokenizer found in folder `tokenizer`; the
    held-out rows (`cfg.heldout`) go to `heldout_output`, packed the same way."""
    if cfg.heldout and heldout_output is None:
        raise ConfigError(f"{corpus}: heldout={cfg.heldout} needs a file for the held-out rows")
    tok = _load_tokenizer(tokenizer)
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.tokens-", dir=out.parent) as tmp:
        store = tokenize_corpus(corpus, tokenizer, cfg, Path(tmp), workers)
        n_rows = store.n_rows
        log.info(
            "tokenized %d rows into %d documents, %d tokens",
            n_rows,
            len(store.lengths),
            int(store.lengths.sum()),
        )
        phase_list = read_phases(phases, n_rows)
        held = heldout_rows(phase_list, n_rows, cfg)
        rows, phase_summary = plan_rows(store, phase_list, cfg, workers, held)
        trained = ~held[store.row_of]
        n_tokens = int(store.lengths[trained].sum())
        summary = {
            "documents": int(n_rows - held.sum()),
            "pieces": int(trained.sum()),
            "split_documents": int(np.count_nonzero(np.bincount(store.row_of) > 1)),
            "tokens": n_tokens,
            "loss_tokens": _loss_tokens(store, trained),
            "rows": len(rows),
            "seq_len": cfg.seq_len,
            "fill_ratio": round(n_tokens / (len(rows) * cfg.seq_len), 6),
            "lower_bound_rows": -(-n_tokens // cfg.seq_len),
            "truncated": store.truncated,
            "phases": phase_summary,
        }
        meta = {"seq_len": str(cfg.seq_len), "phases": json.dumps(phase_summary, sort_keys=True)}
        with atomic_path(out) as tmp_out:
            write_rows(tmp_out, store, rows, cfg.seq_len, pad_id, meta)
        if heldout_output is not None:
            held_rows = _heldout_plan(store, held, cfg, workers)
            summary["heldout"] = {
                "documents": int(held.sum()),
                "tokens": int(store.lengths[~trained].sum()),
                "loss_tokens": _loss_tokens(store, ~trained),
                "rows": len(held_rows),
            }
            with atomic_path(Path(heldout_output)) as tmp_out:
                write_rows(
                    tmp_out, store, held_rows, cfg.seq_len, pad_id, {"seq_len": meta["seq_len"]}
                )
    write_json(stats, summary)
    write_manifest(
        output,
        inputs={"corpus": corpus, "tokenizer": tokenizer, **({"phases": phases} if phases else {})},
        outputs=[stats, *([heldout_output] if heldout_output else [])],
        params=dataclasses.asdict(cfg),
        seed=cfg.seed,
        counts={k: v for k, v in summary.items() if k != "phases"},
    )
    log.info("packed %s", {k: v for k, v in summary.items() if k != "phases"})
    return summary


def _loss_tokens(store: TokenStore, documents: np.ndarray) -> int:
    """Label tokens of the selected documents (a boolean mask over documents)."""
    per_document = np.add.reduceat(store.mask, store.starts, dtype=np.int64)
    return int(per_document[documents].sum())


def load_packed(path: str | os.PathLike[str]) -> dict[str, Any]:
    """All tensors of a packed file as torch tensors (small files and tests; training maps rows)."""
    from safetensors.torch import load_file

    return load_file(str(path))


def packed_phases(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The phase table stored in a packed file's metadata."""
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as handle:
        return json.loads((handle.metadata() or {}).get("phases", "[]"))
