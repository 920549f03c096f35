"""The backend interface: sampling settings in, one `Generation` per prompt out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from jiuzhang.common.config import FromMapping

BACKENDS = ("transformers", "vllm", "openai")


@dataclasses.dataclass(frozen=True)
class SamplingConfig(FromMapping):
    """Decoding settings; every one is passed to the backend (the original dropped some, §6.18)."""

    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0  # 0 = disabled
    repetition_penalty: float = 1.0
    max_new_tokens: int = 256
    seed: int = 0
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "stop", tuple(self.stop))  # config lists become a tuple

    @property
    def greedy(self) -> bool:
        """True when decoding is deterministic argmax."""
        return self.temperature == 0.0


@dataclasses.dataclass(frozen=True)
class Generation:
    """One completion: its text (stop string removed), why it ended, and its token count."""

    text: str
    finish_reason: str  # "stop" (EOS or stop string) or "length"
    n_tokens: int


class Generator(Protocol):
    """Anything that turns prompts into completions under given sampling settings."""

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """One `Generation` per prompt, in order. `seed_offset` varies the seed per batch."""
        ...


def truncate_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Cut `text` at the earliest stop string; return (text, whether a stop string was found)."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def make_generator(backend: str, model: str, options: Mapping[str, Any]) -> Generator:
    """Construct the named backend for `model` (a local folder, a hub id or a served model name)."""
    if backend == "transformers":
        from jiuzhang.generation.hf import TransformersGenerator

        return TransformersGenerator(model, **dict(options))
    if backend == "vllm":
        from jiuzhang.generation.vllm_backend import VLLMGenerator

        return VLLMGenerator(model, **dict(options))
    if backend == "openai":
        from jiuzhang.generation.openai_backend import OpenAIGenerator

        return OpenAIGenerator(model, **dict(options))
    raise ValueError(f"unknown generation backend {backend!r}; known: {', '.join(BACKENDS)}")
