"""A local OpenAI-compatible server for a model folder: `transformers serve` (the `serve` extra).

    with serve_model("results/synthesizer/model", Path("serve.log")) as server:
        make_generator("openai", server.model, {"base_url": server.base_url})

The server is pinned to the folder (requests must name `server.model`), binds 127.0.0.1 on a
free port, runs offline (HF_HUB_OFFLINE=1) in its own session, and is always stopped on exit.
Used to test the `openai` backend and the KD teacher against a real server, and handy to serve a
local teacher. It answers one request at a time unless started with continuous batching.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LocalServer", "serve_available", "serve_model"]

_READY_RE = re.compile(r"Uvicorn running on (http://[\d.]+:\d+)")


@dataclass(frozen=True)
class LocalServer:
    """A running server: its `/v1` URL, the model name it serves, start-up seconds, its log."""

    base_url: str
    model: str
    startup_s: float
    log_path: Path


def serve_available() -> str | None:
    """None when `transformers serve` can run here, else what to install."""
    from transformers.utils.import_utils import is_serve_available

    if is_serve_available():
        return None
    return "transformers serve needs its extra: pip install 'transformers[serving]==5.24.0'"


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def serve_model(
    model: str, log_path: Path, *, timeout_s: float = 120.0, extra_args: tuple[str, ...] = ()
) -> Iterator[LocalServer]:
    """Start `transformers serve` for `model`; yield once `/v1/models` answers; stop it after.
    RuntimeError (with the log's tail) when it exits or is not ready within `timeout_s`."""
    missing = serve_available()
    if missing:
        raise RuntimeError(missing)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1"}
    command = [sys.executable, "-m", "transformers.cli.transformers", "serve"]
    command += ["--host", "127.0.0.1", "--port", "0", *extra_args, model]  # port 0: any free
    start = time.monotonic()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        base_url = ""
        while time.monotonic() - start < timeout_s:
            if process.poll() is not None:
                raise RuntimeError(
                    f"transformers serve exited ({process.returncode}):\n{_tail(log_path)}"
                )
            if not base_url:
                found = _READY_RE.search(log_path.read_text(errors="replace"))
                base_url = found.group(1) + "/v1" if found else ""
            if base_url:
                with contextlib.suppress(OSError):
                    with urllib.request.urlopen(base_url + "/models", timeout=2) as response:
                        [entry] = json.loads(response.read())["data"]
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"transformers serve not ready in {timeout_s}s:\n{_tail(log_path)}")
        yield LocalServer(base_url, entry["id"], time.monotonic() - start, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
