"""Which interpreter runs a job, and the child-process path of a vllm job (no engine needed)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError
from jiuzhang.common.hashing import text_sha256
from jiuzhang.common.logs import log_to
from jiuzhang.generation.engine_env import PYTHON_ENV_VAR, backend_python, run_job


def test_interpreter_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PYTHON_ENV_VAR, raising=False)
    assert backend_python({"name": "transformers"}) is None
    assert backend_python({"name": "openai", "options": {}}) is None
    assert backend_python({"name": "vllm"}) == sys.executable  # no vLLM venv here
    venv = tmp_path / ".venv-vllm/bin/python"
    venv.parent.mkdir(parents=True)
    venv.touch()
    assert backend_python({"name": "vllm"}) == str(venv)
    monkeypatch.setenv(PYTHON_ENV_VAR, "/site/vllm/bin/python")
    assert backend_python({"name": "vllm"}) == "/site/vllm/bin/python"
    assert backend_python({"name": "vllm", "python": "/mine/python"}) == "/mine/python"


def test_other_backends_run_in_process() -> None:
    assert run_job({"name": "transformers"}, "json:dumps", {"obj": [1]}, log_path=None) == "[1]"


def test_vllm_job_runs_in_a_child_that_appends_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "job.log"
    backend = {"name": "vllm", "python": sys.executable}
    with log_to(log):
        logging.getLogger("jiuzhang.test").info("before the child")
        digest = run_job(
            backend, "jiuzhang.common.hashing:text_sha256", {"text": "x"}, log_path=str(log)
        )
        logging.getLogger("jiuzhang.test").info("after the child")
    assert digest == text_sha256("x")
    lines = log.read_text().splitlines()
    assert "before the child" in lines[0] and "after the child" in lines[-1]
    assert any("running jiuzhang.common.hashing:text_sha256 in the vLLM environment" in x
               for x in lines)  # fmt: skip


def test_an_interpreter_without_vllm_fails_with_one_line(tmp_path: Path) -> None:
    """This venv has no vllm: the child's error is one line in the job's log, exit status 1."""
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(json.dumps({"id": 0, "prompt": "Hi"}) + "\n")
    log = tmp_path / "job.log"
    kwargs = dict(prompts=str(prompts), output=str(tmp_path / "out.jsonl"), model=str(tmp_path),
                  backend="vllm", backend_options={}, sampling={})  # fmt: skip
    with pytest.raises(SystemExit) as info, log_to(log):
        run_job(
            {"name": "vllm", "python": sys.executable},
            "jiuzhang.generation.batch:run_generate",
            kwargs,
            log_path=str(log),
        )
    assert info.value.code == 1
    text = log.read_text()
    assert "vllm backend: cannot import vllm in" in text and "make vllm" in text
    assert "Traceback" not in text
    assert not (tmp_path / "out.jsonl").exists()


def test_a_missing_interpreter_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="interpreter '/no/such/python' not found"):
        run_job({"name": "vllm", "python": "/no/such/python"}, "json:dumps", {}, log_path=None)


def test_the_child_dies_with_the_job(tmp_path: Path) -> None:
    """A job killed outright (SIGKILL: no handler runs) takes its vLLM process with it."""
    import os
    import signal
    import subprocess
    import time

    pid_file = tmp_path / "child.pid"
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text(f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                       "time.sleep(120)\n")  # fmt: skip
    job = subprocess.Popen([sys.executable, "-c", (
        "import sys\nfrom jiuzhang.generation.engine_env import run_job\n"
        f"run_job({{'name': 'vllm', 'python': sys.executable}}, 'runpy:run_path', "
        f"{{'path_name': {str(sleeper)!r}}}, log_path={str(tmp_path / 'log')!r})\n")])  # fmt: skip
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and job.poll() is None
        time.sleep(0.05)
    child = int(pid_file.read_text())
    job.send_signal(signal.SIGKILL)
    job.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the vLLM process outlived its job")
