"""Checks of a validated config that JSON Schema cannot express (cross-references between keys).

Called by rules/common.smk right after schema validation, so a bad config fails at parse time
with a message naming the key, not after hours of GPU work.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
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


RESULTS_ROOT = "results"  # the workflow's own outputs: a model there may not be built yet
WEIGHT_SUFFIXES = (".safetensors", ".bin")


def check_model_paths(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming `models.<name>.path` when that folder is missing or is not a
    Hugging Face model (no config.json, no weights). Paths under results/ are skipped: a rule of
    this workflow may still write them. (Separate from `check_config`: this one reads the disk.)"""
    for name, spec in config["models"].items():
        path = spec.get("path")
        if path is None or os.path.normpath(path).split(os.sep)[0] == RESULTS_ROOT:
            continue
        key = f"config models.{name}.path: {path!r}"
        if not os.path.isdir(path):
            problem = "is not a folder" if os.path.exists(path) else "does not exist"
            raise ConfigError(f"{key} {problem}")
        files = os.listdir(path)
        if "config.json" not in files:
            raise ConfigError(f"{key} has no config.json (not a Hugging Face model folder)")
        if not any(f.endswith(WEIGHT_SUFFIXES) for f in files):
            raise ConfigError(f"{key} holds no weights (*.safetensors or *.bin files)")


_KEYED = re.compile(r"config ([^\s:]+): (.*)", re.DOTALL)


def config_error(
    exc: BaseException, configfiles: Sequence[str | os.PathLike[str]]
) -> ConfigError | None:
    """One line for a failed config check, naming the config file and the key:
    `config <file>: <key>: <problem>`.

    `exc` is Snakemake's WorkflowError around a jsonschema ValidationError (schema validation)
    or a ConfigError of `check_config` (`config <key>: <problem>`); None for anything else. The
    file is the last of `configfiles` that sets the key (the one in effect), else all of them."""
    from jsonschema import ValidationError

    if isinstance(exc, ConfigError) and (match := _KEYED.fullmatch(str(exc))):
        key, problem = match[1], match[2]
    else:
        error = exc.__cause__ or exc.__context__  # WorkflowError keeps only the text in args
        if not isinstance(error, ValidationError):
            return None
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        if error.validator == "enum" and "propertyNames" in error.absolute_schema_path:
            known = ", ".join(map(str, error.validator_value))
            problem = f"unknown key {error.instance!r} (known: {known})"
        elif error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            known_keys = error.schema.get("properties", {})
            unknown = ", ".join(repr(k) for k in error.instance if k not in known_keys)
            problem = f"unknown key {unknown} (known: {', '.join(known_keys)})"
        else:
            problem = error.message
    problem = " ".join(problem.splitlines())
    return ConfigError(f"config {_config_origin(key, configfiles)}: {key}: {problem}")


def _config_origin(key: str, configfiles: Sequence[str | os.PathLike[str]]) -> str:
    """The config file (relative to the working directory when inside it) whose value of the
    dotted `key` is in effect: the last one that sets it; all of them when none does."""
    import yaml

    names = [_shown(path) for path in configfiles]
    for name, path in reversed(list(zip(names, configfiles, strict=True))):
        try:
            with open(path, encoding="utf-8") as handle:
                node: Any = yaml.safe_load(handle)
        except (OSError, yaml.YAMLError):
            continue
        for part in key.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                break
        else:
            return name
    return " + ".join(names) if names else "(no config file)"


def _shown(path: str | os.PathLike[str]) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
