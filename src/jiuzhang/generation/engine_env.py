"""Which interpreter runs a job's generation, and running a job there.

vLLM pins its own torch and transformers, so it lives in an environment of its own (`make vllm`
builds `.venv-vllm`; on a cluster, `envs/vllm.yaml` or a site's vLLM install). A job whose backend
is `vllm` therefore runs its work in a child process of that environment's Python:
`python -m jiuzhang.generation.engine_env <request.json>`. The child imports this same package
source (its folder is put first on PYTHONPATH), so the vLLM environment needs only vLLM and this
package's core dependencies, not its training stack. The child's output, the engine's and its
workers' included, is appended to the job's log; its result comes back as JSON. Running the
engine in a child with a proper `__main__` module is also what vLLM's spawned workers need (a
Snakemake rule script cannot be re-imported by them).

The interpreter, in order: the config's `backend.python`; the environment variable
`JIUZHANG_VLLM_PYTHON`; `.venv-vllm/bin/python` in the working directory when it exists; else this
process's own interpreter (a job already running in a vLLM environment, e.g. Snakemake's
`--sdm conda` with envs/vllm.yaml).

Other backends run in the job's own process.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import ConfigError

log = logging.getLogger(__name__)

PYTHON_ENV_VAR = "JIUZHANG_VLLM_PYTHON"
DEFAULT_VENV_PYTHON = Path(".venv-vllm/bin/python")
_SRC = Path(__file__).resolve().parents[2]  # the folder that holds the jiuzhang package


def backend_python(backend: Mapping[str, Any]) -> str | None:
    """The interpreter that runs a job of this backend config: None for the job's own process
    (transformers, openai), else the vLLM environment's Python (see the module docstring)."""
    if backend.get("name") != "vllm":
        return None
    configured = backend.get("python") or os.environ.get(PYTHON_ENV_VAR)
    if configured:
        return str(configured)
    if DEFAULT_VENV_PYTHON.exists():
        return str(DEFAULT_VENV_PYTHON.absolute())
    return sys.executable


def run_job(
    backend: Mapping[str, Any], target: str, kwargs: Mapping[str, Any], *, log_path: str | None
) -> Any:
    """Call `target` ("module:function") with `kwargs` (JSON values) where `backend` runs: in
    this process, or in the vLLM environment's interpreter as a child process that appends to
    `log_path`. Returns the function's (JSON) result. A child that fails ends this process
    with its exit status (its reason is already in the log)."""
    python = backend_python(backend)
    if python is None:
        return _resolve(target)(**kwargs)
    if not Path(python).exists() and not _on_path(python):
        raise ConfigError(
            f"vllm backend: interpreter {python!r} not found (build the vLLM environment with "
            f"`make vllm`, or set backend.python / ${PYTHON_ENV_VAR} to one that has vllm)"
        )
    with tempfile.TemporaryDirectory(prefix="jiuzhang-job-") as tmp:
        request = Path(tmp) / "request.json"
        result = Path(tmp) / "result.json"
        request.write_text(
            json.dumps({"target": target, "kwargs": dict(kwargs), "result": str(result)}),
            encoding="utf-8",
        )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_SRC), env.get("PYTHONPATH")]))
        log.info("running %s in the vLLM environment: %s", target, python)
        for handler in logging.getLogger().handlers:
            handler.flush()
        command = [python, "-m", __name__, str(request)]
        options: dict[str, Any] = {"env": env, "preexec_fn": _die_with_parent}
        if log_path:  # the child, the engine and its workers all write to the job's log
            Path(log_path).parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "ab") as sink:
                status = subprocess.call(command, stdout=sink, stderr=sink, **options)
        else:  # stdout stays free for the caller's own output
            status = subprocess.call(command, stdout=sys.stderr.fileno(), **options)
        if status != 0:
            log.error("the job's vLLM process (%s) exited with status %d", python, status)
            raise SystemExit(status if status > 0 else 1)
        return json.loads(result.read_text(encoding="utf-8"))


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGKILL when the job's process dies, so a cancelled or
    killed job never leaves an engine holding a GPU."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def _on_path(command: str) -> bool:
    import shutil

    return os.sep not in command and shutil.which(command) is not None


def _resolve(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _child(request_path: str) -> None:
    """The child side: run the request, logging to stderr (the parent points it at the job's
    log)."""
    from jiuzhang.common.io import write_json
    from jiuzhang.common.logs import log_to

    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    with log_to(None):
        result = _resolve(request["target"])(**request["kwargs"])
        write_json(request["result"], result)


if __name__ == "__main__":
    _child(sys.argv[1])
