"""A safetensors file of [rows, seq_len] tensors written row by row through numpy memory maps.

`safetensors.save_file` needs every tensor in memory; a paper-scale packed corpus (billions of
tokens) does not fit. The format is simple enough to lay out ahead of time (an 8-byte header
length, a JSON header with dtypes, shapes and byte offsets, then the raw little-endian data), so
`RowWriter` preallocates the file and hands out writable memory maps; readers memory-map it
with `safetensors.safe_open` (or numpy) and touch only the rows they read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

_CODES = {np.dtype("int32"): "I32", np.dtype("int16"): "I16", np.dtype("int64"): "I64"}


class RowWriter:
    """Preallocate `path` with one [rows, seq_len] tensor per name; fill via `arrays[name]`."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        rows: int,
        seq_len: int,
        dtypes: Mapping[str, np.dtype],
        metadata: Mapping[str, str],
    ) -> None:
        header: dict[str, object] = {"__metadata__": dict(metadata)}
        offset = 0
        layout = []
        for name in sorted(dtypes):
            dtype = np.dtype(dtypes[name]).newbyteorder("<")
            size = rows * seq_len * dtype.itemsize
            header[name] = {
                "dtype": _CODES[np.dtype(dtypes[name])],
                "shape": [rows, seq_len],
                "data_offsets": [offset, offset + size],
            }
            layout.append((name, dtype, offset))
            offset += size
        raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        raw += b" " * (-len(raw) % 8)  # data starts 8-byte aligned
        start = 8 + len(raw)
        self.path = Path(path)
        with open(self.path, "wb") as handle:
            handle.write(len(raw).to_bytes(8, "little"))
            handle.write(raw)
            handle.truncate(start + offset)
        self.arrays = {
            name: np.memmap(
                self.path, dtype=dtype, mode="r+", offset=start + at, shape=(rows, seq_len)
            )
            for name, dtype, at in layout
        }

    def close(self) -> None:
        """Flush the data to disk (fsync) and drop the maps."""
        for array in self.arrays.values():
            array.flush()
        self.arrays = {}
        with open(self.path, "rb+") as handle:
            os.fsync(handle.fileno())
