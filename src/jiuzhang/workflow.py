"""Checks of a validated config that JSON Schema cannot express (cross-references between keys).

Called by rules/common.smk right after schema validation, so a bad config fails at parse time
with a message naming the key, not after hours of GPU work.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from jiuzhang.common.errors import ConfigError

# Hub snapshots named in `downloads` land in DOWNLOAD_ROOT/<name>/, listed by <name>.download.json.
DOWNLOAD_ROOT = "data"


HUB_MODEL_ROOT = "resources/hub"  # download_model puts hub model `name` in HUB_MODEL_ROOT/<name>


def hub_model_dir(name: str) -> str:
    """Where the download_model rule puts the snapshot of hub model `name`."""
    return f"{HUB_MODEL_ROOT}/{name}"


def hub_model_listing(name: str) -> str:
    """The verified listing (commit, files, sha256) download_model writes beside it."""
    return f"{hub_model_dir(name)}.download.json"


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


STAGE_SECTIONS = ("sources", "tool_synthesis", "synthesizer", "target", "evaluation")
"""The optional sections, each an entry point: a config holds those its targets need."""

KD_KEYS = ("base", "kd_set", "teacher", "pack", "train")

# Target rules of the Snakefile -> the config sections they need.
TARGET_NEEDS: dict[str, tuple[str, ...]] = {
    "all_prompts": ("sources",),
    "all_synth": ("sources",),
    "all_corpus": ("sources",),
    "all_tool": ("tool_synthesis",),
    "all_packed": ("target",),
    "all_models": ("synthesizer", "target"),
    "all_eval": ("evaluation",),
    "all_report": ("evaluation",),
}


def check_sections(raw: Mapping[str, Any]) -> None:
    """Raise ConfigError when the config's stage sections do not make a plan: nothing to build,
    synthesis without a synthesizer, a synthesizer that is both given and trained, training on
    the synthesized corpus without sources. `raw` is the config as written (before the schema
    filled defaults), so a key the user wrote can be told from a default."""
    if not any(section in raw for section in STAGE_SECTIONS):
        raise ConfigError(
            "config (top level): nothing to build: give `evaluation` (evaluate models), "
            "`sources` + `synthesizer` (synthesize a corpus) or `target` (train a model)"
        )
    synthesizing = [s for s in ("sources", "tool_synthesis") if s in raw]
    synth = raw.get("synthesizer")
    if synthesizing and synth is None:
        raise ConfigError(
            f"config {synthesizing[0]}: synthesis needs a `synthesizer` section: a given model "
            "(`model: <key of models>`) or a KD recipe (`base` + `kd_set`)"
        )
    if synth is not None:
        recipe = [k for k in KD_KEYS if k in synth]
        if "model" in synth and recipe:
            raise ConfigError(
                f"config synthesizer: `model` names a ready synthesis model, so the KD recipe "
                f"keys {recipe} would be ignored: keep one of the two"
            )
        if "model" not in synth and not {"base", "kd_set"} <= set(recipe):
            raise ConfigError(
                "config synthesizer: give `model` (a ready synthesis model, a key of `models`) "
                "or both `base` and `kd_set` (a KD recipe)"
            )
        if "model" in synth and not synthesizing:
            raise ConfigError(
                "config synthesizer.model: nothing to synthesize with it: add `sources` "
                "(and/or `tool_synthesis`)"
            )
    target = raw.get("target")
    if target is not None and not target.get("data") and "sources" not in raw:
        raise ConfigError(
            "config target.data: no corpora listed, which means the synthesized corpus, but "
            "the config has no `sources` to synthesize it from: list the corpora to train on"
        )


def command_line_targets(argv: Sequence[str] | None = None) -> list[str]:
    """The targets named on the `snakemake` command line (the workflow is parsed before
    Snakemake hands them to it); empty when Snakemake was not started from its command line."""
    argv = list(sys.argv if argv is None else argv)
    program = argv[0] if argv else ""
    if os.path.basename(program) != "snakemake" and not program.endswith("snakemake/__main__.py"):
        return []
    from snakemake.cli import get_argument_parser

    try:
        args, _ = get_argument_parser().parse_known_args(argv[1:])
    except SystemExit:  # not parseable here: Snakemake itself will say why
        return []
    return list(args.targets or [])


def check_targets(raw: Mapping[str, Any], targets: Sequence[str]) -> None:
    """Raise ConfigError when a requested target rule needs a section the config lacks."""
    for target in targets:
        missing = [s for s in TARGET_NEEDS.get(target, ()) if s not in raw]
        if target == "all_models" and len(missing) < 2:
            missing = []  # either trained model is something to build
        if missing:
            raise ConfigError(
                f"config {missing[0]}: the target {target} needs this section, which the "
                "config lacks"
            )


def default_control_data(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The control arm's default curriculum: one phase of the raw texts of every source whose
    builder reads MathPile-format `text` records (no input part: every token is trained)."""
    from jiuzhang.prepare.builders import get_builder

    corpora = [
        {"name": name, "paths": list(spec["paths"]), "input_field": None, "output_field": "text"}
        for name, spec in sorted(config.get("sources", {}).items())
        if get_builder(spec["builder"]).spec.fields == ("text",)
    ]
    return [{"name": "raw", "corpora": corpora}] if corpora else []


def curricula(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every curriculum the config gives, by its config key."""
    found = {
        f"models.{name}.pretrain.data": spec["pretrain"]["data"]
        for name, spec in config["models"].items()
        if "pretrain" in spec
    }
    target = config.get("target", {})
    found["target.data"] = target.get("data", [])
    found["target.control.data"] = target.get("control", {}).get("data", [])
    return found


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first key that refers to something that does not exist."""
    from jiuzhang.report.paper import PAPER_ROWS

    models = config["models"]
    for name, spec in models.items():
        kinds = [k for k in ("init", "path", "hub") if k in spec]
        if len(kinds) != 1:
            raise ConfigError(
                f"config models.{name}: give exactly one of init, path or hub (got {kinds})"
            )
        if "revision" in spec and "hub" not in spec:
            raise ConfigError(f"config models.{name}.revision: only a `hub` model has one")
    references = {f"models.{n}.paper": s["paper"] for n, s in models.items() if "paper" in s}
    if "paper" in config.get("target", {}):
        references["target.paper"] = config["target"]["paper"]
    for key, row in references.items():
        if row not in PAPER_ROWS:
            raise ConfigError(
                f"config {key}: {row!r} is not a row of the paper's table ({', '.join(PAPER_ROWS)})"
            )
    synth = config.get("synthesizer", {})
    model_keys = [
        ("synthesizer.base", synth.get("base")),
        ("synthesizer.model", synth.get("model")),
    ]
    model_keys.append(("target.base", config.get("target", {}).get("base")))
    for key, name in model_keys:
        if name is not None and name not in models:
            raise ConfigError(
                f"config {key}: {name!r} is not a key of `models` ({', '.join(sorted(models))})"
            )
    target = config["target"]["name"] if "target" in config else None
    if target in models:
        raise ConfigError(f"config target.name: {target!r} clashes with a base model name")
    control = config.get("target", {}).get("control")
    trained = [target] if target else []
    if control:
        if control["name"] in models or control["name"] == target:
            raise ConfigError(
                f"config target.control.name: {control['name']!r} clashes with a model name"
            )
        if not control["data"] and not default_control_data(config):
            raise ConfigError(
                "config target.control.data: no corpora listed, which means the raw texts of the "
                "`sources` read as MathPile `text` (builders textbook, wiki, web, arxiv), and the "
                "config has none: list the control's raw-text corpora"
            )
        trained.append(control["name"])
    for name in config.get("evaluation", {}).get("models", []):
        if name not in models and name not in trained:
            has = (
                " or ".join(f"{n!r}" for n in trained)
                if trained
                else "a trained model (the config has no `target`)"
            )
            raise ConfigError(
                f"config evaluation.models: {name!r} is neither a key of `models` nor {has}"
            )
    for name, spec in models.items():
        if "pretrain" in spec and spec["pretrain"]["train"]["zero_stage"] != 2:
            raise ConfigError(
                f"config models.{name}.pretrain.train.zero_stage: pre-training a base runs "
                "ZeRO-2 (its model is used directly, without a consolidation step)"
            )
    needs_tokenizer = any("init" in spec for spec in models.values())
    if needs_tokenizer and not config["tokenizer"]["texts"]:
        raise ConfigError(
            "config tokenizer.texts: `init` models need texts to train a tokenizer on"
        )
    runs = [
        (name, config[name]["train"], rule)
        for name, rule in (("synthesizer", "train_synthesizer"), ("target", "train_cpt"))
        if "train" in config.get(name, {})
    ]
    runs += [
        (f"models.{name}.pretrain", spec["pretrain"]["train"], "pretrain_base")
        for name, spec in models.items()
        if "pretrain" in spec
    ]
    for key, train, rule in runs:
        nodes = config["resources"][rule]["nodes"]
        per_step = nodes * train["nproc_per_node"] * train["micro_batch_size"]
        if train["global_batch_size"] % per_step:
            raise ConfigError(
                f"config {key}.train.global_batch_size: {train['global_batch_size']} is not a "
                f"multiple of nodes x nproc_per_node x micro_batch_size = {per_step}"
            )
    jobs = (("synthesis", "synth_cot_shard", synth.get("model")),)
    if "evaluation" in config:
        jobs += tuple(("evaluation", "eval_bench", m) for m in config["evaluation"]["models"])
    for section, rule, model in jobs:
        backend = config[section].get("backend", {})
        if backend.get("name") != "vllm" or "gpus" in models.get(model, {}):
            continue  # a model's `gpus` sets both the job's GPUs and its tensor parallel size
        tp = backend.get("options", {}).get("tensor_parallel_size", 1)
        gpus = config["resources"][rule]["gpu"]
        if tp > gpus:
            raise ConfigError(
                f"config {section}.backend.options.tensor_parallel_size: {tp} GPUs, but "
                f"resources.{rule}.gpu asks SLURM for {gpus}"
            )
    n_shards = config["prepare"]["n_shards"]
    for name, source in config.get("sources", {}).items():
        if 0 < source.get("max_rows", 0) < n_shards:
            raise ConfigError(
                f"config sources.{name}.max_rows: {source['max_rows']} prompts cannot fill "
                f"prepare.n_shards = {n_shards} shards"
            )


def check_hub_repos(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the key of a hub model or download whose repo or revision the
    hub says does not exist (or is gated), before any job runs. Only what is not downloaded yet
    is asked about; offline or unreachable hubs are left to the download jobs."""
    from jiuzhang.common.hub import HubSnapshot, repo_problem

    asks = []
    for name, spec in config["models"].items():
        if "hub" in spec and not os.path.isdir(hub_model_dir(name)):
            snapshot = HubSnapshot(spec["hub"], "model", spec.get("revision", "main"))
            asks.append((f"models.{name}.hub", snapshot))
    for name, spec in config.get("downloads", {}).items():
        if not os.path.exists(download_listing(name)):
            asks.append((f"downloads.{name}.repo", HubSnapshot.from_mapping(spec)))
    for key, snapshot in asks:
        problem = repo_problem(snapshot)
        if problem:
            raise ConfigError(f"config {key}: {snapshot.describe()}: {problem}")


def check_corpus_fields(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the curriculum key (`target.data`, `target.control.data`,
    `models.<name>.pretrain.data`) of a given corpus file that is missing or whose first row
    lacks the corpus's input/output fields. Corpora the DAG writes (results/) or downloads
    (data/<download>/) are checked by the job that reads them."""
    from jiuzhang.common.errors import DataError
    from jiuzhang.prepare.sources import FieldSpec, iter_records, resolve_paths

    downloads = config.get("downloads", {})
    for base, phases in curricula(config).items():
        for i, j, corpus in [
            (i, j, c) for i, p in enumerate(phases) for j, c in enumerate(p["corpora"])
        ]:
            key = f"{base}.{i}.corpora.{j}.paths"
            fields = (corpus["input_field"], corpus["output_field"])
            spec = FieldSpec(fields=tuple(f for f in fields if f is not None))
            for path in corpus["paths"]:
                if _produced(path) or download_of(path, downloads):
                    continue
                try:
                    for file in resolve_paths([path]):
                        next(iter(iter_records([file], spec, allow_empty=True)), None)
                except DataError as exc:
                    raise ConfigError(f"config {key}: {exc}") from None


def _produced(path: str) -> bool:
    return os.path.normpath(path).split(os.sep)[0] == RESULTS_ROOT


RESULTS_ROOT = "results"  # the workflow's own outputs: a model there may not be built yet
WEIGHT_SUFFIXES = (".safetensors", ".bin")


def check_model_paths(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming `models.<name>.path` when that folder is missing or is not a
    Hugging Face model (no config.json, no weights). Paths under results/ are skipped: a rule of
    this workflow may still write them. (Separate from `check_config`: this one reads the disk.)"""
    for name, spec in config["models"].items():
        path = spec.get("path")
        if path is None or _produced(path):
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
