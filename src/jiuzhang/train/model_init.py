"""Build the tiny models the CPU default trains: a byte-level BPE tokenizer and a random-init Llama.

Both are saved in Hugging Face format so every later stage loads them exactly as it would load a
hub model (`AutoTokenizer` / `AutoModelForCausalLM.from_pretrained(folder)`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jiuzhang.common.config import FromMapping
from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path, read_jsonl, write_json
from jiuzhang.common.manifest import write_manifest

log = logging.getLogger(__name__)

BOS, EOS, PAD = "<s>", "</s>", "<pad>"


def iter_texts(paths: Sequence[str | os.PathLike[str]], fields: Sequence[str]) -> Iterator[str]:
    """Every string value of `fields` in the JSONL(.gz) files (each row needs one of them)."""
    for path in paths:
        seen_any = False
        for lineno, record in read_jsonl(path):
            texts = [record[f] for f in fields if isinstance(record.get(f), str)]
            if not texts:
                raise DataError(f"{path}:{lineno}: none of the text fields {list(fields)} present")
            seen_any = True
            yield from texts
        if not seen_any:
            raise DataError(f"{path}: empty file, no texts to train the tokenizer on")


def train_tokenizer(texts: Iterable[str], vocab_size: int, out_dir: str | os.PathLike[str]) -> int:
    """Train a byte-level BPE (digits split one by one) and save it; return its size."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[BOS, EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    bos_id = tokenizer.token_to_id(BOS)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, bos_id)]
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token=BOS, eos_token=EOS, pad_token=PAD
    )
    with atomic_path(out_dir, directory=True) as tmp:
        wrapped.save_pretrained(tmp)
    return len(wrapped)


@dataclasses.dataclass(frozen=True)
class LlamaArch(FromMapping):
    """Shape of a random-init Llama (the tiny default's base models)."""

    hidden_size: int = 128
    intermediate_size: int = 512
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    max_position_embeddings: int = 1024
    tie_word_embeddings: bool = True


def init_model(
    arch: LlamaArch,
    tokenizer_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    seed: int,
) -> int:
    """Random-init a Llama for the tokenizer, save model + tokenizer; return parameter count."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **dataclasses.asdict(arch),
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    n_params = sum(p.numel() for p in model.parameters())
    with atomic_path(out_dir, directory=True) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    log.info("random-init Llama: %d parameters, vocab %d", n_params, len(tokenizer))
    return n_params


def run_train_tokenizer(
    *, texts: Sequence[str], fields: Sequence[str], vocab_size: int, out_dir: str
) -> None:
    """Rule entry point: train the tokenizer on the given JSONL files and write its manifest."""
    size = train_tokenizer(iter_texts(texts, fields), vocab_size, out_dir)
    log.info("tokenizer: %d tokens -> %s", size, out_dir)
    write_manifest(
        out_dir,
        inputs={"texts": list(texts)},
        params={"vocab_size": vocab_size, "fields": list(fields)},
        counts={"vocab": size},
    )


def run_init_model(*, arch: Mapping[str, Any], tokenizer: str, out_dir: str, seed: int) -> None:
    """Rule entry point: random-init a model for `tokenizer` and write its manifest."""
    n_params = init_model(LlamaArch.from_mapping(arch), tokenizer, out_dir, seed)
    write_manifest(
        out_dir,
        inputs={"tokenizer": tokenizer},
        params={"arch": dict(arch)},
        seed=seed,
        counts={"parameters": n_params},
    )
    if not Path(out_dir, "config.json").is_file():
        raise DataError(f"{out_dir}: model folder incomplete (no config.json)")


# Files a causal-LM snapshot needs; optimizer states and other formats are skipped.
HUB_PATTERNS = ("*.json", "*.safetensors", "*.model", "*.txt", "*.tiktoken", "*.py")


def run_download_model(
    *, repo_id: str, revision: str, out_dir: str, listing: str | None = None
) -> None:
    """Rule entry point: download a hub model snapshot (resumable, verified) into `out_dir` and
    its listing (commit, files with sha256) into `listing` (default `<out_dir>.download.json`),
    the input its manifest names."""
    from jiuzhang.common.hub import HubSnapshot, download_snapshot

    target = Path(out_dir)
    listing = listing or f"{out_dir}.download.json"
    # Download into a stable staging folder so an interrupted job resumes where it stopped
    # (Snakemake removes a directory output before it reruns the job).
    staging = target.with_name(target.name + ".download")
    spec = HubSnapshot(repo=repo_id, repo_type="model", revision=revision, include=HUB_PATTERNS)
    document = download_snapshot(spec, staging)
    if not (staging / "config.json").is_file():
        raise DataError(f"{repo_id}: downloaded snapshot has no config.json")
    if not any(name.endswith(".safetensors") for name in document["files"]):
        raise DataError(
            f"{spec.describe()}: the repo holds no *.safetensors weights (the format fetched)"
        )
    write_json(listing, document)
    os.replace(staging, target)
    write_manifest(
        out_dir,
        inputs={"listing": listing},
        params={"repo_id": repo_id, "revision": revision, "patterns": list(HUB_PATTERNS)},
        counts={"commit": document["commit"], "files": len(document["files"])},
    )
