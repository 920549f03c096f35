"""Bad inputs (tests/data/bad, see its README): each run stops with a one-line error naming the
file (and line) or the config file and key, and no earlier artifact is deleted or changed.

Parse-time config errors are dry runs; runtime data errors run only the failing jobs, on a copy
of the finished .test run, with the bad input added as something new (a source, a benchmark)."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from dagutil import copy_workflow, snakemake

BAD = "tests/data/bad"
BASE = ".test/config/config.yaml"
TRACEBACK = "Traceback (most recent call last)"


def _with_bad_corpus(repo_root: Path, workdir: Path) -> Path:
    shutil.copytree(repo_root / BAD, workdir / BAD, dirs_exist_ok=True)
    return workdir


def _hashes(results: Path) -> dict[str, str]:
    """sha256 of every file under results/ (hidden temporaries included)."""
    return {
        str(path.relative_to(results)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(results.rglob("*"))
        if path.is_file()
    }


def _fails_cleanly(workdir: Path, overlay: str, *targets: str) -> str:
    """Run `targets` with the bad overlay on top of the .test config; assert a non-zero exit and
    that results/ is exactly as before (nothing deleted, changed or half-written); return the
    combined output."""
    before = _hashes(workdir / "results")
    proc = snakemake(
        workdir, "--keep-going", *targets, check=False, configfile=[BASE, f"{BAD}/config/{overlay}"]
    )
    assert proc.returncode != 0, proc.stderr[-3000:]
    assert _hashes(workdir / "results") == before
    return proc.stdout + proc.stderr


def _one_line(out: str, message: str) -> None:
    """`message` is a whole logged or printed line of `out` (not a fragment of a traceback)."""
    lines = [line for line in out.splitlines() if message in line]
    assert lines, f"{message!r} not in:\n{out[-4000:]}"
    assert all(re.fullmatch(rf"(\S+ \S+ ERROR jiuzhang: )?{re.escape(message)}", x) for x in lines)


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            "unknown_benchmark.yaml",
            f"config {BAD}/config/unknown_benchmark.yaml: evaluation.benchmarks: unknown key "
            "'gsm9k' (known: gsm8k, math, math-oai, svamp, asdiv, mawps, carp_en)",
        ),
        (
            "negative_n_shards.yaml",
            f"config {BAD}/config/negative_n_shards.yaml: prepare.n_shards: "
            "-1 is less than the minimum of 1",
        ),
        (
            "missing_model.yaml",
            f"config {BAD}/config/missing_model.yaml: models.ghost.path: "
            f"'{BAD}/model/does_not_exist' does not exist",
        ),
    ],
    ids=["unknown_benchmark", "negative_n_shards", "missing_model"],
)
def test_bad_config_is_one_line_at_parse_time(
    repo_root: Path, tmp_path: Path, overlay: str, message: str
) -> None:
    workdir = _with_bad_corpus(repo_root, copy_workflow(repo_root, tmp_path / "wf"))
    files = [BASE, f"{BAD}/config/{overlay}"]
    proc = snakemake(workdir, "--dry-run", check=False, configfile=files)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    _one_line(out, message)
    assert "Failed validating" not in out and TRACEBACK not in out


def test_bad_source_files_fail_with_file_and_line(repo_root: Path, dag_copy: Path) -> None:
    workdir = _with_bad_corpus(repo_root, dag_copy)
    sources = ("cut", "broken", "typed", "blank")
    out = _fails_cleanly(
        workdir, "bad_sources.yaml", *(f"results/prompts/{s}/stats.json" for s in sources)
    )
    expected = {
        "cut": f"{BAD}/source/truncated.jsonl.gz:3: truncated file (Compressed file ended "
        "before the end-of-stream marker was reached)",
        "broken": f"{BAD}/source/invalid_json.jsonl:3: invalid JSON (Expecting ',' delimiter)",
        "typed": f"{BAD}/source/wrong_type.jsonl:2: field 'text' must be a string, got int",
        "blank": f"{BAD}/source/empty.jsonl: empty file (0 documents)",
    }
    for source, message in expected.items():
        log = (workdir / f"logs/prepare/prepare_prompts/{source}.log").read_text()
        _one_line(log, message)
        _one_line(out, message)
        assert TRACEBACK not in log
    assert TRACEBACK not in out


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("invalid_json", ":2: invalid JSON (Expecting ',' delimiter)"),
        ("wrong_type", ":2: field 'problem' must be a string, got int"),
        ("empty", ": no rows (empty benchmark file)"),
    ],
)
def test_bad_benchmark_file_fails_with_file_and_line(
    repo_root: Path, dag_copy: Path, case: str, message: str
) -> None:
    workdir = _with_bad_corpus(repo_root, dag_copy)
    out = _fails_cleanly(
        workdir, f"bench_{case}.yaml", "results/eval/tiny/jiuzhang/math/metrics.json"
    )
    message = f"{BAD}/bench/math_{case}.jsonl{message}"
    _one_line((workdir / "logs/evaluate/eval_bench/tiny.jiuzhang.math.log").read_text(), message)
    _one_line(out, message)
    assert TRACEBACK not in out
