"""The .test DAG through a real SLURM cluster with `profiles/slurm` (issue 4).

Needs the one-node cluster of `.ci/slurm/start.sh`; `.ci/run` starts it and sets JIUZHANG_SLURM=1.
Without that variable these tests are skipped; with it, a cluster that does not answer fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from dagutil import copy_workflow, snakemake

pytestmark = pytest.mark.skipif(
    os.environ.get("JIUZHANG_SLURM") != "1", reason="no SLURM cluster (JIUZHANG_SLURM != 1)"
)

# The CI overlay: only the partition and the polling intervals differ from profiles/slurm.
CLUSTER = (
    "--profile", "profiles/slurm",
    # --default-resources replaces the profile's mapping: restate its values, change the partition
    "--default-resources", "slurm_partition=debug", "runtime=60", "mem_mb=4000",
    "--slurm-init-seconds-before-status-checks", "1",
    "--seconds-between-status-checks", "1",
)  # fmt: skip
# One prompt type, and a training job on both of the node's GPUs (the overlay says why).
CONFIGS = [".test/config/config.yaml", ".test/config/slurm.yaml"]
TRAIN_GPUS = 2
SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+) \(log: \S*/rule_(\w+)/")


def submitted(output: str) -> dict[str, int]:
    """Rule -> number of jobs that went through sbatch, from Snakemake's output."""
    counts: dict[str, int] = {}
    for _, rule in SUBMITTED.findall(output):
        counts[rule] = counts.get(rule, 0) + 1
    return counts


def sacct(job_ids: list[str], field: str, since: str) -> list[str]:
    """One accounting field (e.g. State, AllocTRES) of each given job id submitted since `since`
    (job ids restart when the CI cluster restarts; the accounting database keeps older ones)."""
    out = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-S", since, "-o", field, "-j", ",".join(job_ids)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return out.splitlines()


@pytest.fixture(scope="module")
def cluster() -> None:
    """The cluster answers (JIUZHANG_SLURM=1 promised one)."""
    proc = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    if proc.returncode != 0 or not re.search(r"idle|mixed|alloc", proc.stdout):
        pytest.fail(f"JIUZHANG_SLURM=1 but the cluster does not answer: {proc.stderr.strip()}")


@pytest.fixture(scope="module")
def cluster_run(
    cluster: None, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, str]:
    """A workflow copy on which the whole .test DAG ran through SLURM, Snakemake's output, and
    the submission start time."""
    workdir = copy_workflow(repo_root, tmp_path_factory.mktemp("slurm"))
    since = time.strftime("%Y-%m-%dT%H:%M:%S")
    proc = snakemake(workdir, *CLUSTER, configfile=CONFIGS)
    return workdir, proc.stdout + proc.stderr, since


def test_every_job_goes_through_sbatch(cluster_run: tuple[Path, str, str]) -> None:
    workdir, output, since = cluster_run
    counts = submitted(output)
    assert counts == {
        "prepare_prompts": 2, "train_tokenizer": 1, "init_model": 2, "pack_kd_set": 1,
        "prepare_pretrain_text": 1, "pack_pretrain_text": 1, "pretrain_base": 1,
        "train_synthesizer": 1, "synth_cot_shard": 4, "build_corpus": 1,
        "prepare_control_text": 1, "pack_control_text": 1, "train_control": 1,
        "prepare_train_data": 1, "pack_corpus": 1, "train_cpt": 1,
        "eval_bench": 6, "eval_target": 6, "report_table": 1, "report_figures": 1,
        "prepare_tool_prompts": 1, "synth_tool_shard": 1, "build_tool_corpus": 1,
    }  # fmt: skip
    jobs = SUBMITTED.findall(output)
    job_ids = [job for job, _ in jobs]
    assert sacct(job_ids, "State", since) == ["COMPLETED"] * len(job_ids)
    # GPU rules got a GPU from SLURM's GRES, CPU-only rules none.
    tres = dict(zip(job_ids, sacct(job_ids, "AllocTRES", since), strict=True))
    for job, rule in jobs:
        gpus = {"synth_cot_shard": 1, "synth_tool_shard": 1, "eval_bench": 1, "eval_target": 1}
        gpus = TRAIN_GPUS if rule in ("train_cpt", "train_control") else gpus.get(rule, 0)
        assert (f"gres/gpu={gpus}" in tres[job]) if gpus else "gpu" not in tres[job], (
            rule,
            tres[job],
        )
    assert (workdir / "results/report/table.csv").read_text().startswith("Model,GSM8k,MATH")
    # training ran as an srun step of its job: one torchrun for the job's node, 2 ranks
    train_log = (workdir / "logs/train/train_cpt/tiny-jiuzhang.log").read_text()
    assert "launch: srun --overlap --nodes=1 --ntasks-per-node=1" in train_log
    assert "--nproc-per-node=2 --rdzv-backend=c10d" in train_log and "2 ranks x" in train_log


def test_a_two_gpu_training_job_runs_its_launcher_once(cluster_run: tuple[Path, str, str]) -> None:
    """The plugin started gpu=N jobs N times for some users (snakemake-executor-plugin-slurm
    issues 316, 459): here the job's steps each run one task, and one launcher saw both GPUs."""
    workdir, output, since = cluster_run
    jobs = [
        job for job, rule in SUBMITTED.findall(output) if rule in ("train_cpt", "train_control")
    ]
    assert len(jobs) == 2  # the target and its control arm
    for job in jobs:
        steps = subprocess.run(
            ["sacct", "-n", "-P", "-S", since, "-j", job, "-o", "JobID,NTasks,AllocTRES"],
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()  # fmt: skip
        numbered = [s.split("|") for s in steps if re.match(rf"{job}\.\d+\|", s)]
        # the plugin's step that runs the rule, and the launcher's srun step: one task each
        assert len(numbered) == 2 and all(ntasks == "1" for _, ntasks, _ in numbered), steps
    train_log = (workdir / "logs/train/train_cpt/tiny-jiuzhang.log").read_text()
    seen = re.findall(r"launch: CUDA_VISIBLE_DEVICES=(\S+) \((\d+) devices\), pid (\d+)", train_log)
    assert len(seen) == 1 and seen[0][1] == str(TRAIN_GPUS), train_log[:2000]
    assert len(set(seen[0][0].split(","))) == TRAIN_GPUS
    assert train_log.count("launch: srun ") == 1


def test_unchanged_rerun_submits_nothing(cluster_run: tuple[Path, str, str]) -> None:
    workdir = cluster_run[0]
    proc = snakemake(workdir, *CLUSTER, configfile=CONFIGS)
    output = proc.stdout + proc.stderr
    assert submitted(output) == {} and "Nothing to be done" in output


def _copy_run(workdir: Path, dest: Path) -> Path:
    shutil.copytree(workdir, dest, symlinks=True)
    return dest


def test_training_change_resubmits_training_and_descendants(
    cluster_run: tuple[Path, str, str], tmp_path: Path
) -> None:
    workdir = _copy_run(cluster_run[0], tmp_path / "run")
    config = workdir / ".test/config/config.yaml"
    text = config.read_text()
    assert "    learning_rate: 3.0e-3\n" in text
    config.write_text(text.replace("    learning_rate: 3.0e-3\n", "    learning_rate: 2.0e-3\n"))
    proc = snakemake(workdir, *CLUSTER, configfile=CONFIGS)
    assert submitted(proc.stdout + proc.stderr) == {  # both arms share target.train
        "train_cpt": 1, "train_control": 1, "eval_target": 6, "report_table": 1,
        "report_figures": 1,
    }  # fmt: skip


def test_eval_prompt_change_plans_only_eval_and_table(
    cluster_run: tuple[Path, str, str], tmp_path: Path
) -> None:
    workdir = _copy_run(cluster_run[0], tmp_path / "run")
    template = workdir / "prompts/eval/jiuzhang.md"
    template.write_text(template.read_text().replace("## Solution", "## Solution:"))
    proc = snakemake(workdir, *CLUSTER, "--dry-run", "--quiet", "rules", configfile=CONFIGS)
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", proc.stdout + proc.stderr, re.M))
    counts.pop("total", None)
    assert counts == {
        "eval_bench": "6", "eval_target": "6", "report_table": "1", "report_figures": "1",
        "all": "1",
    }  # fmt: skip


def test_failed_job_names_its_log_others_finish_and_a_fix_completes(
    cluster_run: tuple[Path, str, str], tmp_path: Path
) -> None:
    workdir = _copy_run(cluster_run[0], tmp_path / "run")
    shard = workdir / "results/prompts/wiki/shard-00001.jsonl"
    good = shard.read_text()
    lines = good.splitlines(keepends=True)
    shard.write_text(lines[0] + '{"id": "broken", "prompt": \n' + "".join(lines[1:]))
    template = workdir / "prompts/eval/jiuzhang.md"  # independent work: the base model's evals
    template.write_text(template.read_text().replace("## Solution", "## Solution:"))
    proc = snakemake(workdir, *CLUSTER, check=False, configfile=CONFIGS)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "logs/synthesize/synth_cot_shard/wiki.00001.log" in output
    assert ".snakemake/slurm_logs/rule_synth_cot_shard/" in output
    assert "shard-00001.jsonl:2: invalid JSON" in output  # the log, shown on failure
    assert submitted(output).get("eval_bench") == 6  # keep-going: the base model was evaluated
    base_metrics = workdir / "results/eval/tiny/jiuzhang/gsm8k/metrics.json"
    assert base_metrics.stat().st_mtime > template.stat().st_mtime
    assert not (workdir / "results/synth/cot/wiki/shard-00001.jsonl").exists()

    shard.write_text(good)  # the fix
    proc = snakemake(workdir, *CLUSTER, configfile=CONFIGS)
    counts = submitted(proc.stdout + proc.stderr)
    assert counts["synth_cot_shard"] == counts["report_table"] == counts["report_figures"] == 1
    assert (workdir / "results/report/table.md").stat().st_mtime > shard.stat().st_mtime


def test_bare_profile_name_is_found_in_the_user_config(
    cluster: None, repo_root: Path, tmp_path: Path
) -> None:
    # README: install ours as the user's `slurm` profile, then `snakemake --profile slurm`.
    user_config = tmp_path / "xdg"
    shutil.copytree(repo_root / "profiles/slurm", user_config / "snakemake/slurm")
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    proc = snakemake(
        workdir, "--profile", "slurm", "--dry-run", extra_env={"XDG_CONFIG_HOME": str(user_config)}
    )
    output = proc.stdout + proc.stderr
    assert "Using profiles slurm and workflow specific profile profiles/default" in output
    assert "slurm_partition=gpu" in output  # the installed profile's placeholder partition
