"""The `.test` DAG, run once per test session in a temporary copy of the workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from dagutil import copy_workflow, snakemake

from jiuzhang.generation.engine_env import backend_python


@pytest.fixture(scope="session")
def test_dag(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workflow copy on which the whole .test DAG has run to the table."""
    workdir = copy_workflow(repo_root, tmp_path_factory.mktemp("dag"))
    snakemake(workdir)
    return workdir


@pytest.fixture()
def dag_copy(test_dag: Path, tmp_path: Path) -> Path:
    """A private copy of the finished run (with results and Snakemake metadata) to edit."""
    dest = tmp_path / "run"
    shutil.copytree(test_dag, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def vllm_python() -> str:
    """The vLLM environment's interpreter; skip without one (fail under CI=true)."""
    python = backend_python({"name": "vllm"})
    probe = subprocess.run([python, "-c", "import vllm"], capture_output=True, text=True)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        message = f"no vLLM environment at {python} (build it with `make vllm`): {last}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return python
