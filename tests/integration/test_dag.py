"""The whole pipeline as one DAG: it runs to the table, reruns nothing when nothing changed, and
reruns exactly what an edit invalidates."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from dagutil import copy_workflow, snakemake

PAPER_HEADER = ["Model", "GSM8k", "MATH", "SVAMP", "ASDiv", "MAWPS", "CARP", "Avg"]


def planned_rules(workdir: Path, *args: str) -> dict[str, int]:
    """Rule -> job count that a dry run would execute."""
    proc = snakemake(workdir, "--dry-run", "--quiet", "rules", *args)
    out = proc.stdout + proc.stderr
    counts: dict[str, int] = {}
    for line in out.splitlines():
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if match and match[1] != "total":
            counts[match[1]] = int(match[2])
    return counts


def test_dag_runs_to_the_table(test_dag: Path) -> None:
    table = test_dag / "results/report/table.csv"
    rows = [row[:8] for row in csv.reader(table.open())]  # then n and intervals per benchmark
    assert rows[0] == PAPER_HEADER
    assert [r[0] for r in rows[1:]] == [
        f"{model} ({ptype})"
        for model in ("tiny", "tiny-raw", "tiny-jiuzhang")
        for ptype in ("jiuzhang", "jiuzhang_tora", "cot")
    ]
    for row in rows[1:]:
        assert all(re.fullmatch(r"\d+\.\d", cell) for cell in row[1:]), row
    md = (test_dag / "results/report/table.md").read_text()
    assert "| tiny-jiuzhang (jiuzhang) |" in md and "MATH-500" in md
    assert (test_dag / "results/report/table.svg").read_text().startswith("<svg")
    tora = json.loads((test_dag / "results/eval/tiny/jiuzhang_tora/gsm8k/metrics.json").read_text())
    assert tora["depends_on"]["sandbox"]["isolation"] in ("bwrap", "unshare")
    cot = json.loads((test_dag / "results/eval/tiny/cot/gsm8k/metrics.json").read_text())
    assert cot["depends_on"]["shots"] == 2 and cot["depends_on"]["demos_sha256"]
    first = (test_dag / "results/eval/tiny/cot/gsm8k/predictions.jsonl").open().readline()
    assert json.loads(first)["prompt"].count("Question: ") == 3


def test_every_stage_left_its_artifacts(test_dag: Path) -> None:
    results = test_dag / "results"
    for shard in ("00000", "00001"):
        for source in ("textbook", "wiki"):
            prompts = results / f"prompts/{source}/shard-{shard}.jsonl"
            assert prompts.stat().st_size > 0
            assert (prompts.parent / f"{prompts.name}.manifest.json").is_file()
            assert (results / f"synth/cot/{source}/shard-{shard}.jsonl").stat().st_size > 0
    for model_dir in (
        "models/tokenizer",
        "models/tiny",
        "pretrain/tiny/model",
        "synthesizer/model",
        "train/tiny-jiuzhang/model",
        "train/tiny-raw/model",
    ):
        manifest = json.loads((results / f"{model_dir}.manifest.json").read_text())
        assert manifest["code_version"] and manifest["libraries"]["torch"]
    assert (results / "train/tiny-jiuzhang/model/model.safetensors").is_file()
    train_log = json.loads((results / "train/tiny-jiuzhang/model/train_log.json").read_text())
    assert any("loss" in entry for entry in train_log)
    stats = json.loads((results / "corpus/cot/stats.json").read_text())
    assert stats["kept"] >= 1 and stats["in"] >= stats["kept"]
    phases = json.loads((results / "train_data/train.phases.json").read_text())["phases"]
    assert [p["name"] for p in phases] == ["pretrain"]  # CoT + the verified tool corpus
    assert set(phases[0]["corpora"]) == {"cot", "tool"}
    packed = json.loads((results / "packed/train/packed.stats.json").read_text())
    assert 0 < packed["fill_ratio"] <= 1
    held = packed["heldout"]["documents"]  # 5 % of the rows, kept out of training
    assert held >= 1 and packed["documents"] + held == phases[0]["documents"][1]
    stable = json.loads((results / "train/tiny-jiuzhang/stable/trainer_state.json").read_text())
    assert stable["global_step"] == 17  # ceil(0.85 x 20): the WSD stable phase ends there
    metrics = json.loads((results / "eval/tiny-jiuzhang/jiuzhang/gsm8k/metrics.json").read_text())
    assert metrics["n"] == 16 and set(metrics["depends_on"]) >= {
        "model_sha256",
        "template_sha256",
        "benchmark_sha256",
        "decoding",
        "grader_version",
    }
    for artifact in (
        "eval/tiny/jiuzhang/svamp/metrics.json",
        "report/table.md",
        "corpus/cot/corpus.jsonl",
        "packed/kd/packed.safetensors",
    ):
        assert (results / f"{artifact}.manifest.json").is_file(), artifact
    for rule_log in (test_dag / "logs").rglob("*.log"):
        assert rule_log.stat().st_size > 0, rule_log
    assert list((results / "benchmarks").rglob("*.tsv"))


def test_base_control_and_synthesized_arms(test_dag: Path) -> None:
    """The base is pre-trained on raw text; the control arm is the target's training on raw
    text; every training logs held-out loss; sampled scores sit beside the greedy ones."""
    results = test_dag / "results"
    pre = json.loads((results / "pretrain/tiny/model.manifest.json").read_text())
    assert list(pre["inputs"]["base_model"]) == ["results/models/tiny"]
    assert pre["counts"]["steps"] == 6 and pre["counts"]["heldout_rows"] >= 1
    raw = json.loads((results / "packed/pretrain-tiny/packed.stats.json").read_text())
    assert raw["split_documents"] > 0 and raw["truncated"] == 0  # long texts split, not cut
    arms = {}
    for arm in ("tiny-jiuzhang", "tiny-raw"):
        manifest = json.loads((results / f"train/{arm}/model.manifest.json").read_text())
        arms[arm] = manifest
        assert list(manifest["inputs"]["base_model"]) == ["results/pretrain/tiny/model"]
        log = json.loads((results / f"train/{arm}/model/train_log.json").read_text())
        assert [e["step"] for e in log if "eval_loss" in e] == [0, 5, 10, 15, 20]
    assert list(arms["tiny-raw"]["inputs"]["packed"]) == [
        "results/packed/control/packed.safetensors"
    ]
    assert arms["tiny-raw"]["params"] == arms["tiny-jiuzhang"]["params"]  # same steps, schedule
    control = json.loads((results / "train_data/control.phases.json").read_text())
    assert list(control["phases"][0]["corpora"]) == ["textbook", "wiki"]  # the sources' text
    metrics = json.loads((results / "eval/tiny-raw/jiuzhang_tora/gsm8k/metrics.json").read_text())
    sampled = metrics["samples"]
    assert sampled["n"] == 2 and set(sampled["pass@k"]) == {"1", "2"}
    assert sampled["completions"] == 32 and sampled["ci_method"].startswith("percentile")
    lines = (results / "eval/tiny-raw/jiuzhang_tora/gsm8k/samples.jsonl").read_text().splitlines()
    assert len(lines) == 32
    md = (results / "report/table.md").read_text()
    assert "| tiny-jiuzhang - tiny-raw (jiuzhang) |" in md
    assert "| tiny-raw (jiuzhang_tora): maj@2 |" in md


def test_second_run_has_nothing_to_do(test_dag: Path) -> None:
    assert planned_rules(test_dag) == {}


def test_provenance_of_the_table_reaches_the_raw_shards(test_dag: Path) -> None:
    import subprocess
    import sys

    cli = Path(sys.executable).parent / "jiuzhang"
    proc = subprocess.run(
        [str(cli), "provenance", "results/report/table.md"],
        cwd=test_dag, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr  # every checksum still holds
    out = proc.stdout
    raw = out[out.index("raw inputs") :]
    for shard in (
        "resources/tiny/mathpile/train/textbooks/textbooks_markdown.jsonl.gz",
        "resources/tiny/mathpile/train/wikipedia/wikipedia_en_mathematics.jsonl.gz",
        "resources/tiny/kd/train.jsonl",
        "prompts/cot/college.md",
        "resources/tiny/benchmarks/gsm8k/test.jsonl",
    ):
        assert shard in raw
    assert "results/" not in raw  # every produced file was traced to its producer
    for artifact in (
        "results/eval/tiny-jiuzhang/jiuzhang/gsm8k/metrics.json",
        "results/train/tiny-jiuzhang/model",
        "results/packed/train/packed.safetensors",
        "results/train_data/train.jsonl",
        "results/corpus/cot/corpus.jsonl",
        "results/synth/cot/wiki/shard-00000.jsonl",
        "results/synthesizer/model",
        "results/prompts/wiki/shard-00000.jsonl",
    ):
        assert artifact in out


def test_html_report_has_every_section(test_dag: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    snakemake(test_dag, "--report", str(report))
    html = report.read_text()
    for text in (
        "1. Summary table",
        "2. Scores per benchmark",
        "3. Data",
        "4. Training",
        "data funnel per source",
        "packing fill",
        "loss curves",
        "score-math-oai.svg",
        "jiuzhang provenance",  # the workflow description
    ):
        assert text in html, text
    figures = test_dag / "results/report/figures"
    assert "kept (deduped)" in (figures / "funnel.svg").read_text()
    loss = (figures / "loss.svg").read_text()
    assert loss.count("<polyline") == 8 and loss.count("stroke-dasharray") >= 4  # + held-out
    # the first screen: the summary table itself, with the arms' paired differences
    first = html[html.index("The summary table") :]
    assert "tiny-jiuzhang - tiny-raw" in html and "no answer" in first


def test_editing_eval_prompt_reruns_only_eval_and_table(dag_copy: Path) -> None:
    template = dag_copy / "prompts/eval/jiuzhang.md"
    template.write_text(template.read_text().replace("## Solution", "## Solution:"))
    assert planned_rules(dag_copy) == {
        "eval_bench": 6, "eval_control": 6, "eval_target": 6, "report_table": 1,
        "report_figures": 1, "all": 1,
    }  # fmt: skip


def test_editing_synthesis_template_reruns_from_prompts_not_models(dag_copy: Path) -> None:
    template = dag_copy / "prompts/cot/grade.md"
    template.write_text(template.read_text().replace("word problem", "story problem"))
    planned = planned_rules(dag_copy)
    for rule in (
        "prepare_prompts",
        "synth_cot_shard",
        "build_corpus",
        "prepare_train_data",
        "pack_corpus",
        "train_cpt",
        "eval_target",
        "report_table",
        "report_figures",
    ):
        assert rule in planned, (rule, planned)
    for rule in ("train_tokenizer", "init_model", "train_synthesizer", "pretrain_base"):
        assert rule not in planned, (rule, planned)
    # the KD, pre-training and control sets are untouched, and so are the base and the control
    for rule in ("pack_kd_set", "pack_pretrain_text", "pack_control_text", "prepare_control_text",
                 "train_control", "eval_control", "eval_bench"):  # fmt: skip
        assert rule not in planned, (rule, planned)
    assert planned["pack_corpus"] == planned["train_cpt"] == planned["prepare_train_data"] == 1
    assert planned["eval_target"] == 18  # only the trained model: 3 prompt types x 6 benchmarks


def test_bad_config_fails_with_the_key_named(repo_root: Path, tmp_path: Path) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config = workdir / ".test/config/config.yaml"
    config.write_text(config.read_text().replace("n_shards: 2", "n_shards: 2\n  n_shard: 3"))
    proc = snakemake(workdir, "--dry-run", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "prepare: unknown key 'n_shard' (known: " in out


def test_bad_config_value_fails_with_the_key_named(repo_root: Path, tmp_path: Path) -> None:
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config = workdir / ".test/config/config.yaml"
    config.write_text(config.read_text().replace("base: tiny\n", "base: tiny-missing\n"))
    proc = snakemake(workdir, "--dry-run", check=False)
    assert proc.returncode != 0 and "target.base" in proc.stdout + proc.stderr


def test_malformed_shard_error_names_file_and_line(repo_root: Path, tmp_path: Path) -> None:
    import gzip

    workdir = copy_workflow(repo_root, tmp_path / "wf")
    shard = workdir / "resources/tiny/mathpile/train/textbooks/textbooks_markdown.jsonl.gz"
    lines = gzip.decompress(shard.read_bytes()).decode().splitlines()
    lines[2] = lines[2][:40]  # a truncated JSON record on line 3
    shard.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    proc = snakemake(workdir, "all_prompts", check=False)
    assert proc.returncode != 0
    log = (workdir / "logs/prepare/prepare_prompts/textbook.log").read_text()
    assert "textbooks_markdown.jsonl.gz:3: invalid JSON" in log
    assert "textbooks_markdown.jsonl.gz:3: invalid JSON" in proc.stdout + proc.stderr
    assert not (workdir / "results/prompts/textbook/shard-00000.jsonl").exists()


def test_plain_snakemake_runs_the_demo_config(repo_root: Path, tmp_path: Path) -> None:
    # README: inside the venv, `snakemake` alone runs the tiny default via profiles/default.
    import os
    import subprocess
    import sys

    workdir = copy_workflow(repo_root, tmp_path / "wf")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "all_prompts"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "workflow specific profile profiles/default" in proc.stderr
    assert (workdir / "results/prompts/wiki/shard-00001.jsonl").stat().st_size > 0


def test_teacher_config_plans_the_kd_branch(repo_root: Path, tmp_path: Path) -> None:
    """With `synthesizer.teacher` set, the KD set is an artifact of the kd_teacher rule, and the
    synthesizer trains on it (SPEC §2.5)."""
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config = workdir / ".test/config/config.yaml"
    text = config.read_text()
    kd_line = next(line for line in text.splitlines() if line.strip().startswith("kd_set:"))
    teacher = (
        "  kd_set: results/kd/teacher.jsonl\n"
        "  teacher:\n"
        "    prompts: results/prompts/textbook/shard-00000.jsonl\n"
        "    model: teacher-model\n"
        "    backend: {name: openai, options: {base_url: 'http://127.0.0.1:9/v1'}}\n"
    )
    config.write_text(text.replace(kd_line + "\n", teacher))
    planned = planned_rules(workdir)
    assert planned["kd_teacher"] == 1 and planned["train_synthesizer"] == 1
    proc = snakemake(workdir, "--dry-run", "--printshellcmds", "results/kd/teacher.jsonl")
    assert "results/kd/teacher.jsonl.usage.json" in proc.stdout + proc.stderr
