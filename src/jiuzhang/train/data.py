"""Packed rows as a torch Dataset, and the collator that keeps documents apart.

Attention isolation (SPEC §6.15) does not rely on transformers guessing packing from position ids:
the collator passes restarting `position_ids` and an explicit 4-D additive block-diagonal causal
mask built from `segment_ids`, which isolates documents under eager and SDPA attention alike.
"""

from __future__ import annotations

import os
from typing import Any


class PackedDataset:
    """Rows of a packed safetensors file (see `jiuzhang.pack.packing`)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from jiuzhang.pack.packing import load_packed

        self.tensors = load_packed(path)
        self.n_rows = int(self.tensors["input_ids"].shape[0])

    def __len__(self) -> int:
        return self.n_rows

    def __getitem__(self, index: int) -> dict[str, Any]:
        return {name: tensor[index] for name, tensor in self.tensors.items()}


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


class PackedCollator:
    """Stack packed rows into model inputs with document-isolating attention."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        batch = {k: torch.stack([r[k] for r in rows]).long() for k in rows[0]}
        segment_ids = batch.pop("segment_ids")
        batch["attention_mask"] = block_causal_mask(segment_ids, self.dtype)
        return batch
