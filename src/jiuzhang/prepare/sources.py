"""Streaming readers for raw text sources: JSONL (plain, gzip, zstd) and Parquet, one row at a time.

A source is a list of paths; a folder stands for every supported file below it, in sorted order of
relative path (hidden files and folders skipped). Supported names end in `.jsonl`, `.jsonl.gz`,
`.jsonl.zst` (needs `zstandard`) or `.parquet` (needs `pyarrow`; read in row batches of the needed
columns only, pages streamed). Nothing is ever loaded whole.

Every record is checked as it is read: the named fields must exist and hold strings. A malformed
line, a missing field, a value of the wrong type, an unreadable or empty file raises `DataError`
naming the file and the line (JSONL, `path:LINE`) or row (Parquet, `path: row N`).
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import io
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_error

log = logging.getLogger(__name__)

SUFFIXES: tuple[str, ...] = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")
_LONGEST_FIRST = sorted(SUFFIXES, key=len, reverse=True)
# Which optional module each format needs (import name, pip name).
_NEEDS: dict[str, tuple[str, str]] = {
    ".jsonl.zst": ("zstandard", "zstandard"),
    ".parquet": ("pyarrow.parquet", "pyarrow"),
}
PARQUET_BATCH_ROWS = 256  # rows per Arrow batch: a few MB even for paper-length texts
PARQUET_BUFFER_BYTES = 1 << 20  # page read buffer

Record = dict[str, str]
Keep = Callable[[Mapping[str, str]], bool]


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """What a builder reads from each record.

    `filter_fields` are required on every record and passed to `keep`; records it rejects are
    skipped before `fields` (required on kept records only) are checked. `optional` fields are
    read when present (missing or null -> ""). Every required value must be a string.
    """

    fields: tuple[str, ...]
    filter_fields: tuple[str, ...] = ()
    keep: Keep | None = None
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """All field names, each once, in declaration order."""
        return tuple(dict.fromkeys((*self.filter_fields, *self.fields, *self.optional)))


@dataclasses.dataclass
class ReadStats:
    """Counters a reader updates while streaming (records seen, kept by the filter, files)."""

    files: int = 0
    records: int = 0
    kept: int = 0


def suffix_of(path: str | os.PathLike[str]) -> str | None:
    """The supported suffix `path` ends with, or None."""
    name = Path(path).name
    return next((s for s in _LONGEST_FIRST if name.endswith(s)), None)


def _require(module: str, pip_name: str, path: Path) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DataError(
            f"{path}: reading {suffix_of(path)} files needs the {pip_name!r} package, which is "
            f"not installed (pip install {pip_name})"
        ) from None


def resolve_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Expand folders into their supported files (sorted) and check every file can be read.

    Raises DataError for a missing path, an unsupported file name, a folder without supported
    files, or a format whose optional reader library is not installed.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and suffix_of(p)
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                ),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not found:
                raise DataError(f"{path}: folder holds no {'/'.join(SUFFIXES)} files")
            log.info("%s: %d files", path, len(found))
            files.extend(found)
        elif path.is_file():
            if suffix_of(path) is None:
                raise DataError(f"{path}: unsupported file type; expected {', '.join(SUFFIXES)}")
            files.append(path)
        else:
            raise DataError(f"{path}: file not found")
    for path in files:
        need = _NEEDS.get(suffix_of(path) or "")
        if need:
            _require(*need, path)
    return files


def iter_records(
    paths: Sequence[str | os.PathLike[str]],
    spec: FieldSpec,
    stats: ReadStats | None = None,
    *,
    allow_empty: bool = False,
) -> Iterator[Record]:
    """Stream the kept records of every file, in path order then file order (see FieldSpec).
    An empty file is an error unless `allow_empty` (then it is logged and skipped)."""
    stats = stats if stats is not None else ReadStats()
    for path in resolve_paths(paths):
        stats.files += 1
        reader = _parquet_rows if suffix_of(path) == ".parquet" else _jsonl_rows
        seen = 0
        for where, raw in reader(path, spec):
            seen += 1
            stats.records += 1
            record = _checked(where, raw, spec)
            if record is not None:
                stats.kept += 1
                yield record
        if seen == 0:
            if not allow_empty:
                raise DataError(f"{path}: empty file (0 documents)")
            log.warning("%s: empty file (0 documents)", path)


def _checked(where: str, raw: Mapping[str, Any], spec: FieldSpec) -> Record | None:
    """Validate one raw record; None when the filter rejects it."""
    record: Record = {}
    for name in spec.filter_fields:
        record[name] = _string(where, raw, name)
    if spec.keep is not None and not spec.keep(record):
        return None
    for name in spec.fields:
        if name not in record:
            record[name] = _string(where, raw, name)
    for name in spec.optional:
        value = raw.get(name)
        record.setdefault(name, "" if value is None else str(value))
    return record


def _string(where: str, raw: Mapping[str, Any], name: str) -> str:
    if name not in raw:
        raise DataError(f"{where}: missing field {name!r}")
    value = raw[name]
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        raise DataError(f"{where}: field {name!r} must be a string, got {kind}")
    return value


def _open_binary(path: Path) -> BinaryIO:
    """A byte stream over a plain, gzip or zstd file."""
    suffix = suffix_of(path)
    if suffix == ".jsonl.gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if suffix == ".jsonl.zst":
        zstandard = _require("zstandard", "zstandard", path)
        raw = open(path, "rb")  # noqa: SIM115 - closed with the reader (closefd)
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)
    return open(path, "rb")  # noqa: SIM115 - caller closes


def _jsonl_rows(path: Path, spec: FieldSpec) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(`path:LINE`, object) for each non-blank line; unreadable input names the line.

    Lines are split on `\\n` and decoded one at a time, so a bad byte is located exactly.
    """
    lineno = 0
    try:
        with _open_binary(path) as handle:
            for lineno, raw in enumerate(handle, start=1):  # noqa: B007 - used in except
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: not UTF-8 ({exc.reason})") from None
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise DataError(
                        f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}"
                    )
                yield f"{path}:{lineno}", record
    except DataError:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        raise read_error(f"{path}:{lineno + 1}", exc) from None
    except Exception as exc:  # zstandard.ZstdError and other decoder failures
        if type(exc).__module__.startswith("zstandard"):
            raise DataError(f"{path}:{lineno + 1}: unreadable ({exc})") from None
        raise


def _parquet_rows(path: Path, spec: FieldSpec) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(`path: row N`, {column: value}) for each row, reading only the needed columns."""
    pq = _require("pyarrow.parquet", "pyarrow", path)
    import pyarrow as pa

    row = 0
    try:
        # No pre-buffering, buffered page reads, one thread: memory stays at about one batch
        # plus a page buffer instead of growing with the row groups read (measured by bench).
        parquet = pq.ParquetFile(path, pre_buffer=False, buffer_size=PARQUET_BUFFER_BYTES)
        names = set(parquet.schema_arrow.names)
        for name in (*spec.filter_fields, *spec.fields):
            if name not in names:
                raise DataError(
                    f"{path}: row 1: missing field {name!r} (columns: {', '.join(sorted(names))})"
                )
        columns = [name for name in spec.columns if name in names]
        batches = parquet.iter_batches(
            batch_size=PARQUET_BATCH_ROWS, columns=columns, use_threads=False
        )
        for batch in batches:
            values = {name: batch.column(name).to_pylist() for name in columns}
            for i in range(batch.num_rows):
                row += 1
                yield f"{path}: row {row}", {name: values[name][i] for name in columns}
    except DataError:
        raise
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path}: row {row + 1}: unreadable ({exc})") from None
