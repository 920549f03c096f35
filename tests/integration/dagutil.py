"""Helpers to run the workflow in a temporary copy (used by the DAG tests)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

WORKFLOW_PARTS = (
    "Snakefile",
    "rules",
    "scripts",
    "config",
    "prompts",
    "resources",
    "envs",
    "profiles",
    "report",
    ".test",
)


def copy_workflow(repo: Path, dest: Path) -> Path:
    """Copy what a run needs (not results) into `dest`; tests may edit the copy freely."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        src = repo / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    configfile: str | Sequence[str] = ".test/config/config.yaml",
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run snakemake from this interpreter's environment in `workdir` (.test config by default;
    several config files are merged in order, later ones overriding keys of earlier ones)."""
    env = {**os.environ, **(extra_env or {})}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # Cores come from the workflow profile (profiles/default), as when a user types `snakemake`.
    # (--configfile last: it takes several values and would swallow a target after it.)
    configfiles = [configfile] if isinstance(configfile, str) else list(configfile)
    cmd = [sys.executable, "-m", "snakemake", *args, "--configfile", *configfiles]
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=1800)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-6000:]}"
        )
    return proc


def job_stats(output: str) -> dict[str, int]:
    """Rule -> jobs, from the "Job stats" table Snakemake prints before running."""
    table = output.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    return {
        m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M) if m[1] != "total"
    }
