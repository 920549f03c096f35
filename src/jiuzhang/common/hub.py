"""Hugging Face hub snapshots as pipeline inputs: resumable, pinned, checksummed downloads.

`download_snapshot` resolves the configured revision to a commit, lists the repo tree at that
commit (sizes, git blob ids and LFS sha256s) and fetches the selected files from the hub's
`resolve` URLs with huggingface_hub's HTTP session (its token and headers). Each file streams
into `<file>.partial`, fsync'd as it grows; a dropped connection or a killed job resumes from the
bytes on disk with an HTTP range request (huggingface_hub 2.x's own downloads use per-process
temporary files and start over). A complete file is checked against the tree -- the LFS sha256
for LFS files, the git blob id for the others -- before it is renamed into place; one that fails
is deleted and named in the error, so the next run fetches it again.

The listing it returns (commit, files with sizes and sha256) is what the `download_data` and
`download_model` rules write, so a consumer rule depends on a verified snapshot.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import write_json
from jiuzhang.common.manifest import write_manifest

log = logging.getLogger(__name__)
_CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class HubSnapshot(FromMapping):
    """A repo at a revision, restricted to the files matching `include` (minus `exclude`)."""

    repo: str
    repo_type: str = "dataset"
    revision: str = "main"
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()

    def describe(self) -> str:
        return f"{self.repo_type} {self.repo}@{self.revision}"


def file_digests(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(sha256, git blob sha1) of a file, in one pass."""
    size = os.path.getsize(path)
    sha256 = hashlib.sha256()
    blob = hashlib.sha1(f"blob {size}\0".encode())
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            sha256.update(block)
            blob.update(block)
    return sha256.hexdigest(), blob.hexdigest()


def _why(exc: Exception) -> str:
    """Why a hub call failed, in words a user can act on."""
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, RevisionNotFoundError):
        return "revision not found"
    if isinstance(exc, GatedRepoError):
        return "gated repo: accept its terms on the hub and log in (`hf auth login` or HF_TOKEN)"
    if isinstance(exc, RepositoryNotFoundError):
        return "repository not found (or private: log in with `hf auth login` or set HF_TOKEN)"
    if isinstance(exc, (OfflineModeIsEnabled, LocalEntryNotFoundError)):
        return f"hub unreachable or offline mode on ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _hub_error(spec: HubSnapshot, exc: Exception) -> DataError:
    return DataError(f"{spec.describe()}: cannot download from the Hugging Face hub: {_why(exc)}")


def repo_problem(spec: HubSnapshot, *, timeout: float = 10.0) -> str | None:
    """Why `spec`'s repo or revision cannot be downloaded, when the hub says so (not found,
    gated, no such revision); None when it exists or the hub cannot be asked (offline, no
    network: the download job reports that itself)."""
    from huggingface_hub import HfApi, constants
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    if constants.HF_HUB_OFFLINE:
        return None
    try:
        HfApi().repo_info(
            spec.repo, repo_type=spec.repo_type, revision=spec.revision, timeout=timeout
        )
    except (RepositoryNotFoundError, RevisionNotFoundError) as exc:  # gated repos too
        return _why(exc)
    except Exception as exc:  # server or network trouble: the download job will say
        log.info("could not check %s on the hub: %s", spec.describe(), exc)
    return None


def _check(local: Path, entry: Any) -> tuple[str | None, str]:
    """(what is wrong or None, sha256) of `local` against its hub tree entry."""
    size = local.stat().st_size
    expected_size = entry.lfs.size if entry.lfs is not None else entry.size
    if size != expected_size:
        return f"size {size} != {expected_size}", ""
    sha256, blob = file_digests(local)
    if entry.lfs is not None and sha256 != entry.lfs.sha256:
        return f"sha256 {sha256} != {entry.lfs.sha256}", sha256
    if entry.lfs is None and blob != entry.blob_id:
        return f"git blob id {blob} != {entry.blob_id}", sha256
    return None, sha256


def _stream(session: Any, url: str, headers: dict[str, str], part: Path, size: int) -> None:
    """Append the rest of the file at `url` to `part`, from the bytes it already holds."""
    from huggingface_hub.utils import hf_raise_for_status

    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    if have == size:
        return
    request = dict(headers, **({"Range": f"bytes={have}-"} if have else {}))
    with session.stream("GET", url, headers=request, follow_redirects=True, timeout=60) as resp:
        hf_raise_for_status(resp)
        mode = "ab" if have and resp.status_code == 206 else "wb"  # 200: range ignored
        with open(part, mode) as handle:
            written = 0
            for chunk in resp.iter_bytes(_CHUNK):
                handle.write(chunk)
                written += len(chunk)
                if written >= 64 * _CHUNK:  # bound what a kill can lose
                    handle.flush()
                    os.fsync(handle.fileno())
                    written = 0
            handle.flush()
            os.fsync(handle.fileno())


def _fetch(
    spec: HubSnapshot, commit: str, entry: Any, out_dir: Path, retries: int
) -> tuple[str | None, str]:
    """Download one file resumably and verify it: (problem or None, sha256)."""
    import httpx2
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session

    local = out_dir / entry.path
    if local.is_file():
        problem, sha256 = _check(local, entry)
        if problem is None:
            return None, sha256  # fetched and verified by an earlier run
    local.unlink(missing_ok=True)
    local.parent.mkdir(parents=True, exist_ok=True)
    part = local.with_name(local.name + ".partial")
    url = hf_hub_url(spec.repo, entry.path, repo_type=spec.repo_type, revision=commit)
    headers = build_hf_headers(headers={"Accept-Encoding": "identity"})
    size = entry.lfs.size if entry.lfs is not None else entry.size
    for attempt in range(retries + 1):
        try:
            _stream(get_session(), url, headers, part, size)
            break
        except (httpx2.TransportError, OSError) as exc:
            if attempt == retries:
                why = f"download failed after {retries + 1} attempts ({exc}); rerun to resume"
                return why, ""
            got = part.stat().st_size if part.exists() else 0
            log.warning("%s: %s at %d of %d bytes; resuming", entry.path, exc, got, size)
            time.sleep(min(30.0, 2.0**attempt))
    problem, sha256 = _check(part, entry)
    if problem:
        part.unlink()
        return f"checksum mismatch ({problem}); deleted, rerun to fetch it again", sha256
    os.replace(part, local)
    return None, sha256


def download_snapshot(
    spec: HubSnapshot, out_dir: str | os.PathLike[str], *, workers: int = 4, retries: int = 5
) -> dict[str, Any]:
    """Download the selected files of `spec` into `out_dir`, verify them, return a listing."""
    from huggingface_hub import HfApi
    from huggingface_hub.hf_api import RepoFile
    from huggingface_hub.utils import filter_repo_objects

    target = Path(out_dir)
    include = list(spec.include) or None
    exclude = list(spec.exclude) or None
    api = HfApi()
    try:
        commit = api.repo_info(spec.repo, repo_type=spec.repo_type, revision=spec.revision).sha
        tree = [
            f
            for f in api.list_repo_tree(
                spec.repo, recursive=True, revision=commit, repo_type=spec.repo_type
            )
            if isinstance(f, RepoFile)
        ]
    except Exception as exc:  # HTTP errors, connection errors, offline mode
        raise _hub_error(spec, exc) from exc
    wanted = sorted(
        filter_repo_objects(tree, allow_patterns=include, ignore_patterns=exclude, key=_path),
        key=_path,
    )
    if not wanted:
        raise DataError(
            f"{spec.describe()}: no file matches include={include} exclude={exclude} "
            f"(the commit {commit} has {len(tree)} files)"
        )
    total = sum(f.size for f in wanted)
    log.info(
        "%s -> %s: commit %s, %d files, %.1f MB",
        spec.describe(),
        target,
        commit,
        len(wanted),
        total / 1e6,
    )
    bad: list[str] = []
    digests: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = {pool.submit(_fetch, spec, commit, f, target, retries): f for f in wanted}
        for done, job in enumerate(concurrent.futures.as_completed(jobs), start=1):
            entry = jobs[job]
            problem, digests[entry.path] = job.result()
            if problem:
                bad.append(f"{target / entry.path}: {problem}")
            log.info("[%d/%d] %s %s", done, len(wanted), entry.path, "FAILED" if problem else "ok")
    if bad:
        raise DataError(f"{spec.describe()}: files failed:\n  " + "\n  ".join(sorted(bad)))
    log.info("verified %d files (%d bytes) against the hub tree", len(wanted), total)
    return {
        "repo": spec.repo,
        "repo_type": spec.repo_type,
        "revision": spec.revision,
        "commit": commit,
        "include": list(spec.include),
        "exclude": list(spec.exclude),
        "bytes": total,
        "files": {f.path: {"size": f.size, "sha256": digests[f.path]} for f in wanted},
    }


def _path(entry: Any) -> str:
    return entry.path


def run_download_data(*, spec: dict[str, Any], out_dir: str, listing: str) -> None:
    """Rule entry point: fetch a configured hub dataset snapshot and write its verified listing."""
    snapshot = HubSnapshot.from_mapping(spec)
    document = download_snapshot(snapshot, out_dir)
    write_json(listing, document)
    write_manifest(
        listing,
        outputs=[out_dir],
        params=dict(spec),
        counts={
            "commit": document["commit"],
            "files": len(document["files"]),
            "bytes": document["bytes"],
        },
    )
