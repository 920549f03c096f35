"""`python -m jiuzhang.train.launch --nproc N -- <jiuzhang.train args>`: start the ranks.

Outside SLURM (a workstation, CI's local runs) this is `torchrun --standalone`. Inside a SLURM
job it runs one `torchrun` per node with `srun` (one task per node), all meeting at a c10d
rendezvous on the job's first node, on a port derived from the job id (the original computed a
random port and never passed it, SPEC §6.4). The train rules call this, so a multi-node
`train_cpt` is the same rule on 8 x 8 GPUs as on one CPU.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence

PORT_BASE, PORT_SPAN = 29500, 10000


def head_address(nodelist: str) -> str:
    """The address of the first node of a SLURM node list: its NodeAddr (the name when unset)."""
    hosts = subprocess.run(
        ["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True
    ).stdout.split()
    if not hosts:
        raise RuntimeError(f"scontrol returned no host for node list {nodelist!r}")
    node = subprocess.run(
        ["scontrol", "show", "node", "-o", hosts[0]], capture_output=True, text=True, check=False
    ).stdout
    addr = next((f.split("=", 1)[1] for f in node.split() if f.startswith("NodeAddr=")), "")
    return addr or hosts[0]


def command(
    nproc: int, train_args: Sequence[str], env: Mapping[str, str], host: str | None = None
) -> list[str]:
    """The launch command for this environment (see module doc)."""
    module = [sys.executable, "-m", "torch.distributed.run"]
    target = ["-m", "jiuzhang.train", *train_args]
    job = env.get("SLURM_JOB_ID")
    if not job:
        return [*module, "--standalone", f"--nproc-per-node={nproc}", *target]
    nodes = int(env.get("SLURM_JOB_NUM_NODES") or env.get("SLURM_NNODES") or 1)
    head = host or head_address(env["SLURM_JOB_NODELIST"])
    port = PORT_BASE + int(job) % PORT_SPAN
    return [
        "srun",
        f"--nodes={nodes}",
        "--ntasks-per-node=1",
        "--kill-on-bad-exit=1",
        *module,
        f"--nnodes={nodes}",
        f"--nproc-per-node={nproc}",
        "--rdzv-backend=c10d",
        f"--rdzv-endpoint={head}:{port}",
        f"--rdzv-id={job}",
        *target,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jiuzhang.train.launch", description=__doc__)
    parser.add_argument("--nproc", type=int, required=True, help="processes (GPUs) per node")
    parser.add_argument("train_args", nargs=argparse.REMAINDER, help="-- then jiuzhang.train args")
    args = parser.parse_args(argv)
    train_args = args.train_args[1:] if args.train_args[:1] == ["--"] else args.train_args
    cmd = command(args.nproc, train_args, os.environ)
    print("launch:", shlex.join(cmd), file=sys.stderr, flush=True)
    os.execvp(cmd[0], cmd)  # signals from SLURM or Snakemake reach torchrun directly


if __name__ == "__main__":
    raise SystemExit(main())
