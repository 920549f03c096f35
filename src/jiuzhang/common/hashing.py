"""Content hashes of files and folders, used by manifests and score files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 hex digest of one file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


# Snakemake's marker in directory() outputs, written after the job (and its manifest) finished.
_IGNORED = frozenset({".snakemake_timestamp"})


def path_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file, or of a folder as its sorted (relative name, file digest) pairs
    (Snakemake's `.snakemake_timestamp` marker left out)."""
    p = Path(path)
    if p.is_file():
        return file_sha256(p)
    digest = hashlib.sha256()
    for child in sorted(q for q in p.rglob("*") if q.is_file() and q.name not in _IGNORED):
        digest.update(child.relative_to(p).as_posix().encode())
        digest.update(b"\0")
        digest.update(file_sha256(child).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def text_sha256(text: str) -> str:
    """sha256 hex digest of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_files_key(model: str | os.PathLike[str]) -> list[tuple[str, int, int]] | str:
    """What a model folder holds, cheaply (its files' relative names, sizes and mtimes), for
    resume fingerprints; a name that is not a folder (a hub id, a served model) as it is."""
    root = Path(model)
    if not root.is_dir():
        return str(model)
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    )
