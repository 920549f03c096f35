"""Shared pytest fixtures.

`shared_dir` points at the developers' `../shared` folder (real benchmarks and corpus samples). On a
user's clone it does not exist and tests needing it are skipped; under CI (`CI=true`) its absence is
a failure, never a silent skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_root() -> Path:
    return Path(os.environ.get("JIUZHANG_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project checkout."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` (or $JIUZHANG_SHARED); fail under CI=true when missing, else skip."""
    root = _shared_root()
    if not (root / "benchmarks").is_dir():
        message = f"shared data folder not found at {root} (set JIUZHANG_SHARED)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return root
