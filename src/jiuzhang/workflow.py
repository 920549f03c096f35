"""Checks of a validated config that JSON Schema cannot express (cross-references between keys).

Called by rules/common.smk right after schema validation, so a bad config fails at parse time
with a message naming the key, not after hours of GPU work.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from jiuzhang.common.errors import ConfigError

# Hub snapshots named in `downloads` land in DOWNLOAD_ROOT/<name>/, listed by <name>.download.json.
DOWNLOAD_ROOT = "data"


def download_folder(name: str) -> str:
    """Where download `name` puts the repo's files (its layout kept)."""
    return f"{DOWNLOAD_ROOT}/{name}"


def download_listing(name: str) -> str:
    """The verified listing the download_data rule writes for download `name`."""
    return f"{download_folder(name)}.download.json"


def download_of(path: str, downloads: Mapping[str, Any]) -> str | None:
    """The download whose folder holds `path` (a file or folder under data/<name>/), if any."""
    parts = os.path.normpath(path).split(os.sep)
    if len(parts) >= 2 and parts[0] == DOWNLOAD_ROOT and parts[1] in downloads:
        return parts[1]
    return None


def data_inputs(paths: list[str], downloads: Mapping[str, Any]) -> list[str]:
    """Rule inputs for configured data paths: a path inside a download's folder is replaced by
    that download's listing (the files exist only once it ran); other paths stay as they are."""
    out: list[str] = []
    for path in paths:
        name = download_of(path, downloads)
        dep = download_listing(name) if name else path
        if dep not in out:
            out.append(dep)
    return out


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first key that refers to something that does not exist."""
    models = config["models"]
    for name, spec in models.items():
        kinds = [k for k in ("init", "path", "hub") if k in spec]
        if len(kinds) != 1:
            raise ConfigError(
                f"config models.{name}: give exactly one of init, path or hub (got {kinds})"
            )
        if "revision" in spec and "hub" not in spec:
            raise ConfigError(f"config models.{name}.revision: only a `hub` model has one")
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
