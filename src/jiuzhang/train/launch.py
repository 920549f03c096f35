"""`python -m jiuzhang.train.launch --nproc N -- <jiuzhang.train args>`: start the ranks.

Outside SLURM (a workstation, CI's local runs) this is `torchrun --standalone`. Inside a SLURM
job it runs one `torchrun` per node of the job with `srun` (one task per node), all meeting at a
c10d rendezvous on the job's first node, on a port derived from the job id (the original computed
a random port and never passed it, SPEC §6.4). The SLURM executor plugin already runs the job's
command inside a one-task step, so this step is started with `--overlap`, and the allocation
(nodes, CPUs per task) is read from `scontrol show job`, since the plugin clears the step's
SLURM_* variables. The train rules call this, so a multi-node `train_cpt` is the same rule on
8 x 8 GPUs as on one CPU.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence

PORT_BASE, PORT_SPAN = 29500, 10000


def _scontrol(*args: str) -> dict[str, str]:
    """`scontrol show ... -o` as key=value fields."""
    out = subprocess.run(
        ["scontrol", "show", *args, "-o"], capture_output=True, text=True, check=True
    ).stdout
    return dict(field.split("=", 1) for field in out.split() if "=" in field)


def allocation(job: str) -> dict[str, str]:
    """Nodes, first node's address and CPUs per task of SLURM job `job`."""
    info = _scontrol("job", job)
    hosts = subprocess.run(
        ["scontrol", "show", "hostnames", info["NodeList"]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not hosts:
        raise RuntimeError(f"job {job}: no nodes in NodeList={info.get('NodeList')!r}")
    head = _scontrol("node", hosts[0]).get("NodeAddr") or hosts[0]
    return {"nodes": info["NumNodes"], "head": head, "cpus": info.get("CPUs/Task", "")}


def command(
    nproc: int,
    train_args: Sequence[str],
    env: Mapping[str, str],
    alloc: Mapping[str, str] | None = None,
) -> list[str]:
    """The launch command for this environment (see module doc)."""
    module = [sys.executable, "-m", "torch.distributed.run"]
    target = ["-m", "jiuzhang.train", *train_args]
    job = env.get("SLURM_JOB_ID")
    if not job:
        return [*module, "--standalone", f"--nproc-per-node={nproc}", *target]
    alloc = alloc or allocation(job)
    nodes, cpus = alloc["nodes"], alloc["cpus"]
    port = PORT_BASE + int(job) % PORT_SPAN
    return [
        "srun",
        "--overlap",
        f"--nodes={nodes}",
        "--ntasks-per-node=1",
        *([f"--cpus-per-task={cpus}"] if cpus else []),  # else all ranks share one CPU
        "--kill-on-bad-exit=1",
        *module,
        f"--nnodes={nodes}",
        f"--nproc-per-node={nproc}",
        "--rdzv-backend=c10d",
        f"--rdzv-endpoint={alloc['head']}:{port}",
        f"--rdzv-id={job}",
        *target,
    ]


def devices_note(nproc: int, env: Mapping[str, str]) -> list[str]:
    """What the launcher sees of its GPUs (SLURM sets CUDA_VISIBLE_DEVICES for a GRES job), and a
    warning when that differs from the ranks per node it will start."""
    visible = env.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return ["launch: CUDA_VISIBLE_DEVICES unset"]
    devices = [d for d in visible.split(",") if d.strip()]
    lines = [f"launch: CUDA_VISIBLE_DEVICES={visible} ({len(devices)} devices), pid {os.getpid()}"]
    if devices and len(devices) != nproc:
        lines.append(
            f"launch: warning: {nproc} ranks per node but {len(devices)} visible GPUs "
            "(nproc_per_node and the rule's gpu resource should agree)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jiuzhang.train.launch", description=__doc__)
    parser.add_argument("--nproc", type=int, required=True, help="processes (GPUs) per node")
    parser.add_argument("train_args", nargs=argparse.REMAINDER, help="-- then jiuzhang.train args")
    args = parser.parse_args(argv)
    train_args = args.train_args[1:] if args.train_args[:1] == ["--"] else args.train_args
    cmd = command(args.nproc, train_args, os.environ)
    for line in devices_note(args.nproc, os.environ):
        print(line, file=sys.stderr, flush=True)
    print("launch:", shlex.join(cmd), file=sys.stderr, flush=True)
    os.execvp(cmd[0], cmd)  # signals from SLURM or Snakemake reach torchrun directly


if __name__ == "__main__":
    raise SystemExit(main())
