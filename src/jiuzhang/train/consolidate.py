"""ZeRO-3 weights -> one Hugging Face model folder (SPEC §4.4, §6.17: the original never did it).

The train rule leaves a sharded DeepSpeed checkpoint (`global_step*/`, `latest`, plus the
model's config and tokenizer); DeepSpeed's own `get_fp32_state_dict_from_zero_checkpoint`
gathers the fp32 master weights exactly, and they are saved in the model's configured dtype.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path
from jiuzhang.common.manifest import write_manifest

log = logging.getLogger(__name__)
CARRIED = ("train_log.json",)


def run_consolidate(*, shards: str, output: str) -> int:
    """Consolidate `shards` into `output`; return the number of parameters."""
    import torch
    from deepspeed.utils.zero_to_fp32 import get_fp32_state_dict_from_zero_checkpoint
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    src = Path(shards)
    if not (src / "latest").is_file():
        raise DataError(f"{src}: no ZeRO checkpoint (missing `latest`)")
    state = get_fp32_state_dict_from_zero_checkpoint(str(src))
    config = AutoConfig.from_pretrained(src)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
    tied = set(getattr(model, "_tied_weights_keys", None) or [])
    missing = [k for k in missing if k not in tied]
    if missing or unexpected:
        raise DataError(
            f"{src}: checkpoint does not match the model: missing {missing[:5]}, "
            f"unexpected {unexpected[:5]}"
        )
    model.tie_weights()
    dtype = getattr(config, "dtype", None) or getattr(config, "torch_dtype", None) or torch.float32
    model = model.to(dtype if isinstance(dtype, torch.dtype) else getattr(torch, str(dtype)))
    n_params = sum(p.numel() for p in model.parameters())
    with atomic_path(output, directory=True) as tmp:
        model.save_pretrained(tmp)
        AutoTokenizer.from_pretrained(src).save_pretrained(tmp)
        for name in CARRIED:
            if (src / name).is_file():
                shutil.copy2(src / name, tmp / name)
    write_manifest(output, inputs={"shards": shards}, counts={"parameters": n_params})
    log.info("consolidated %s -> %s (%d parameters)", src, output, n_params)
    return n_params
