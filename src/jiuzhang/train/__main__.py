"""`torchrun ... -m jiuzhang.train`: the launcher entry point of the train rules."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from jiuzhang.train.trainer import TrainConfig, run_train


def main(argv: list[str] | None = None) -> int:
    """Parse the launcher's arguments and train (one process per rank)."""
    parser = argparse.ArgumentParser(prog="python -m jiuzhang.train", description=__doc__)
    parser.add_argument("--base", required=True, help="base model folder (HF format)")
    parser.add_argument("--packed", required=True, help="packed safetensors file")
    parser.add_argument("--output", required=True, help="final model folder to write")
    parser.add_argument("--config", required=True, help="training config as a JSON object")
    parser.add_argument("--stable", help="folder for the end-of-stable-phase checkpoint")
    parser.add_argument("--heldout", help="packed held-out rows: eval loss at every logging step")
    args = parser.parse_args(argv)
    rank = os.environ.get("RANK", "0")
    logging.basicConfig(
        level=logging.INFO if rank == "0" else logging.WARNING,
        format=f"%(asctime)s rank{rank} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    run_train(
        TrainConfig.from_mapping(json.loads(args.config)),
        base_model=args.base,
        packed=args.packed,
        output=args.output,
        stable=args.stable,
        heldout=args.heldout,
    )
    _shutdown()
    return 0


def _shutdown() -> None:
    """Leave the process group together: a rank exiting with its communication threads still
    running aborted at exit ("terminate called without an active exception", SIGABRT) after a
    finished ZeRO-3 run, and torchrun then failed the whole job."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    raise SystemExit(main())
