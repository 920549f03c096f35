"""The launcher: torchrun --standalone outside SLURM; srun + one torchrun per node with a c10d
rendezvous on the first node inside a SLURM job (the job's node count, a port from the job id)."""

from __future__ import annotations

import sys

from jiuzhang.train.launch import PORT_BASE, PORT_SPAN, command

ARGS = ["--base", "m", "--packed", "p", "--output", "o", "--config", "{}"]


def test_outside_slurm_it_is_a_standalone_torchrun() -> None:
    cmd = command(4, ARGS, {"PATH": "/usr/bin"})
    assert cmd[:3] == [sys.executable, "-m", "torch.distributed.run"]
    assert "--standalone" in cmd and "--nproc-per-node=4" in cmd
    assert cmd[-len(ARGS) - 2 :] == ["-m", "jiuzhang.train", *ARGS]
    assert "srun" not in cmd


def test_inside_a_slurm_job_srun_starts_one_torchrun_per_node() -> None:
    alloc = {"nodes": "8", "head": "10.0.0.1", "cpus": "64"}
    cmd = command(8, ARGS, {"SLURM_JOB_ID": "123456"}, alloc)
    assert cmd[:6] == ["srun", "--overlap", "--nodes=8", "--ntasks-per-node=1",
                       "--cpus-per-task=64", "--kill-on-bad-exit=1"]  # fmt: skip
    assert "--nnodes=8" in cmd and "--nproc-per-node=8" in cmd and "--standalone" not in cmd
    port = PORT_BASE + 123456 % PORT_SPAN
    assert f"--rdzv-endpoint=10.0.0.1:{port}" in cmd and "--rdzv-id=123456" in cmd
    assert "--rdzv-backend=c10d" in cmd
    assert cmd[-len(ARGS) - 2 :] == ["-m", "jiuzhang.train", *ARGS]


def test_the_launcher_reports_the_gpus_it_sees() -> None:
    from jiuzhang.train.launch import devices_note

    assert devices_note(2, {}) == ["launch: CUDA_VISIBLE_DEVICES unset"]
    [line] = devices_note(2, {"CUDA_VISIBLE_DEVICES": "0,1"})
    assert line.startswith("launch: CUDA_VISIBLE_DEVICES=0,1 (2 devices), pid ")
    lines = devices_note(4, {"CUDA_VISIBLE_DEVICES": "0,1"})
    assert "4 ranks per node but 2 visible GPUs" in lines[1]
