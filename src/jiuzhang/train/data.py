"""Packed rows as a torch Dataset, and the collators that keep documents apart.

Attention isolation (SPEC §6.15) never relies on transformers guessing packing: each attention
implementation gets an explicit mechanism, chosen by `collator_for`:
- `flash_attention_2` (flash-attn installed, CUDA): the micro-batch is flattened into one row and
  the varlen kernel gets `cu_seq_lens` of the documents (padding runs as its own segment);
- `flex_attention`: a `BlockMask` of "same document and causal";
- `sdpa` and `eager` (CPU, or GPUs without flash-attn): a 4-D additive block-diagonal causal
  mask (MACHINE.md: the additive float mask isolates under both; a bool mask is wrong in eager).
Every path also passes position ids that restart per document.
"""

from __future__ import annotations

import os
from typing import Any

ATTENTION = ("auto", "flash_attention_2", "flex_attention", "sdpa", "eager")


class PackedDataset:
    """Rows of a packed safetensors file (see `jiuzhang.pack.packing`), memory-mapped."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from safetensors import safe_open

        self.path = str(path)
        with safe_open(self.path, framework="pt") as handle:
            self.names = sorted(handle.keys())
            self.n_rows = int(handle.get_slice("input_ids").get_shape()[0])
        self._handle: Any = None

    def __len__(self) -> int:
        return self.n_rows

    def __getitem__(self, index: int) -> dict[str, Any]:
        from safetensors import safe_open

        if self._handle is None:  # opened lazily: once per process (dataloader workers too)
            self._handle = safe_open(self.path, framework="pt")
        return {name: self._handle.get_slice(name)[index] for name in self.names}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_handle": None}


def block_causal_mask(segment_ids: Any, dtype: Any) -> Any:
    """[B, 1, L, L] additive mask: 0 where query i may see key j (same segment, j <= i)."""
    import torch

    seg = segment_ids.long()
    same = seg[:, :, None] == seg[:, None, :]
    length = seg.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool, device=seg.device).tril()
    allowed = same & causal
    mask = torch.zeros(allowed.shape, dtype=dtype, device=seg.device)
    mask.masked_fill_(~allowed, torch.finfo(dtype).min)
    return mask[:, None, :, :]


def document_block_mask(segment_ids: Any) -> Any:
    """flex_attention BlockMask: query i sees key j when both are in one document and j <= i."""
    from torch.nn.attention.flex_attention import create_block_mask

    seg = segment_ids.long()
    batch, length = seg.shape

    def same_document_causal(b: Any, h: Any, q: Any, k: Any) -> Any:
        return (seg[b, q] == seg[b, k]) & (k <= q)

    return create_block_mask(
        same_document_causal, batch, None, length, length, device=str(seg.device)
    )


def _stack(rows: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    return {k: torch.stack([r[k] for r in rows]).long() for k in rows[0]}


class MaskCollator:
    """eager / sdpa: 4-D additive block-diagonal causal mask."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        batch = _stack(rows)
        batch["attention_mask"] = block_causal_mask(batch.pop("segment_ids"), self.dtype)
        return batch


class FlexCollator:
    """flex_attention: a BlockMask built from the segment ids."""

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        batch = _stack(rows)
        batch["attention_mask"] = document_block_mask(batch.pop("segment_ids"))
        return batch


class FlattenCollator:
    """flash_attention_2: one flattened row with the documents' cumulative lengths.

    Padding at a row's end becomes one more segment (its labels are -100), so every position is
    covered and no document attends across a boundary or into another row."""

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        batch = _stack(rows)
        seg = batch.pop("segment_ids")
        # A new segment starts at each row start and wherever the segment id changes.
        starts = torch.ones_like(seg, dtype=torch.bool)
        starts[:, 1:] = seg[:, 1:] != seg[:, :-1]
        flat_starts = torch.nonzero(starts.reshape(-1)).squeeze(1)
        total = seg.numel()
        cu = torch.cat([flat_starts, torch.tensor([total])]).to(torch.int32)
        lengths = cu[1:] - cu[:-1]
        pos = torch.arange(total) - torch.repeat_interleave(cu[:-1].long(), lengths.long())
        max_len = int(lengths.max())
        return {
            "input_ids": batch["input_ids"].reshape(1, -1),
            "labels": batch["labels"].reshape(1, -1),
            "position_ids": pos.reshape(1, -1),
            "cu_seq_lens_q": cu,
            "cu_seq_lens_k": cu,
            "max_length_q": max_len,
            "max_length_k": max_len,
        }


def resolve_attention(requested: str, use_cuda: bool) -> str:
    """The attention implementation to use: `auto` = flash-attn when usable, else sdpa."""
    if requested not in ATTENTION:
        raise ValueError(f"attention must be one of {ATTENTION}, got {requested!r}")
    if requested != "auto":
        return requested
    if use_cuda:
        try:
            import flash_attn  # noqa: F401
        except ImportError:
            return "sdpa"
        return "flash_attention_2"
    return "sdpa"


def collator_for(attention: str, dtype: Any) -> Any:
    """The collator that isolates documents for `attention` (already resolved)."""
    if attention == "flash_attention_2":
        return FlattenCollator()
    if attention == "flex_attention":
        return FlexCollator()
    return MaskCollator(dtype)
