"""A tiny random-init Llama with its own small BPE tokenizer, for tests and benchmarks of the
generation and evaluation code (no hub access: everything is built here, in seconds)."""

from __future__ import annotations

from pathlib import Path

from jiuzhang.train.model_init import LlamaArch, init_model, train_tokenizer

TEXTS = ["## Question\nMia has 7 pencils.\n\n## Solution\nWe compute 7 + 2 = 9."] * 30


def random_llama(
    root: str | Path,
    *,
    seed: int = 0,
    tied: bool = True,
    max_positions: int = 128,
    hidden_size: int = 32,
) -> Path:
    """Build `<root>/tok` (300-token BPE) and `<root>/model` (2 layers, 2 heads, `hidden_size`);
    return the model folder. Untied embeddings keep a random model from merely copying its input.
    vLLM's CPU attention needs a head size of at least 32: `hidden_size=64` for the vLLM tests."""
    root = Path(root)
    train_tokenizer(TEXTS, 300, root / "tok")
    arch = LlamaArch(
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        tie_word_embeddings=tied,
    )
    init_model(arch, root / "tok", root / "model", seed=seed)
    return root / "model"
