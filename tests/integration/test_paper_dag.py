"""The paper configs plan the whole DAG (raw inputs as placeholder files), with GPU resources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from dagutil import copy_workflow, snakemake

PAPER = ("llama3-8b", "mistral-7b", "mixtral-8x7b")


def _placeholders(workdir: Path, config: dict) -> None:
    """Empty files for the inputs a user provides (the DAG fetches the downloaded ones)."""
    paths = [p for src in config["sources"].values() for p in src["paths"]]
    paths += [config["synthesizer"]["kd_set"], *config["evaluation"]["benchmarks"].values()]
    paths += [*config["tool_synthesis"]["seeds"], config["tool_synthesis"]["exemplars"]]
    for rel in paths:
        if rel.split("/")[:2] in (["data", name] for name in config["downloads"]):
            continue
        (workdir / rel).parent.mkdir(parents=True, exist_ok=True)
        (workdir / rel).write_text("")


@pytest.mark.parametrize("name", PAPER)
def test_paper_config_plans_every_job(repo_root: Path, tmp_path: Path, name: str) -> None:
    workdir = copy_workflow(repo_root, tmp_path / name)
    configfile = f"config/paper/{name}.yaml"
    config = yaml.safe_load((workdir / configfile).read_text())
    _placeholders(workdir, config)
    proc = snakemake(workdir, "--dry-run", "--printshellcmds", configfile=configfile)
    assert "config/config.yaml" not in proc.stderr.split("Config file(s):")[-1].splitlines()[0]
    out = proc.stdout + proc.stderr
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", out, re.M)}
    shards = config["prepare"]["n_shards"] * len(config["sources"])
    assert counts["synth_cot_shard"] == shards
    assert counts["prepare_prompts"] == 5  # textbook, wiki, stack, web, arxiv
    assert counts["download_data"] == 4  # MathPile, MMIQC, AutoMathText, the SFT corpus
    assert counts["prepare_train_data"] == 1  # the curriculum: pre-training, then SFT
    assert counts.get("consolidate_zero3", 0) == (config["target"]["train"]["zero_stage"] == 3)
    assert counts["synth_tool_shard"] == config["tool_synthesis"]["n_shards"]
    assert counts["build_tool_corpus"] == counts["build_corpus"] == 1
    # 2 models x 2 prompt types (jiuzhang, jiuzhang_tora) x 6 benchmarks
    assert counts["download_model"] == 2 and counts["eval_bench"] == 24
    assert counts["train_synthesizer"] == counts["train_cpt"] == 1
    assert "init_model" not in counts and "train_tokenizer" not in counts
    nodes = config["resources"]["train_cpt"].get("nodes", 1)
    # train_cpt asks the cluster for its GPUs: per node when it spans nodes (--gres=gpu:8)
    assert ("gres=gpu:8" if nodes > 1 else "gpu=8") in out and f"nodes={nodes}" in out
    assert "python -m jiuzhang.train.launch --nproc 8 --" in out
    assert f'"zero_stage": {config["target"]["train"]["zero_stage"]}' in out
