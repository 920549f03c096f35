"""The paper configs plan the whole DAG (raw inputs as placeholder files), with GPU resources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from dagutil import copy_workflow, job_stats, snakemake

PAPER = ("llama3-8b", "mistral-7b", "mixtral-8x7b")


def _placeholders(workdir: Path, config: dict) -> None:
    """Empty files for the inputs a user provides (the DAG fetches the downloaded ones)."""
    paths = [p for src in config.get("sources", {}).values() for p in src["paths"]]
    paths += [config["synthesizer"]["kd_set"]] if "kd_set" in config.get("synthesizer", {}) else []
    paths += [*config.get("evaluation", {}).get("benchmarks", {}).values()]
    paths += [*config.get("corpus", {}).get("decontam_benchmarks", {}).values()]
    if "tool_synthesis" in config:
        paths += [*config["tool_synthesis"]["seeds"], config["tool_synthesis"]["exemplars"]]
    for rel in paths:
        if rel.split("/")[:2] in (["data", name] for name in config.get("downloads", {})):
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
    assert counts["download_model"] == 2 and counts["eval_bench"] == counts["eval_target"] == 12
    assert counts["train_synthesizer"] == counts["train_cpt"] == 1
    assert "init_model" not in counts and "train_tokenizer" not in counts
    nodes = config["resources"]["train_cpt"].get("nodes", 1)
    # train_cpt asks the cluster for its GPUs: per node when it spans nodes (--gres=gpu:8)
    assert ("gres=gpu:8" if nodes > 1 else "gpu=8") in out and f"nodes={nodes}" in out
    assert "python -m jiuzhang.train.launch --nproc 8 --" in out
    assert f'"zero_stage": {config["target"]["train"]["zero_stage"]}' in out


def _plan(workdir: Path, configfile: str) -> tuple[dict[str, int], str]:
    config = yaml.safe_load((workdir / configfile).read_text())
    _placeholders(workdir, config)
    proc = snakemake(workdir, "--dry-run", configfile=configfile)
    out = proc.stdout + proc.stderr
    return job_stats(out), out


ENTRY_POINTS = {
    # six released/base models x 2 prompt types x 6 benchmarks; nothing synthesized or trained
    "released-models": {
        "download_model": 6, "eval_bench": 72, "report_table": 1, "report_figures": 1, "all": 1,
    },
    # the released synthesizer over the paper's five sources (64 shards each) and the tool branch
    "released-synthesizer": {
        "download_data": 3, "download_model": 1, "prepare_prompts": 5, "synth_cot_shard": 320,
        "build_corpus": 1, "prepare_tool_prompts": 1, "synth_tool_shard": 16,
        "build_tool_corpus": 1, "report_figures": 1, "all": 1,
    },
    # the released corpora (CoT, tool, SFT) -> Mistral-7B, evaluated beside its base
    "released-corpora": {
        "download_data": 3, "download_model": 1, "prepare_train_data": 1, "pack_corpus": 1,
        "train_cpt": 1, "eval_bench": 12, "eval_target": 12, "report_table": 1,
        "report_figures": 1, "all": 1,
    },
}  # fmt: skip


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_point_configs_plan_exactly_their_rules(
    repo_root: Path, tmp_path: Path, name: str
) -> None:
    workdir = copy_workflow(repo_root, tmp_path / name)
    counts, out = _plan(workdir, f"config/paper/{name}.yaml")
    assert counts == ENTRY_POINTS[name]
    if name == "released-models":  # the 8x7B models get two GPUs each, the others one
        per_model = {}
        for block in out.split("rule eval_bench:")[1:]:
            model = re.search(r"wildcards: model=([^,\s]+)", block)[1]
            per_model[model] = int(re.search(r"resources: .*\bgpu=(\d+)", block)[1])
        assert per_model["jiuzhang3-8x7b"] == per_model["mixtral-8x7b"] == 2
        assert per_model["jiuzhang3-7b"] == per_model["llama3-8b"] == 1
    if name == "released-synthesizer":
        assert "resources/hub/jiuzhang3-synthesis-7b" in out
