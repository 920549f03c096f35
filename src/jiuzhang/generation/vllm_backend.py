"""vLLM backend (GPU clusters). Thin on purpose: vLLM cannot run on this project's machines.

Written against vLLM's documented offline API: `vllm.LLM(model=..., tensor_parallel_size=...,
seed=..., dtype=...)`, `vllm.SamplingParams(...)` and `LLM.generate(prompts, sampling_params)`
returning `RequestOutput`s in prompt order, each with `.outputs[0].text`, `.token_ids` and
`.finish_reason` ("stop" or "length"); stop strings are not included in the returned text
(`include_stop_str_in_output=False`, the default). Tensor parallelism spans the GPUs of one node:
set `tensor_parallel_size` to the rule's GPU count (the workflow checks it). Install with the
`vllm` extra in its own environment (`envs/vllm.yaml`): vLLM pins its own torch.
"""

from __future__ import annotations

from collections.abc import Sequence

from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation.base import Generation, SamplingConfig


class VLLMGenerator:
    """Generate with vLLM's offline engine; the whole prompt list goes in one call."""

    def __init__(
        self,
        model: str,
        *,
        tensor_parallel_size: int = 1,
        dtype: str = "auto",
        gpu_memory_utilization: float = 0.9,
        max_model_len: int | None = None,
        batch_size: int = 0,  # accepted for config symmetry; vLLM schedules batches itself
    ) -> None:
        from vllm import LLM

        self._llm = LLM(
            model=model,
            tokenizer=model,
            tensor_parallel_size=tensor_parallel_size,
            dtype=dtype,
            gpu_memory_utilization=gpu_memory_utilization,
            max_model_len=max_model_len,
        )

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """Generate for all prompts; per-request seeds make sampled output reproducible."""
        from vllm import SamplingParams

        params = [
            SamplingParams(
                n=1,
                temperature=sampling.temperature,
                top_p=1.0 if sampling.greedy else sampling.top_p,
                top_k=max(sampling.top_k, 0),  # 0 = all tokens (vllm/sampling_params.py)
                repetition_penalty=sampling.repetition_penalty,
                max_tokens=sampling.max_new_tokens,
                stop=list(sampling.stop),
                seed=derive_seed(sampling.seed, seed_offset, i) % (2**31),
            )
            for i in range(len(prompts))
        ]
        outputs = self._llm.generate(list(prompts), params)
        return [
            Generation(
                text=out.outputs[0].text,
                finish_reason="length" if out.outputs[0].finish_reason == "length" else "stop",
                n_tokens=len(out.outputs[0].token_ids),
            )
            for out in outputs
        ]
