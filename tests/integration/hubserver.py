"""A local stand-in for the Hugging Face hub's HTTP API (the real hub is unreachable here).

It serves folders as hub repos at one commit, speaking the endpoints huggingface_hub's
`repo_info`, `list_repo_tree` and `snapshot_download` call (revision info, recursive tree with
git blob ids and LFS sha256s, `resolve` with HEAD metadata and byte ranges), so the project's
download code runs unmodified against it with `HF_ENDPOINT` pointed here. Faults a real network
has can be switched on per file: a dropped connection after N bytes, slow transfer, or corrupted
bytes (the tree still states the true checksum).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

LFS_SUFFIXES = (".gz", ".zst", ".parquet", ".safetensors", ".jsonl")


@dataclass
class Repo:
    repo_id: str
    repo_type: str  # "dataset" or "model"
    root: Path
    commit: str

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
        )

    def entry(self, rel: str) -> dict:
        data = (self.root / rel).read_bytes()
        blob = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
        entry = {"type": "file", "path": rel, "size": len(data), "oid": blob}
        if rel.endswith(LFS_SUFFIXES):
            sha = hashlib.sha256(data).hexdigest()
            entry["lfs"] = {"oid": sha, "size": len(data), "pointerSize": 134}
            entry["oid"] = hashlib.sha1(f"pointer {sha}".encode()).hexdigest()  # pointer blob
        return entry


@dataclass
class Faults:
    drop_after: dict[str, int] = field(default_factory=dict)  # first GET sends this many bytes
    corrupt: set[str] = field(default_factory=set)
    bytes_per_s: float = 0.0  # 0 = unthrottled


class HubServer:
    """`with HubServer() as hub: hub.add(...)`; `hub.url` is the HF_ENDPOINT to use."""

    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], Repo] = {}
        self.faults = Faults()
        self.requests: list[tuple[str, str, str | None]] = []  # (method, file, Range header)
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def add(
        self, repo_id: str, root: Path, *, repo_type: str = "dataset", commit: str | None = None
    ) -> Repo:
        """Serve `root` as the repo at `commit` (default: a hash of the repo's name)."""
        commit = commit or hashlib.sha1(f"{repo_type}:{repo_id}".encode()).hexdigest()
        repo = Repo(repo_id, repo_type, root, commit)
        self.repos[(repo_type, repo_id)] = repo
        return repo

    def gets(self, rel: str) -> list[str | None]:
        """Range headers of the GET requests for one file, in order."""
        with self._lock:
            return [rng for method, path, rng in self.requests if method == "GET" and path == rel]

    def log(self, method: str, rel: str, rng: str | None) -> None:
        with self._lock:
            self.requests.append((method, rel, rng))

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


_API = re.compile(r"^/api/(datasets|models)/([^/]+/[^/]+)/(revision|tree)/([^/]+)(?:/(.*))?$")
_RESOLVE = re.compile(r"^/(?:(datasets)/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")


class _Handler(BaseHTTPRequestHandler):
    hub: HubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _json(self, obj: object, status: int = 200) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        self.send_response(status)
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _repo(self, kind: str | None, repo_id: str, rev: str) -> Repo | None:
        repo_type = "dataset" if kind in ("datasets", "dataset") else "model"
        repo = self.hub.repos.get((repo_type, repo_id))
        if repo is None:
            self._error(404, "RepoNotFound", f"Repository {repo_id} not found")
            return None
        if unquote(rev) not in ("main", repo.commit):
            self._error(404, "RevisionNotFound", f"Invalid rev id: {unquote(rev)}")
            return None
        return repo

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        url = urlparse(self.path)
        if m := _API.match(url.path):
            kind, repo_id, what, rev, sub = m.groups()
            repo = self._repo(kind, repo_id, rev)
            if repo is None:
                return
            if what == "revision":
                siblings = [{"rfilename": f} for f in repo.files()]
                return self._json({"id": repo_id, "sha": repo.commit, "siblings": siblings})
            recursive = parse_qs(url.query).get("recursive", ["false"])[0] == "true"
            prefix = f"{sub.rstrip('/')}/" if sub else ""
            entries = [
                repo.entry(f)
                for f in repo.files()
                if f.startswith(prefix) and (recursive or "/" not in f[len(prefix) :])
            ]
            return self._json(entries)
        if m := _RESOLVE.match(url.path):
            kind, repo_id, rev, rel = m.groups()
            rel = unquote(rel)
            repo = self._repo(kind, repo_id, rev)
            if repo is None:
                return
            if not (repo.root / rel).is_file():
                return self._error(404, "EntryNotFound", f"{rel} does not exist")
            return self._file(repo, rel, head)
        self._error(404, "RepoNotFound", f"no route {url.path}")

    def _file(self, repo: Repo, rel: str, head: bool) -> None:
        entry = repo.entry(rel)
        data = (repo.root / rel).read_bytes()
        faults = self.hub.faults
        if rel in faults.corrupt and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        rng = self.headers.get("Range")
        self.hub.log("HEAD" if head else "GET", rel, rng)
        start = 0
        if rng and (m := re.match(r"bytes=(\d+)-", rng)):
            start = int(m.group(1))
        body = data[start:]
        self.send_response(206 if start else 200)
        etag = entry["lfs"]["oid"] if "lfs" in entry else entry["oid"]
        self.send_header("ETag", f'"{etag}"')
        self.send_header("X-Repo-Commit", repo.commit)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if head:
            return
        cut = faults.drop_after.pop(rel, None)
        if cut is not None:
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # the peer sees the body end early
            return
        step = 4096
        for i in range(0, len(body), step):
            self.wfile.write(body[i : i + step])
            if faults.bytes_per_s:
                self.wfile.flush()
                time.sleep(step / faults.bytes_per_s)
