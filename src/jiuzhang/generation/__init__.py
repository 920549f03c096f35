"""Text generation backends shared by synthesis and evaluation.

One interface (`Generator`), three implementations: `transformers` (CPU/GPU, batched; runs here),
`vllm` (GPU clusters; thin, written against vLLM's documented `LLM`/`SamplingParams` API) and
`openai` (any OpenAI-compatible HTTP server). Heavy libraries are imported inside the backends.
"""

from jiuzhang.generation.base import Generation, Generator, SamplingConfig, make_generator

__all__ = ["Generation", "Generator", "SamplingConfig", "make_generator"]
