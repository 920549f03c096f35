"""Checks of a validated config that JSON Schema cannot express (cross-references between keys).

Called by rules/common.smk right after schema validation, so a bad config fails at parse time
with a message naming the key, not after hours of GPU work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jiuzhang.common.errors import ConfigError


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first key that refers to something that does not exist."""
    models = config["models"]
    for key in ("synthesizer", "target"):
        base = config[key]["base"]
        if base not in models:
            raise ConfigError(
                f"config {key}.base: {base!r} is not a key of `models` ({sorted(models)})"
            )
    target = config["target"]["name"]
    if target in models:
        raise ConfigError(f"config target.name: {target!r} clashes with a base model name")
    known = set(models) | {target}
    for name in config["evaluation"]["models"]:
        if name not in known:
            raise ConfigError(
                f"config evaluation.models: {name!r} is neither a key of `models` nor target.name"
            )
    needs_tokenizer = any("init" in spec for spec in models.values())
    if needs_tokenizer and not config["tokenizer"]["texts"]:
        raise ConfigError(
            "config tokenizer.texts: `init` models need texts to train a tokenizer on"
        )
    for name, rule in (("synthesizer", "train_synthesizer"), ("target", "train_cpt")):
        train = config[name]["train"]
        nodes = config["resources"][rule]["nodes"]
        per_step = nodes * train["nproc_per_node"] * train["micro_batch_size"]
        if train["global_batch_size"] % per_step:
            raise ConfigError(
                f"config {name}.train.global_batch_size: {train['global_batch_size']} is not a "
                f"multiple of nodes x nproc_per_node x micro_batch_size = {per_step}"
            )
    for section, rule in (("synthesis", "synth_cot_shard"), ("evaluation", "eval_bench")):
        backend = config[section].get("backend", {})
        if backend.get("name") != "vllm":
            continue
        tp = backend.get("options", {}).get("tensor_parallel_size", 1)
        gpus = config["resources"][rule]["gpu"]
        if tp > gpus:
            raise ConfigError(
                f"config {section}.backend.options.tensor_parallel_size: {tp} GPUs, but "
                f"resources.{rule}.gpu asks SLURM for {gpus}"
            )
    n_shards = config["prepare"]["n_shards"]
    for name, source in config["sources"].items():
        if 0 < source.get("max_rows", 0) < n_shards:
            raise ConfigError(
                f"config sources.{name}.max_rows: {source['max_rows']} prompts cannot fill "
                f"prepare.n_shards = {n_shards} shards"
            )
