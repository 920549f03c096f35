"""The real training path on CPU (MACHINE.md): Trainer + DeepSpeed ZeRO-2 and ZeRO-3 on two gloo
ranks, the end-of-stable checkpoint, ZeRO-3 consolidation, and kill -9 then resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from jiuzhang.pack.packing import PackConfig, run_pack
from jiuzhang.tiny.model import random_llama
from jiuzhang.train.consolidate import run_consolidate

BASE = {
    "global_batch_size": 4, "micro_batch_size": 2, "max_steps": 8, "learning_rate": 3e-3,
    "warmup_ratio": 0.125, "stable_ratio": 0.5, "save_steps": 3, "save_total_limit": 1,
    "logging_steps": 1, "seed": 3, "attention": "sdpa",
}  # fmt: skip


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("train")
    model = random_llama(root / "m", tied=False, max_positions=128)
    corpus = root / "corpus.jsonl"
    corpus.write_text("".join(
        json.dumps({"input": f"## Question\nWhat is {a} + {b}?\n\n## Solution\n",
                    "output": f"{a} + {b} = {a + b}. The answer is {a + b}."}) + "\n"
        for a in range(8) for b in range(8)
    ))  # fmt: skip
    packed = root / "packed.safetensors"
    run_pack(PackConfig(seq_len=128, heldout=0.1), corpus=str(corpus), tokenizer=str(model),
             output=str(packed), stats=str(root / "stats.json"),
             heldout_output=str(_heldout(packed)))  # fmt: skip
    return model, packed


def _heldout(packed: Path) -> Path:
    return packed.with_name("heldout.safetensors")


def _launch(model: Path, packed: Path, out: Path, cfg: dict, stable: Path | None = None):  # noqa: ANN202
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["OMP_NUM_THREADS"] = "1"
    cmd = [sys.executable, "-m", "jiuzhang.train.launch", "--nproc", "2", "--",
           "--base", str(model), "--packed", str(packed), "--output", str(out),
           "--config", json.dumps(cfg), "--heldout", str(_heldout(packed))] + (
               ["--stable", str(stable)] if stable else [])  # fmt: skip
    log = open(out.parent / f"{out.name}.log", "w")  # noqa: SIM115 - closed by the caller's wait
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def _run(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
    proc = _launch(*args, **kwargs)
    rc = proc.wait(timeout=600)
    out = args[2]
    assert rc == 0, (out.parent / f"{out.name}.log").read_text()[-4000:]


def _losses(out: Path, key: str = "loss") -> list[float]:
    return [e[key] for e in json.loads((out / "train_log.json").read_text()) if key in e]


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_zero2_and_zero3_train_alike_and_zero3_consolidates(inputs, tmp_path: Path) -> None:  # noqa: ANN001
    model, packed = inputs
    z2, z3, stable = tmp_path / "z2", tmp_path / "z3", tmp_path / "stable"
    _run(model, packed, z2, {**BASE, "zero_stage": 2}, stable)
    _run(model, packed, z3, {**BASE, "zero_stage": 3})
    assert len(_losses(z2)) == 8 and _losses(z2)[-1] < _losses(z2)[0]
    manifest = json.loads((tmp_path / "z2.manifest.json").read_text())["counts"]
    assert manifest["world_size"] == 2 and manifest["accumulation"] == 1
    assert manifest["stable_end_step"] == 4 and manifest["phase_start_steps"] == {"all": 0}
    # held-out loss (rows no step trained on) at step 0 and at every logging step
    evals = [e for e in json.loads((z2 / "train_log.json").read_text()) if "eval_loss" in e]
    assert [e["step"] for e in evals] == list(range(9)) and evals[-1]["eval_loss"] < evals[0][
        "eval_loss"
    ]
    assert manifest["heldout_rows"] > 0 and manifest["last_eval_loss"] == evals[-1]["eval_loss"]
    assert manifest["epochs"] == round(evals[-1]["epoch"], 3)  # the Trainer's passes over rows
    torch.testing.assert_close(
        torch.tensor(_losses(z2, "eval_loss")),
        torch.tensor(_losses(z3, "eval_loss")),
        rtol=1e-4,
        atol=1e-5,
    )
    # the end-of-stable checkpoint: the state after step 4, with its optimizer for a new decay
    state = json.loads((stable / "trainer_state.json").read_text())
    logged = [e for e in state["log_history"] if "eval_loss" in e]  # kept without wall times
    assert logged and not any(k.endswith("_runtime") for e in logged for k in e)
    assert state["global_step"] == 4 and any(stable.glob("global_step4/*optim*"))
    # ZeRO-3 leaves shards only; consolidation gives the same model ZeRO-2 trained
    assert (z3 / "latest").is_file() and not (z3 / "model.safetensors").exists()
    run_consolidate(shards=str(z3), output=str(tmp_path / "z3-model"))
    a, b = _weights(z2), _weights(tmp_path / "z3-model")
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(
        torch.tensor(_losses(z2)), torch.tensor(_losses(z3)), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("stage", [2, 3])
def test_killed_training_resumes_and_the_loss_curve_continues(
    inputs, tmp_path: Path, stage: int
) -> None:  # noqa: ANN001
    model, packed = inputs
    cfg = {**BASE, "zero_stage": stage, "max_steps": 16, "save_steps": 4, "save_total_limit": 2}
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    _run(model, packed, whole, cfg)
    job = _launch(model, packed, cut, cfg)
    ckpt = tmp_path / "cut.checkpoints" / "checkpoint-8" / "trainer_state.json"
    deadline = time.monotonic() + 300
    while not ckpt.is_file() and time.monotonic() < deadline and job.poll() is None:
        time.sleep(0.02)
    # kill -9 the launcher, torchrun and both ranks (workers outlive a killed agent otherwise)
    subprocess.run(["pkill", "-KILL", "-f", "--", f"--output {cut} "], check=False)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    time.sleep(0.5)
    assert (
        subprocess.run(["pgrep", "-f", "--", f"--output {cut} "], capture_output=True).returncode
        == 1
    )
    assert ckpt.is_file() and not cut.exists()
    _run(model, packed, cut, cfg)
    log = (tmp_path / "cut.log").read_text()
    assert "resuming from " in log and "cut.checkpoints/checkpoint-8" in log
    # the resumed run's curve is the uninterrupted one (steps 7-10 recomputed from step 6)
    torch.testing.assert_close(
        torch.tensor(_losses(cut)[-4:]), torch.tensor(_losses(whole)[-4:]), rtol=1e-5, atol=1e-6
    )
    torch.testing.assert_close(
        torch.tensor(_losses(cut, "eval_loss")[-2:]),
        torch.tensor(_losses(whole, "eval_loss")[-2:]),
        rtol=1e-5,
        atol=1e-6,
    )
