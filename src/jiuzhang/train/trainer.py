"""Continued pre-training (and synthesizer fine-tuning) with transformers' Trainer + DeepSpeed ZeRO.

Runs under `torchrun` (one process per GPU, or per CPU slot over gloo; `jiuzhang.train.launch`
starts it, with `srun` across nodes on SLURM). Rows are read in file order (sequential sampler):
the packer already shuffled them with a seed within each curriculum phase, so the SFT phase stays
last, in the WSD decay. Writes the final model in Hugging Face format to `output` (atomically, by
rank 0), with `train_log.json` (the loss curve) and a manifest beside it; under ZeRO-3 `output`
holds the sharded DeepSpeed checkpoint instead, which `consolidate_zero3` turns into a model.
Checkpoints go to `<output>.checkpoints/`; a rerun after a kill resumes from the last complete one
unless the training config changed. The checkpoint at the end of the WSD stable phase is kept
(`stable`), so a different decay can be run from it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import shutil
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import ConfigError
from jiuzhang.common.hashing import text_sha256
from jiuzhang.common.io import write_json
from jiuzhang.common.manifest import write_manifest
from jiuzhang.common.progress import progress
from jiuzhang.train.data import ATTENTION
from jiuzhang.train.wsd import wsd_factor

log = logging.getLogger(__name__)
ZERO_STAGES = (2, 3)


@dataclasses.dataclass(frozen=True)
class TrainConfig(FromMapping):
    """Training hyper-parameters; the global batch is in sequences (SPEC §6.3)."""

    zero_stage: int = 2
    global_batch_size: int = 16
    micro_batch_size: int = 8
    max_steps: int = 100
    learning_rate: float = 1e-5
    weight_decay: float = 0.0
    warmup_ratio: float = 0.03
    stable_ratio: float = 0.85
    min_lr_ratio: float = 0.1
    max_grad_norm: float = 1.0
    save_steps: int = 500
    save_total_limit: int = 2
    logging_steps: int = 10
    gradient_checkpointing: bool = False
    attention: str = "auto"
    seed: int = 42

    def __post_init__(self) -> None:
        if self.zero_stage not in ZERO_STAGES:  # SPEC §6.1: never silently fall back
            raise ConfigError(f"zero_stage must be one of {ZERO_STAGES}, got {self.zero_stage}")
        if self.attention not in ATTENTION:
            raise ConfigError(f"attention must be one of {ATTENTION}, got {self.attention!r}")

    def stable_end_step(self) -> int | None:
        """Optimizer steps done when the WSD stable phase ends (SPEC §4.3: decay from step S);
        None when the schedule has no stable phase followed by a decay."""
        end = math.ceil(self.stable_ratio * self.max_steps)
        warmup = math.ceil(self.warmup_ratio * self.max_steps)
        return end if warmup < end < self.max_steps else None

    def accumulation_steps(self, world_size: int) -> int:
        """Gradient accumulation so that world x micro x accumulation == global batch, exactly."""
        per_step = world_size * self.micro_batch_size
        if self.global_batch_size % per_step:
            raise ConfigError(
                f"global_batch_size={self.global_batch_size} is not a multiple of "
                f"world_size({world_size}) x micro_batch_size({self.micro_batch_size})"
            )
        return self.global_batch_size // per_step

    def fingerprint(self) -> str:
        """Hash of the settings, to refuse resuming checkpoints made with other settings."""
        return text_sha256(json.dumps(dataclasses.asdict(self), sort_keys=True))[:16]


def deepspeed_config(stage: int) -> dict[str, Any]:
    """Explicit ZeRO config; batch sizes, clipping and precision are filled by the Trainer."""
    zero: dict[str, Any] = {
        "stage": stage,
        "contiguous_gradients": True,
        "overlap_comm": False,
        "reduce_bucket_size": "auto",
    }
    if stage == 3:
        # SPEC §4.4/§6.17: the shards are saved as they are and consolidated by their own rule
        # (consolidate_zero3) instead of gathering a 16-bit copy onto one rank at every save.
        zero.update(
            stage3_prefetch_bucket_size="auto",
            stage3_param_persistence_threshold="auto",
            stage3_max_live_parameters=5e8,
            stage3_max_reuse_distance=5e8,
            stage3_gather_16bit_weights_on_model_save=False,
        )
    return {
        "zero_optimization": zero,
        "bf16": {"enabled": "auto"},
        "gradient_accumulation_steps": "auto",
        "gradient_clipping": "auto",
        "train_batch_size": "auto",
        "train_micro_batch_size_per_gpu": "auto",
        "zero_allow_untested_optimizer": True,
        "steps_per_print": 1_000_000,
        "wall_clock_breakdown": False,
    }


def _checkpoint_dir(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoints")


def _prepare_checkpoints(ckpt_dir: Path, fingerprint: str, is_main: bool) -> bool:
    """Return True when a compatible checkpoint exists; stale ones (other config) are removed.

    Every rank calls this; only rank 0 deletes, and only when the answer is False, so a rank that
    looks while rank 0 is deleting also gets False: all ranks agree without a collective.
    """
    stamp = ckpt_dir / "train_config.sha"
    has_ckpt = any(ckpt_dir.glob("checkpoint-*/trainer_state.json"))
    if has_ckpt and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return True
    if is_main:
        if ckpt_dir.exists():
            log.warning("discarding checkpoints in %s: made with another config", ckpt_dir)
            shutil.rmtree(ckpt_dir)
        ckpt_dir.mkdir(parents=True)
        stamp.write_text(fingerprint + "\n")
    return False


def _barrier() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def run_train(
    cfg: TrainConfig,
    *,
    base_model: str,
    packed: str,
    output: str,
    stable: str | None = None,
    heldout: str | None = None,
) -> None:
    """Train `base_model` on the packed rows and save the final model to `output` (and the
    end-of-stable checkpoint to `stable`, when the schedule has one). With `heldout` (packed
    rows no training step reads), the loss on them is logged at step 0 and every logging step."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainingArguments

    from jiuzhang.pack.packing import packed_phases
    from jiuzhang.train.data import PackedDataset, collator_for, resolve_attention

    use_cuda = torch.cuda.is_available()
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    accelerator_config: dict[str, Any] = {}
    if not use_cuda:
        # MACHINE.md: without CUDA the Trainer builds accelerate's state with no backend and every
        # rank thinks it is alone; configure the gloo state first and tell the Trainer to use it.
        os.environ["ACCELERATE_USE_DEEPSPEED"] = "true"
        from accelerate import PartialState

        PartialState(backend="gloo")
        accelerator_config = {"use_configured_state": True}
    is_main = rank == 0
    out = Path(output)
    ckpt_dir = _checkpoint_dir(out)
    resume = _prepare_checkpoints(ckpt_dir, cfg.fingerprint(), is_main)
    _barrier()

    dtype = torch.bfloat16 if use_cuda else torch.float32
    attention = resolve_attention(cfg.attention, use_cuda)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForCausalLM.from_pretrained(
        base_model, dtype=dtype, attn_implementation=attention
    )
    model.config.use_cache = False
    dataset = PackedDataset(packed)
    eval_dataset = PackedDataset(heldout) if heldout else None
    if eval_dataset is not None and not len(eval_dataset):
        eval_dataset = None
    accumulation = cfg.accumulation_steps(world_size)
    stable_step = cfg.stable_end_step() if stable else None
    if stable and stable_step is None:
        raise ConfigError(
            f"--stable given, but the schedule (warmup_ratio {cfg.warmup_ratio}, stable_ratio "
            f"{cfg.stable_ratio}, {cfg.max_steps} steps) has no stable phase ending before a decay"
        )
    args = TrainingArguments(
        output_dir=str(ckpt_dir),
        per_device_train_batch_size=cfg.micro_batch_size,
        gradient_accumulation_steps=accumulation,
        max_steps=cfg.max_steps,
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm,
        logging_steps=cfg.logging_steps,
        eval_strategy="steps" if eval_dataset is not None else "no",
        eval_steps=cfg.logging_steps,
        eval_on_start=eval_dataset is not None,
        per_device_eval_batch_size=cfg.micro_batch_size,
        prediction_loss_only=True,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        save_total_limit=cfg.save_total_limit,
        seed=cfg.seed,
        data_seed=cfg.seed,
        train_sampling_strategy="sequential",  # the curriculum order (see module doc)
        bf16=use_cuda,
        activation_checkpointing=cfg.gradient_checkpointing,
        deepspeed=deepspeed_config(cfg.zero_stage),
        accelerator_config=accelerator_config or None,
        remove_unused_columns=False,
        report_to=[],
        disable_tqdm=True,  # a redrawn bar in a log file: progress lines instead (below)
        dataloader_num_workers=0,
    )
    callbacks = [_progress_callback()] if is_main else []
    if stable_step:
        callbacks.append(_stable_callback(stable_step, ckpt_dir, is_main))
    trainer = _wsd_trainer_class()(
        wsd=cfg,
        model=model,
        args=args,
        train_dataset=dataset,
        eval_dataset=eval_dataset,
        data_collator=collator_for(attention, dtype),
        callbacks=callbacks,
    )
    epochs = cfg.max_steps * cfg.global_batch_size / max(1, len(dataset))
    log.info(
        "training %s: %d rows (%s held out), global batch %d = %d ranks x %d micro x %d "
        "accumulation, %d steps (about %.2f epochs), ZeRO-%d, %s, attention %s",
        base_model,
        len(dataset),
        len(eval_dataset) if eval_dataset is not None else "none",
        cfg.global_batch_size,
        world_size,
        cfg.micro_batch_size,
        accumulation,
        cfg.max_steps,
        epochs,
        cfg.zero_stage,
        dtype,
        attention,
    )
    schedule = _curriculum_schedule(packed_phases(packed), cfg)
    for line in schedule["lines"]:
        log.info("%s", line)
    if resume:
        latest = max(ckpt_dir.glob("checkpoint-*/trainer_state.json"), key=_step_of).parent
        log.info("resuming from %s", latest)
    trainer.train(resume_from_checkpoint=str(latest) if resume else None)

    # Every rank takes part in saving (ZeRO-3 writes its shards); rank 0 renames it into place.
    staging = out.with_name(out.name + ".staging")
    if is_main and staging.exists():
        shutil.rmtree(staging)
    _barrier()
    trainer.save_model(str(staging))
    _barrier()
    if is_main:
        tokenizer.save_pretrained(staging)
        # training_args.bin is a pickle; the settings are in the manifest instead.
        (staging / "training_args.bin").unlink(missing_ok=True)
        history, timings = split_timings(trainer.state.log_history)
        log.info("training speed: %s", timings)
        write_json(staging / "train_log.json", history)
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
        if stable:
            kept = ckpt_dir / STABLE_NAME
            if not kept.is_dir():
                raise RuntimeError(
                    f"{ckpt_dir}: the end-of-stable checkpoint (step {stable_step}) is missing"
                )
            if Path(stable).exists():
                shutil.rmtree(stable)
            os.replace(kept, stable)
        losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
        eval_losses = [e["eval_loss"] for e in trainer.state.log_history if "eval_loss" in e]
        write_manifest(
            out,
            inputs={"base_model": base_model, "packed": packed}
            | ({"heldout": heldout} if heldout else {}),
            outputs=[stable] if stable else [],
            params=dataclasses.asdict(cfg),
            seed=cfg.seed,
            counts={
                "steps": trainer.state.global_step,
                "world_size": world_size,
                "accumulation": accumulation,
                "attention": attention,
                "stable_end_step": stable_step,
                "phase_start_steps": schedule["starts"],
                "rows": len(dataset),
                "heldout_rows": len(eval_dataset) if eval_dataset is not None else 0,
                "epochs": round(float(trainer.state.epoch or 0.0), 3),  # passes over the rows
                "first_loss": losses[0] if losses else None,
                "last_loss": losses[-1] if losses else None,
                "first_eval_loss": eval_losses[0] if eval_losses else None,
                "last_eval_loss": eval_losses[-1] if eval_losses else None,
                "best_eval_loss": min(eval_losses) if eval_losses else None,
                "zero3_sharded": cfg.zero_stage == 3,
                "peak_gpu_mib": round(torch.cuda.max_memory_allocated() / 2**20)
                if use_cuda
                else None,
            },
        )
        shutil.rmtree(ckpt_dir, ignore_errors=True)
        log.info(
            "saved %s (loss %s -> %s, held-out loss %s -> %s, %.2f epochs)",
            out,
            losses[:1],
            losses[-1:],
            eval_losses[:1],
            eval_losses[-1:],
            float(trainer.state.epoch or 0.0),
        )


STABLE_NAME = "stable"


def split_timings(
    history: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The log history without wall-clock fields (`train_runtime`, `*_per_second`), which differ
    between identical runs and would make the model folder's checksum differ; and those fields."""
    timings: dict[str, Any] = {}
    kept = []
    for entry in history:
        timed = {k: v for k, v in entry.items() if k.endswith(("_runtime", "_per_second"))}
        timings |= timed
        kept.append({k: v for k, v in entry.items() if k not in timed})
    return kept, timings


def _drop_timings(state_file: Path) -> None:
    """Rewrite a kept checkpoint's trainer state without the wall-clock fields of its log
    history (held-out evaluations log their runtime), so identical runs keep identical bytes."""
    state = json.loads(state_file.read_text())
    state["log_history"], _ = split_timings(state.get("log_history", []))
    state_file.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")


def _step_of(state_file: Path) -> int:
    return int(state_file.parent.name.rsplit("-", 1)[1])


def _curriculum_schedule(phases: list[dict[str, Any]], cfg: TrainConfig) -> dict[str, Any]:
    """The optimizer step at which each phase starts, and how it sits in the WSD schedule."""
    starts = {p["name"]: p["rows"][0] // cfg.global_batch_size for p in phases}
    rows = phases[-1]["rows"][1] if phases else 0
    lines = []
    stable_end = math.ceil(cfg.stable_ratio * cfg.max_steps)
    for p in phases:
        step = starts[p["name"]]
        where = "decay" if step >= stable_end else "warm-up/stable"
        lines.append(
            f"phase {p['name']}: rows {p['rows'][0]}-{p['rows'][1]}, from step {step} ({where})"
        )
    if rows and cfg.max_steps * cfg.global_batch_size < rows:
        lines.append(
            f"WARNING: {cfg.max_steps} steps x {cfg.global_batch_size} rows = "
            f"{cfg.max_steps * cfg.global_batch_size} < {rows} rows: the last phase is cut short"
        )
    return {"starts": starts, "lines": lines}


def _progress_callback() -> Any:
    """Optimizer steps as progress lines in the log (rate, ETA), from the resumed step on."""
    from transformers import TrainerCallback

    class StepProgress(TrainerCallback):
        bar: Any = None

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.bar = progress(
                desc="train", total=state.max_steps, initial=state.global_step, unit="steps"
            )

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.bar.update(state.global_step - self.bar.n)

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.bar.close()

    return StepProgress()


def _stable_callback(step: int, ckpt_dir: Path, is_main: bool) -> Any:
    """Save a checkpoint when the stable phase ends and keep a copy out of checkpoint rotation."""
    from transformers import TrainerCallback

    class StableCheckpoint(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            if state.global_step == step:
                control.should_save = True
            return control

        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            if state.global_step != step:
                return control
            _barrier()  # every rank's shards are written
            if is_main:
                source = ckpt_dir / f"checkpoint-{step}"
                target = ckpt_dir / STABLE_NAME
                tmp = ckpt_dir / f".{STABLE_NAME}.tmp"
                shutil.rmtree(tmp, ignore_errors=True)
                shutil.copytree(source, tmp)
                _drop_timings(tmp / "trainer_state.json")
                shutil.rmtree(target, ignore_errors=True)
                os.replace(tmp, target)
                log.info("kept the end-of-stable checkpoint (step %d)", step)
            _barrier()
            return control

    return StableCheckpoint()


def _wsd_trainer_class() -> type:
    """The Trainer subclass, built on demand so importing this module stays light."""
    from transformers import Trainer

    class WSDTrainer(Trainer):
        """Trainer whose LR schedule is WSD (SPEC §4.3), installed via `create_scheduler`."""

        def __init__(self, *args: Any, wsd: TrainConfig, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._wsd = wsd

        def create_scheduler(self, num_training_steps: int, optimizer: Any = None) -> Any:
            from torch.optim.lr_scheduler import LambdaLR

            if self.lr_scheduler is None:
                cfg = self._wsd
                self.lr_scheduler = LambdaLR(
                    optimizer if optimizer is not None else self.optimizer,
                    lambda step: wsd_factor(
                        step,
                        num_training_steps,
                        cfg.warmup_ratio,
                        cfg.stable_ratio,
                        cfg.min_lr_ratio,
                    ),
                )
                self._created_lr_scheduler = True
            return self.lr_scheduler

    return WSDTrainer
