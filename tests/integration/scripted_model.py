"""A real Llama checkpoint whose greedy output is a script: a bigram model built by hand.

Every layer's output projections are zero, so the residual stream is the current token's
embedding; embeddings are one-hot (hidden size >= vocabulary), so after the final RMSNorm the
LM head reads the current token alone: `lm_head[next(t), t] = 1` makes greedy decoding follow a
fixed successor table. Pieces of text are single added tokens, so the table is over text pieces.

The script is a tool-using solver (for the multi-round tool loop of `jiuzhang_tora`):
- any prompt -> "```python\\nx = 6 * 7\\nprint(x)\\n```" and then "\\n```output" (the stop string);
- a prompt that ends with the fed-back output "42\\n```\\n" -> a second program that needs the
  first one's state: "```python\\nprint(x + 1)\\n```" + "\\n```output";
- a prompt ending with "43\\n```\\n" -> "The answer is $\\boxed{43}$." and EOS.
Running freely (no tool loop), "\\n```output" is followed by the answer and EOS.

`writer_llama` builds the same kind of model for any list of pieces (e.g. a synthesizer that
always writes one problem and its solution).

Both generation engines load it like any checkpoint (safetensors + tokenizer.json), so it tests the
tool loop, the sandbox and the engines' agreement on real forward passes.
"""

from __future__ import annotations

from pathlib import Path

CODE_1 = "```python\nx = 6 * 7\nprint(x)\n"
CODE_2 = "```python\nprint(x + 1)\n"
FENCE = "```"
STOP = "\n```output"
OUT_1 = "42\n```\n"
OUT_2 = "43\n```\n"
ANSWER = "The answer is $\\boxed{43}$."
PIECES = [CODE_1, CODE_2, FENCE, STOP, OUT_1, OUT_2, ANSWER]


def scripted_llama(root: str | Path, *, max_positions: int = 512) -> Path:
    """Build the scripted model in `<root>/model` (tokenizer in `<root>/tok`); return its path."""
    successor = {
        CODE_1: FENCE,
        CODE_2: FENCE,
        FENCE: STOP,
        STOP: ANSWER,
        OUT_1: CODE_2,
        OUT_2: ANSWER,
        ANSWER: None,  # EOS
    }
    texts = ["## Question\nWhat is 6 times 7?\n\n## Code Solution\n"] * 10
    return _bigram_llama(root, successor, CODE_1, texts, max_positions)


def writer_llama(root: str | Path, pieces: list[str], *, max_positions: int = 4096) -> Path:
    """A model whose greedy continuation of any prompt is `pieces` joined, then EOS (e.g. a
    synthesizer that always writes the same problem and solution)."""
    successor: dict[str, str | None] = dict(zip(pieces, [*pieces[1:], None], strict=True))
    texts = ["Every prompt gets the same answer from this model.\n"] * 10
    return _bigram_llama(root, successor, pieces[0], texts, max_positions)


def _bigram_llama(
    root: str | Path,
    successor: dict[str, str | None],
    first: str,
    texts: list[str],
    max_positions: int,
) -> Path:
    """Text pieces as added tokens; piece -> next piece (None: EOS), any other token -> `first`."""
    import torch
    from tokenizers import AddedToken
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from jiuzhang.train.model_init import train_tokenizer

    root = Path(root)
    pieces = list(successor)
    train_tokenizer(texts, 300, root / "tok")
    tokenizer = AutoTokenizer.from_pretrained(root / "tok")
    tokenizer.add_tokens([AddedToken(p, normalized=False, special=False) for p in pieces])
    ids = {p: tokenizer.convert_tokens_to_ids(p) for p in pieces}
    vocab = len(tokenizer)
    hidden = 32 * ((vocab + 31) // 32)  # one-hot embeddings; 32-wide heads (vLLM's CPU kernels)
    config = LlamaConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=hidden // 32,
        num_key_value_heads=hidden // 32,
        max_position_embeddings=max_positions,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        dtype="float32",
    )
    model = LlamaForCausalLM(config)
    following = {
        ids[p]: tokenizer.eos_token_id if nxt is None else ids[nxt] for p, nxt in successor.items()
    }
    with torch.no_grad():
        for param in model.parameters():
            param.zero_()
        for norm in [model.model.norm, *(layer.input_layernorm for layer in model.model.layers)]:
            norm.weight.fill_(1.0)
        for layer in model.model.layers:
            layer.post_attention_layernorm.weight.fill_(1.0)
        model.model.embed_tokens.weight[:, :vocab].copy_(torch.eye(vocab))
        for token in range(vocab):
            model.lm_head.weight[following.get(token, ids[first]), token] = 1.0
    out = root / "model"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
