"""Two clean runs of the .test DAG, in folders at different paths, write the same bytes: prompts,
transformers-backend generations, corpora, packed tensors, model weights, predictions, score files,
the table, the figures and every manifest. Only Snakemake's per-job benchmark timings differ."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from dagutil import copy_workflow, snakemake

# Wall-clock measurements by design (seconds, memory, I/O of each job).
TIMINGS = "results/benchmarks"


def digests(workdir: Path) -> dict[str, str]:
    results = workdir / "results"
    return {
        path.relative_to(workdir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(results.rglob("*"))
        if path.is_file() and not path.relative_to(workdir).as_posix().startswith(TIMINGS)
    }


@pytest.fixture(scope="module")
def second_run(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same workflow run from scratch again, in a folder with a longer path."""
    workdir = copy_workflow(repo_root, tmp_path_factory.mktemp("another-clean-run") / "wf")
    snakemake(workdir)
    return workdir


def test_two_clean_runs_are_byte_identical(test_dag: Path, second_run: Path) -> None:
    first, second = digests(test_dag), digests(second_run)
    assert set(first) == set(second)
    differing = sorted(p for p in first if first[p] != second[p])
    assert not differing, f"{len(differing)} files differ between clean runs: {differing[:20]}"
    stages = {
        "results/prompts/wiki/shard-00000.jsonl",
        "results/synth/cot/wiki/shard-00000.jsonl",
        "results/corpus/cot/corpus.jsonl",
        "results/packed/train/packed.safetensors",
        "results/train/tiny-jiuzhang/model/model.safetensors",
        "results/eval/tiny-jiuzhang/jiuzhang/gsm8k/metrics.json",
        "results/report/table.csv",
        "results/report/figures/funnel.svg",
    }
    assert stages <= set(first)
    assert sum(p.endswith(".manifest.json") for p in first) >= 50
