"""Each stage is an entry point, run for real on CPU: a config holds only the sections its targets
need, and the DAG plans only their rules.

- evaluate only: a model from a local folder, and one served by the project's local hub server
  (downloaded, listing in its provenance), with the paper's row beside ours in the table;
- synthesize only: a given synthesizer (a scripted tiny Llama that writes one problem and its
  solution) over the tiny texts -> prompts -> synthesis -> corpus;
- train only: the released corpora's layout (hub dataset repos of Parquet {input, output} shards)
  -> download -> curriculum -> packing -> training -> evaluation;
- bad input named at parse time, before any job: a hub id that does not exist, a model folder
  without weights, a corpus without `input`/`output`.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import rehearsal
import yaml
from dagutil import copy_workflow, job_stats, snakemake
from hubserver import HubServer
from scripted_model import writer_llama

from jiuzhang.tiny.model import random_llama

TINY = "resources/tiny/benchmarks"
EVAL = {
    "prompt_types": ["jiuzhang"],
    "benchmarks": {"gsm8k": f"{TINY}/gsm8k/test.jsonl", "svamp": f"{TINY}/svamp/test.jsonl"},
    "limit": 4,
    "backend": {"name": "transformers", "options": {"batch_size": 4}},
    "decoding": {"temperature": 0.0, "max_new_tokens": 8},
}
PROBLEM = "Ann has 3 apples and buys 4 more apples at the market. How many apples does she have?"
SOLUTION = "She has 3 + 4 = 7 apples in all. The answer is 7."


def _run(workdir: Path, config: dict, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    path = workdir / "entry.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return snakemake(workdir, *args, configfile="entry.yaml", **kwargs)


def _provenance(workdir: Path, artifact: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "jiuzhang.cli", "provenance", "--json", artifact],
        cwd=workdir, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return random_llama(tmp_path_factory.mktemp("tiny"), seed=3, max_positions=512)


def test_evaluate_only_a_local_model_folder(repo_root: Path, tmp_path: Path, tiny_model: Path):
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config = {
        "models": {"mine": {"path": str(tiny_model), "paper": "JiuZhang3.0-7B"}},
        "evaluation": {"models": ["mine"], **EVAL},
    }
    proc = _run(workdir, config)
    assert job_stats(proc.stderr) == {
        "eval_bench": 2, "report_table": 1, "report_figures": 1, "all": 1
    }  # fmt: skip
    table = [",".join(r[:8]) for r in csv.reader((workdir / "results/report/table.csv").open())]
    assert table[2] == "mine: paper (JiuZhang3.0-7B),88.6,52.8,90.4,92.6,97.3,51.0,78.8"
    assert table[3].startswith("mine: ours - paper,") and len(table) == 4
    figures = sorted(p.name for p in (workdir / "results/report/figures").glob("*.svg"))
    assert figures == ["score-gsm8k.svg", "score-svamp.svg"]  # no funnel, packing or loss
    report = snakemake(workdir, "--report", "results/report/report.html", configfile="entry.yaml")
    assert report.returncode == 0
    assert "JiuZhang3.0-7B" in (workdir / "results/report/report.html").read_text()


def test_evaluate_only_a_hub_model_traces_to_its_listing(
    repo_root: Path, tmp_path: Path, tiny_model: Path
) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config = {
        "models": {"released": {"hub": "someone/tiny-math-7b"}},
        "evaluation": {"models": ["released"], **EVAL},
    }
    with HubServer() as hub:
        hub.add("someone/tiny-math-7b", tiny_model, repo_type="model")
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf")}
        proc = _run(workdir, config, extra_env=env)
        again = _run(workdir, config, "--dry-run", extra_env=env)
    assert job_stats(proc.stderr) == {
        "download_model": 1, "eval_bench": 2, "report_table": 1, "report_figures": 1, "all": 1
    }  # fmt: skip
    assert "Nothing to be done" in again.stdout + again.stderr
    listing = json.loads((workdir / "resources/hub/released.download.json").read_text())
    assert listing["repo"] == "someone/tiny-math-7b" and "model.safetensors" in listing["files"]
    chain = _provenance(workdir, "results/report/table.md")
    assert "resources/hub/released.download.json" in chain
    assert f"{TINY}/gsm8k/test.jsonl" in chain and f"{TINY}/svamp/test.jsonl" in chain
    # no paper row named: the table has none
    assert "paper" not in (workdir / "results/report/table.csv").read_text()


def test_synthesize_only_with_a_given_synthesizer(repo_root: Path, tmp_path: Path) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    synth = writer_llama(tmp_path / "synth", [PROBLEM, "\n\n## Solution\n", SOLUTION])
    config = {
        "sources": {"textbook": {
            "builder": "textbook", "max_docs": 2,
            "paths": ["resources/tiny/mathpile/train/textbooks/textbooks_markdown.jsonl.gz"]}},
        "prepare": {"extract_size": 200, "n_shards": 2},
        "models": {"synth": {"path": str(synth)}},
        "synthesizer": {"model": "synth"},
        "synthesis": {
            "backend": {"name": "transformers", "options": {"batch_size": 16}},
            "sampling": {"temperature": 0.0, "max_new_tokens": 8},
            "rows_per_batch": 16,
        },
        "corpus": {"min_rows": 1},
    }  # fmt: skip
    proc = _run(workdir, config)
    assert job_stats(proc.stderr) == {
        "prepare_prompts": 1, "synth_cot_shard": 2, "build_corpus": 1, "report_figures": 1,
        "all": 1,
    }  # fmt: skip
    rows = [json.loads(line) for line in (workdir / "results/corpus/cot/corpus.jsonl").open()]
    assert [r["output"] for r in rows] == [SOLUTION]  # every prompt wrote it; dedup kept one
    assert rows[0]["input"] == f"## Question\n{PROBLEM}\n\n## Solution\n"
    stats = json.loads((workdir / "results/corpus/cot/stats.json").read_text())
    prompts = sum(1 for p in (workdir / "results/prompts/textbook").glob("shard-*.jsonl")
                  for _ in p.open())  # fmt: skip
    assert stats["kept"] == 1 and stats["in"] == prompts > 1
    figures = sorted(p.name for p in (workdir / "results/report/figures").glob("*.svg"))
    assert figures == ["funnel.svg"]


def test_train_only_on_corpora_in_the_released_layout(
    repo_root: Path, tmp_path: Path, tiny_model: Path
) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    for name in ("cot", "sft"):
        rehearsal.sft_corpus(tmp_path / name)  # data/train-00000-of-00001.parquet, input/output
    config = {
        "downloads": {
            "jiuzhang_cot": {"repo": "ToheartZhang/JiuZhang3.0-Corpus-PT-CoT"},
            "jiuzhang_sft": {"repo": "ToheartZhang/JiuZhang3.0-Corpus-SFT"},
        },
        "models": {"base": {"path": str(tiny_model)}},
        "target": {
            "base": "base", "name": "base-cpt", "paper": "JiuZhang3.0-7B",
            "pack": {"seq_len": 128},
            "data": [
                {"name": "pretrain", "corpora": [{"name": "cot", "paths": ["data/jiuzhang_cot"]}]},
                {"name": "sft", "corpora": [{"name": "sft", "paths": ["data/jiuzhang_sft"]}]},
            ],
            "train": {"nproc_per_node": 1, "global_batch_size": 4, "micro_batch_size": 4,
                      "max_steps": 3, "learning_rate": 1.0e-3, "save_steps": 3, "logging_steps": 1},
        },
        "evaluation": {"models": ["base-cpt"], **EVAL},
    }  # fmt: skip
    with HubServer() as hub:
        hub.add("ToheartZhang/JiuZhang3.0-Corpus-PT-CoT", tmp_path / "cot")
        hub.add("ToheartZhang/JiuZhang3.0-Corpus-SFT", tmp_path / "sft")
        proc = _run(workdir, config, extra_env={"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path)})
    assert job_stats(proc.stderr) == {
        "download_data": 2, "prepare_train_data": 1, "pack_corpus": 1, "train_cpt": 1,
        "eval_target": 2, "report_table": 1, "report_figures": 1, "all": 1,
    }  # fmt: skip
    phases = json.loads((workdir / "results/train_data/train.phases.json").read_text())
    assert [p["name"] for p in phases["phases"]] == ["pretrain", "sft"]
    assert (workdir / "results/train/base-cpt/model/model.safetensors").is_file()
    table = (workdir / "results/report/table.csv").read_text()
    assert "base-cpt: paper (JiuZhang3.0-7B)" in table
    figures = sorted(p.name for p in (workdir / "results/report/figures").glob("*.svg"))
    assert figures == ["loss.svg", "packing.svg", "score-gsm8k.svg", "score-svamp.svg"]


def test_bad_entry_inputs_are_one_line_before_any_job(
    repo_root: Path, tmp_path: Path, tiny_model: Path
) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    no_weights = tmp_path / "no-weights"
    no_weights.mkdir()
    (no_weights / "config.json").write_text((tiny_model / "config.json").read_text())
    bad_corpus = tmp_path / "qa.jsonl"
    bad_corpus.write_text('{"question": "1+1?", "answer": "2"}\n')
    evaluation = {"models": ["m"], **EVAL}
    cases = {
        "models.m.hub: model someone/no-such-model@main: repository not found": {
            "models": {"m": {"hub": "someone/no-such-model"}}, "evaluation": evaluation},
        "downloads.sft.repo: dataset someone/corpus@v9: revision not found": {
            "downloads": {"sft": {"repo": "someone/corpus", "revision": "v9"}},
            "models": {"m": {"path": str(tiny_model)}}, "evaluation": evaluation},
        f"models.m.path: '{no_weights}' holds no weights": {
            "models": {"m": {"path": str(no_weights)}}, "evaluation": evaluation},
        f"target.data.0.corpora.0.paths: {bad_corpus}:1: missing field 'input'": {
            "models": {"m": {"path": str(tiny_model)}},
            "target": {"base": "m", "name": "t", "data": [
                {"name": "pt", "corpora": [{"name": "qa", "paths": [str(bad_corpus)]}]}]}},
        "sources: the target all_corpus needs this section, which the config lacks": None,
    }  # fmt: skip
    with HubServer() as hub:
        hub.add("someone/corpus", tmp_path)
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf")}
        for message, config in cases.items():
            args = ("all_corpus",) if config is None else ()
            config = config or {
                "models": {"m": {"path": str(tiny_model)}},
                "evaluation": evaluation,
            }
            proc = _run(workdir, config, *args, check=False, extra_env=env)
            out = proc.stdout + proc.stderr
            assert proc.returncode != 0
            lines = [line for line in out.splitlines() if message in line]
            assert len(lines) == 1, out[-3000:]
            assert lines[0].startswith(f"config entry.yaml: {message}")
            assert "Traceback" not in out and "Job stats" not in out
            assert not (workdir / "results").exists() and not (workdir / "resources/hub").exists()
