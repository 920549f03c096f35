"""Atomic writes and located JSONL reading.

Every artifact is written to a temporary sibling and renamed into place only when complete, so an
interrupted job never leaves a file that looks finished. Reading errors name the file and line.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from jiuzhang.common.errors import DataError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.tmp-"
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, (0o777 if directory else 0o666) & ~umask)  # mkstemp/mkdtemp create private
    try:
        yield tmp
        if directory and target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


def open_text(path: str | os.PathLike[str]) -> TextIO:
    """Open a text file for reading, transparently gunzipping `.gz`."""
    p = Path(path)
    if p.suffix == ".gz":
        return gzip.open(p, "rt", encoding="utf-8")
    return open(p, encoding="utf-8")  # noqa: SIM115 - caller closes


@contextlib.contextmanager
def open_text_write(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Open a text file for writing; `.gz` output is byte-reproducible (no name, mtime 0)."""
    p = Path(path)
    with open(p, "wb") as raw:
        if p.suffix == ".gz":
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                with io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as handle:
                    yield handle
        else:
            with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as handle:
                yield handle


def read_jsonl(
    path: str | os.PathLike[str], *, required: Iterable[str] = ()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line_number, record)` from JSONL(.gz); bad lines raise DataError naming them."""
    needed = tuple(required)
    lineno = 0
    try:
        with open_text(path) as handle:
            for lineno, line in enumerate(handle, start=1):  # noqa: B007 - used in except
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
                for key in needed:
                    if key not in record:
                        raise DataError(f"{path}:{lineno}: missing field {key!r}")
                yield lineno, record
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 ({exc.reason})") from None  # decoded ahead: no line
    except (OSError, EOFError, zlib.error) as exc:
        raise read_error(f"{path}:{lineno + 1}", exc) from None


def read_error(where: str, exc: BaseException) -> DataError:
    """The DataError for a failed read at `where` (`path:LINE`, the line being read): a
    compressed stream that ends early is a truncated file, bad gzip bytes a corrupt one."""
    if isinstance(exc, EOFError):
        return DataError(f"{where}: truncated file ({exc})")
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return DataError(f"{where}: corrupt gzip data ({exc})")
    return DataError(f"{where}: unreadable ({exc})")


def load_jsonl(
    path: str | os.PathLike[str], *, required: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Read a whole JSONL(.gz) file into a list of records (see `read_jsonl`)."""
    return [record for _, record in read_jsonl(path, required=required)]


def dumps_jsonl_line(record: Mapping[str, Any]) -> str:
    """One canonical JSONL line: key order kept, UTF-8, no trailing spaces."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_jsonl(path: str | os.PathLike[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Write records atomically as JSONL (gzipped if the name ends in .gz); return the count."""
    count = 0
    target = Path(path)
    with atomic_path(target) as tmp:
        gz_tmp = tmp.with_suffix(".gz") if target.suffix == ".gz" else tmp
        with open_text_write(gz_tmp) as handle:
            for record in records:
                handle.write(dumps_jsonl_line(record))
                count += 1
        if gz_tmp != tmp:
            os.replace(gz_tmp, tmp)
    return count


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, "utf-8")


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write a JSON document atomically, sorted keys and a trailing newline (byte-stable)."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON document; a parse error names the file."""
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
