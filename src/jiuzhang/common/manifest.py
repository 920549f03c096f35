"""Per-artifact manifests: what produced a file (inputs' checksums, config values, code version).

Every rule writes one `<artifact>.manifest.json` beside its main output through `write_manifest`:

- `inputs`: role -> {path: sha256} of every file or folder the job read,
- `outputs`: {path: sha256} of the job's other outputs (stats, predictions, sidecars),
- `params`: the config subset that shaped the output (resolved values, defaults included),
- `seed`, `counts`, `code_version` (package version + git commit), `code_sha256` (digest of the
  package's own source files, meaningful without git too) and `libraries`.

`jiuzhang provenance <file>` (`jiuzhang.common.provenance`) follows `inputs` from manifest to
manifest back to the raw files. The document is timestamp- and absolute-path-free, so reruns with
the same inputs write the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from jiuzhang import __version__
from jiuzhang.common.hashing import path_sha256
from jiuzhang.common.io import write_json

MANIFEST_SUFFIX = ".manifest.json"
_LIBRARIES = ("torch", "transformers", "tokenizers", "deepspeed", "accelerate", "snakemake")


def manifest_path(artifact: str | os.PathLike[str]) -> Path:
    """Where the manifest of `artifact` lives: a sibling named `<artifact>.manifest.json`."""
    p = Path(artifact)
    return p.with_name(p.name + MANIFEST_SUFFIX)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus the git commit of the source checkout, if any (dirty-marked)."""
    src = Path(__file__).resolve().parents[3]
    try:
        sha = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """Digest of the installed package's Python sources (relative names and contents)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape outputs (absent ones are left out)."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def write_manifest(
    artifact: str | os.PathLike[str],
    *,
    inputs: Mapping[str, str | os.PathLike[str] | Sequence[str | os.PathLike[str]]] = {},
    outputs: Sequence[str | os.PathLike[str]] = (),
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    counts: Mapping[str, Any] | None = None,
) -> Path:
    """Write `<artifact>.manifest.json` describing how `artifact` was made; return its path."""
    input_digests: dict[str, Any] = {}
    for name, value in inputs.items():
        paths = [value] if isinstance(value, (str, os.PathLike)) else list(value)
        input_digests[name] = {str(p): path_sha256(p) for p in paths}
    artifact_path = Path(artifact)
    document = {
        "artifact": artifact_path.name,
        "sha256": path_sha256(artifact_path) if artifact_path.exists() else None,
        "inputs": input_digests,
        "outputs": {str(p): path_sha256(p) for p in outputs},
        "params": dict(params or {}),
        "seed": seed,
        "counts": dict(counts or {}),
        "code_version": code_version(),
        "code_sha256": code_sha256(),
        "libraries": library_versions(),
    }
    target = manifest_path(artifact_path)
    write_json(target, document)
    return target
