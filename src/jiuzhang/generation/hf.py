"""transformers backend: batched, left-padded `generate` on CPU (fp32) or GPU (bf16).

Sampling is seeded per batch (`seed + seed_offset`), so a shard regenerated batch by batch (e.g.
after a resume) gives the same text as an uninterrupted run with the same batch size.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jiuzhang.common.errors import ConfigError
from jiuzhang.common.progress import progress
from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation.base import Generation, SamplingConfig, truncate_at_stop

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


class TransformersGenerator:
    """Generate with a Hugging Face causal LM loaded from a local folder or hub id."""

    def __init__(
        self, model: str, *, batch_size: int = 32, device: str = "auto", dtype: str = "auto"
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if dtype == "auto":
            dtype = "bfloat16" if device.startswith("cuda") else "float32"
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model)
            self.model = AutoModelForCausalLM.from_pretrained(model, dtype=getattr(torch, dtype))
        except OSError as exc:
            raise ConfigError(f"cannot load model {model!r}: {exc}") from None
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model.to(device).eval()
        self.device = device
        self.batch_size = batch_size
        log.info("loaded %s on %s (%s), batch %d", model, device, dtype, batch_size)

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """Generate for all prompts in batches of `batch_size`, longest prompts first (similar
        lengths share a batch: less padding), returned in the prompts' order."""
        order = sorted(range(len(prompts)), key=lambda i: (-len(prompts[i]), i))
        results: list[Generation | None] = [None] * len(prompts)
        bar = progress(desc="generate", total=len(prompts), unit="prompts")
        for start in range(0, len(order), self.batch_size):
            ids = order[start : start + self.batch_size]
            batch_seed = derive_seed(sampling.seed, seed_offset, start)
            batch = self._generate_batch([prompts[i] for i in ids], sampling, batch_seed)
            for i, generation in zip(ids, batch, strict=True):
                results[i] = generation
            bar.update(len(ids))
        bar.close()
        return [g for g in results if g is not None]

    def _generate_batch(
        self, prompts: list[str], sampling: SamplingConfig, seed: int
    ) -> list[Generation]:
        import torch

        enc = self.tokenizer(prompts, return_tensors="pt", padding=True).to(self.device)
        kwargs = {
            "max_new_tokens": sampling.max_new_tokens,
            "pad_token_id": self.tokenizer.pad_token_id,
            "eos_token_id": self.tokenizer.eos_token_id,
            "repetition_penalty": sampling.repetition_penalty,
        }
        if sampling.greedy:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            kwargs.update(
                do_sample=True,
                temperature=sampling.temperature,
                top_p=sampling.top_p,
                top_k=sampling.top_k or None,
            )
        stopper = None
        if sampling.stop:  # stop decoding a row early; the text is still cut below
            from transformers import StoppingCriteriaList

            prompt_len = enc["input_ids"].shape[1]
            stopper = _StopInNewText(self.tokenizer, sampling.stop, prompt_len)
            kwargs["stopping_criteria"] = StoppingCriteriaList([stopper])
        torch.manual_seed(seed % (2**63))
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        generations = []
        eos = self.tokenizer.eos_token_id
        for i, row in enumerate(new_tokens.tolist()):
            # generate pads a row once it is done: after its EOS, or after the step at which a
            # stop string appeared; every token before that was generated (a pad token too)
            ended = eos in row
            if ended:
                row = row[: row.index(eos)]
            elif stopper is not None and i in stopper.done_at:
                row = row[: stopper.done_at[i]]
            text = self.tokenizer.decode(row, skip_special_tokens=True)
            text, stopped = truncate_at_stop(text, sampling.stop)
            reason = "stop" if (ended or stopped) else "length"
            generations.append(Generation(text=text, finish_reason=reason, n_tokens=len(row)))
        return generations


class _StopInNewText:
    """Stopping criterion: a row is done once a stop string occurs in its *generated* text.

    (transformers' own `stop_strings` also match a stop string straddling the end of the prompt,
    which vLLM and OpenAI-style servers do not.) Each step decodes only the last few generated
    tokens of each row, enough to contain the longest stop string.
    """

    def __init__(self, tokenizer, stop: Sequence[str], prompt_len: int) -> None:  # noqa: ANN001
        self.tokenizer = tokenizer
        self.stop = [s for s in stop if s]
        self.prompt_len = prompt_len
        self.window = max(len(s) for s in self.stop) + 2  # tokens: each is >= 1 character
        self.done_at: dict[int, int] = {}  # row -> generated tokens when a stop string appeared

    def __call__(
        self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any
    ) -> torch.Tensor:
        import torch

        tails = input_ids[:, self.prompt_len :][:, -self.window :].tolist()
        texts = self.tokenizer.batch_decode(tails, skip_special_tokens=True)
        done = [any(s in text for s in self.stop) for text in texts]
        generated = input_ids.shape[1] - self.prompt_len
        for row, stopped in enumerate(done):
            if stopped:
                self.done_at.setdefault(row, generated)
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)
