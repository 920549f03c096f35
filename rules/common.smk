# Config validation, derived tables, wildcard constraints and input functions.
import copy
import json
import re

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from jiuzhang.common.errors import ConfigError
from jiuzhang.workflow import (
    check_config,
    check_corpus_fields,
    check_hub_repos,
    check_model_paths,
    check_sections,
    check_targets,
    command_line_targets,
    config_error,
)

# A bad config fails here as one line naming the config file and key (no schema dump). Each
# stage section is optional (an entry point); the raw copy tells what the user wrote from the
# defaults the schema fills in.
RAW_CONFIG = copy.deepcopy(config)
try:
    validate(config, schema="../config/schemas/config.schema.yaml")
    check_sections(RAW_CONFIG)
    check_targets(RAW_CONFIG, command_line_targets())
    check_config(config)
    check_model_paths(config)
    check_corpus_fields(config)
    if workflow.is_main_process:  # not again in every cluster job
        check_hub_repos(config)
except (WorkflowError, ConfigError) as exc:
    error = config_error(exc, workflow.configfiles)
    if error is None:
        raise
    raise error from None

from jiuzhang.evaluation.prompting import DEMO_FAMILY
from jiuzhang.prepare.templates import LEVELS
from jiuzhang.train.trainer import TrainConfig
from jiuzhang.workflow import (
    data_inputs,
    default_control_data,
    download_folder,
    download_listing,
    hub_model_dir,
    hub_model_listing,
)

DOWNLOADS = config["downloads"]
BASE_MODELS = config["models"]
# The stages this config asks for (each section optional): CoT synthesis from `sources`, tool
# synthesis, a synthesizer trained by KD (else a given one), continued pre-training, evaluation.
SOURCES = sorted(config.get("sources", {}))
TOOL = config.get("tool_synthesis")  # None: no tool branch
SYNTHESIZER = config.get("synthesizer")
KD = SYNTHESIZER is not None and "model" not in SYNTHESIZER
TARGET = config.get("target")
EVALUATION = config.get("evaluation")
# Bases pre-trained on raw text before any use, and the target's raw-text control arm.
PRETRAINED = {n: spec["pretrain"] for n, spec in config["models"].items() if "pretrain" in spec}
CONTROL = TARGET.get("control") if TARGET else None
CONTROL_NAME = CONTROL["name"] if CONTROL else None

SHARDS = [f"{i:05d}" for i in range(config["prepare"]["n_shards"])] if SOURCES else []
TARGET_NAME = TARGET["name"] if TARGET else None
EVAL_MODELS = EVALUATION["models"] if EVALUATION else []
PTYPES = EVALUATION["prompt_types"] if EVALUATION else []
BENCHES = list(EVALUATION["benchmarks"]) if EVALUATION else []
# Training sets: `prepare_train_data` writes the curricula, `pack_corpus` packs them (and the KD
# set): `train` (the target), `control` (its raw-text arm), `pretrain-<model>` (a base).
CURRICULA = [
    *(["train"] if TARGET else []),
    *(["control"] if CONTROL else []),
    *(f"pretrain-{name}" for name in PRETRAINED),
]
PACKED = ["kd", *CURRICULA] if KD else CURRICULA


def names_pattern(names):
    """A wildcard pattern matching exactly the given names (none: a pattern no name matches)."""
    names = [re.escape(n) for n in names]
    return "|".join(names) if names else "(?!)"


PRETRAIN_SETS = names_pattern(f"pretrain-{name}" for name in PRETRAINED)
# The paper's rows the table compares with (None: no model names one, no paper rows).
REFERENCES = {
    name: BASE_MODELS[name].get("paper") if name in BASE_MODELS else TARGET.get("paper")
    for name in EVAL_MODELS
}
REFERENCES = {name: row for name, row in REFERENCES.items() if row} or None

TOKENIZER_DIR = "results/models/tokenizer"
TARGET_DIR = f"results/train/{TARGET_NAME}/model" if TARGET else None
CONTROL_DIR = f"results/train/{CONTROL_NAME}/model" if CONTROL else None
CORPUS = "results/corpus/cot/corpus.jsonl"
TOOL_SHARDS = [f"{i:05d}" for i in range(TOOL["n_shards"])] if TOOL else []
TOOL_CORPUS = "results/corpus/tool/corpus.jsonl"
TABLE_MD = "results/report/table.md"
TABLE_CSV = "results/report/table.csv"
TABLE_SVG = "results/report/table.svg"
TABLE_HTML = "results/report/table.html"


wildcard_constraints:
    source="|".join(SOURCES),
    shard=r"\d{5}",
    tshard=r"\d{5}",
    model="|".join(sorted(set(BASE_MODELS) | set(EVAL_MODELS))),
    ptype="|".join(PTYPES),
    bench="|".join(BENCHES),
    corpus="|".join(PACKED),


def data(paths):
    """Inputs for configured data paths (a str or list): files under data/<download>/ become that
    download's listing, so the DAG fetches them first (the paths themselves go in params)."""
    return data_inputs([paths] if isinstance(paths, str) else list(paths), DOWNLOADS)


def manifest(path):
    """The manifest sibling of an artifact (written by jiuzhang.common.manifest)."""
    return f"{path}.manifest.json"


def res(rule_name, key):
    """A per-rule resource from config (the schema fills defaults for every rule)."""
    return config["resources"][rule_name][key]


def model_dir(name):
    """Folder of a base or trained model by name, as a path some rule produces or the user gave;
    a base with `pretrain` is its pre-trained model wherever the name is used."""
    if TARGET and name == TARGET_NAME:
        return TARGET_DIR
    if CONTROL and name == CONTROL_NAME:
        return CONTROL_DIR
    if name in PRETRAINED:
        return pretrained_dir(name)
    return raw_model_dir(name)


def pretrained_dir(name):
    return f"results/pretrain/{name}/model"


def raw_model_dir(name):
    """A base model as built, downloaded or given, before any pre-training."""
    spec = BASE_MODELS[name]
    if "init" in spec:
        return f"results/models/{name}"
    if "hub" in spec:
        return hub_model_dir(name)
    return spec["path"]


# The synthesis model: trained here by KD, or a given one (a hub download or a local folder).
SYNTHESIZER_DIR = (
    "results/synthesizer/model" if KD else model_dir(SYNTHESIZER["model"]) if SYNTHESIZER else None
)


def model_gpus(rule, name):
    """GPUs of a job of `rule` running model `name`: the model's `gpus`, else the rule's."""
    return BASE_MODELS.get(name, {}).get("gpus", res(rule, "gpu"))


def model_backend(section, name):
    """The section's backend for model `name`: a vLLM engine spans the model's `gpus`."""
    backend = copy.deepcopy(config[section]["backend"])
    gpus = BASE_MODELS.get(name, {}).get("gpus")
    if gpus and backend["name"] == "vllm":
        backend["options"]["tensor_parallel_size"] = gpus
    return backend


def get_model_dir(wildcards):
    return model_dir(wildcards.model)


def get_prompt_shards():
    return expand("results/prompts/{source}/shard-{shard}.jsonl", source=SOURCES, shard=SHARDS)


def get_tool_shards():
    return expand("results/synth/tool/shard-{tshard}.jsonl", tshard=TOOL_SHARDS)


def get_synth_shards():
    return expand("results/synth/cot/{source}/shard-{shard}.jsonl", source=SOURCES, shard=SHARDS)


def packed_file(corpus):
    return f"results/packed/{corpus}/packed.safetensors"


def heldout_file(corpus):
    return f"results/packed/{corpus}/heldout.safetensors"


def train_data(name):
    """The curriculum JSONL of training set `name` and its phases sidecar."""
    return f"results/train_data/{name}.jsonl", f"results/train_data/{name}.phases.json"


def curriculum(name):
    """The phases of training set `name` (see CURRICULA)."""
    if name == "train":
        return train_phases()
    if name == "control":
        return control_phases()
    return PRETRAINED[name.removeprefix("pretrain-")]["data"]


def train_phases():
    """The target's curriculum (target.data), or by default one pre-training phase of the
    synthesized corpora: CoT, plus the verified tool corpus when the tool branch is on."""
    if TARGET["data"]:
        return TARGET["data"]
    corpora = [{"name": "cot", "paths": [CORPUS]}]
    if TOOL:
        corpora.append({"name": "tool", "paths": [TOOL_CORPUS]})
    return [{"name": "pretrain", "corpora": corpora}]


def control_phases():
    """The control arm's curriculum (target.control.data), or by default one phase of the raw
    texts of the sources whose builders read MathPile-format `text` (check_config made sure
    there is one)."""
    return CONTROL["data"] or default_control_data(config)


def arm_set(arm):
    """The packed training set of a train_cpt arm: the target's, or the control's."""
    return "control" if CONTROL and arm == CONTROL_NAME else "train"


def get_train_data_inputs(wildcards):
    phases = curriculum(wildcards.data)
    return data([p for phase in phases for c in phase["corpora"] for p in c["paths"]])


def get_train_data_phases(wildcards):
    return curriculum(wildcards.data)


def pack_role(corpus):
    """(config section of the pack settings, model whose tokenizer packs it) of a packed set."""
    if corpus == "kd":
        return config["synthesizer"], config["synthesizer"]["base"]
    if corpus in ("train", "control"):
        return config["target"], config["target"]["base"]
    name = corpus.removeprefix("pretrain-")
    return PRETRAINED[name], name


def get_pack_inputs(wildcards):
    corpus = wildcards.corpus
    _, model = pack_role(corpus)
    if corpus.startswith("pretrain-"):  # the base before its own pre-training
        tokenizer = raw_model_dir(model)
    else:
        tokenizer = model_dir(model)
    if corpus == "kd":
        return {"corpus": data(config["synthesizer"]["kd_set"]), "model": tokenizer}
    rows, phases = train_data(corpus)
    return {"corpus": rows, "phases": phases, "model": tokenizer}


def get_pack_corpus(wildcards):
    """The corpus file a pack job reads (its input may be a download listing instead)."""
    corpus = wildcards.corpus
    return config["synthesizer"]["kd_set"] if corpus == "kd" else train_data(corpus)[0]


def get_pack_phases(wildcards):
    """The curriculum sidecar of a training set (none for the KD set)."""
    return None if wildcards.corpus == "kd" else train_data(wildcards.corpus)[1]


def get_pack_params(wildcards):
    """A packed set's settings; the control arm packs like the target (same rows), except that
    its raw text is split into pieces rather than truncated."""
    section, _ = pack_role(wildcards.corpus)
    fields = ("prompt", "completion") if wildcards.corpus == "kd" else ("input", "output")
    params = {**section["pack"], "input_field": fields[0], "output_field": fields[1]}
    if wildcards.corpus == "control":
        params["long_documents"] = "split"
    return params


def get_eval_template(wildcards):
    return f"{config['evaluation']['templates']}/{wildcards.ptype}.md"


def bench_source(wildcards):
    """A benchmark's configured source: a local path or an hf://<owner>/<dataset>/<file>."""
    return config["evaluation"]["benchmarks"][wildcards.bench]


def get_bench_file(wildcards):
    """The local benchmark file as a rule input (hub sources are fetched by the job instead)."""
    source = bench_source(wildcards)
    return [] if source.startswith("hf://") else data(source)


def decontam_sources():
    """Benchmark name -> source that the corpus is decontaminated against."""
    evaluated = EVALUATION["benchmarks"] if EVALUATION else {}
    return {**evaluated, **config["corpus"]["decontam_benchmarks"]}


def local_files(sources):
    """The local paths among benchmark sources (hf:// sources are fetched by the job)."""
    return data([s for s in sources.values() if not s.startswith("hf://")])


def eval_shots(wildcards):
    return config["evaluation"]["shots"].get(wildcards.ptype, 0)


def get_eval_demos(wildcards):
    """The few-shot demo file of the benchmark's family, when the prompt type uses shots."""
    if not eval_shots(wildcards):
        return []
    family = DEMO_FAMILY[wildcards.bench]
    return f"{config['evaluation']['fewshot']}/{family}.jsonl"


def get_eval_metrics():
    return expand(
        "results/eval/{model}/{ptype}/{bench}/metrics.json",
        model=EVAL_MODELS,
        ptype=PTYPES,
        bench=BENCHES,
    )


def eval_sample_outputs():
    """The samples file of an eval job, when the config asks for sampling."""
    if not EVALUATION or "samples" not in EVALUATION:
        return {}
    return {"samples": "results/eval/{model}/{ptype}/{bench}/samples.jsonl"}


def get_eval_predictions():
    return [m.replace("metrics.json", "predictions.jsonl") for m in get_eval_metrics()]


def get_final_outputs():
    """What `all` builds: the table when evaluating, the corpora when synthesizing, the trained
    models (their inputs follow), and the report's figures."""
    outputs = [TABLE_MD, TABLE_CSV, TABLE_SVG] if EVALUATION else []
    outputs += [CORPUS] if SOURCES else []
    outputs += [TOOL_CORPUS] if TOOL else []
    outputs += [SYNTHESIZER_DIR] if KD else []
    outputs += [TARGET_DIR] if TARGET else []
    outputs += [CONTROL_DIR] if CONTROL else []
    outputs += [pretrained_dir(name) for name in PRETRAINED]
    return outputs


def train_settings(section):
    """A run's Trainer settings: `synthesizer`, `target` (and its control arm) or
    `pretrain-<model>`."""
    source = (
        PRETRAINED[section.removeprefix("pretrain-")]
        if section.startswith("pretrain-")
        else config[section]
    )
    cfg = dict(source["train"])
    cfg.pop("nproc_per_node")
    return cfg


def train_nproc(section):
    if section.startswith("pretrain-"):
        return PRETRAINED[section.removeprefix("pretrain-")]["train"]["nproc_per_node"]
    return config[section]["train"]["nproc_per_node"]


def train_config_json(section):
    """The training settings the launcher needs, as one JSON argument."""
    return json.dumps(train_settings(section), sort_keys=True)


def train_dir(section, name=None):
    """Where a training run's artifacts live: results/synthesizer, results/train/<name> (the
    target or its control) or results/pretrain/<model>."""
    if section == "synthesizer":
        return "results/synthesizer"
    if section.startswith("pretrain-"):
        return f"results/pretrain/{section.removeprefix('pretrain-')}"
    return f"results/train/{name or TARGET_NAME}"


def zero3(section):
    return train_settings(section)["zero_stage"] == 3


def train_outputs(section, name=None):
    """The train rule's outputs: the HF model (ZeRO-2) or the sharded checkpoint that
    consolidate_zero3 turns into it (ZeRO-3), plus the end-of-stable checkpoint when the WSD
    schedule has one."""
    base = train_dir(section, name)
    main = f"{base}/zero3" if zero3(section) else f"{base}/model"
    outputs = {"model": directory(main), "manifest": manifest(main)}
    if TrainConfig.from_mapping(train_settings(section)).stable_end_step() is not None:
        outputs["stable"] = directory(f"{base}/stable")
    return outputs


def train_gpus(rule):
    """GPU and node resources of a train rule: SLURM's --gpus counts the whole job, so a
    multi-node job asks per node (--gres=gpu:N)."""
    gpu, nodes = res(rule, "gpu"), res(rule, "nodes")
    per_node = {"gres": f"gpu:{gpu}"} if gpu and nodes > 1 else {"gpu": gpu}
    return {**per_node, "nodes": nodes}


def stable_arg(output):
    return f"--stable {output.stable}" if "stable" in output.keys() else ""


TRAINED = [s for s, on in (("synthesizer", KD), ("target", TARGET)) if on]
ZERO3_DIRS = [train_dir(s) for s in TRAINED if zero3(s)]
ZERO3_DIRS += [train_dir("target", CONTROL_NAME)] if CONTROL and zero3("target") else []


# Inputs of the report's figures, by name (sources, corpora, packed sets, trained models): only
# the stages this config runs.
FIGURES = "results/report/figures"
REPORT_STATS = {
    "prompts": {
        **{s: f"results/prompts/{s}/stats.json" for s in SOURCES},
        **({"tool": "results/prompts/tool/stats.json"} if TOOL else {}),
    },
    "corpora": {
        **({"cot": "results/corpus/cot/stats.json"} if SOURCES else {}),
        **({"tool": "results/corpus/tool/stats.json"} if TOOL else {}),
    },
    "packed": {c: f"results/packed/{c}/packed.stats.json" for c in PACKED},
    "trained": {
        **{f"{name} (pre-training)": pretrained_dir(name) for name in PRETRAINED},
        **({"synthesizer": SYNTHESIZER_DIR} if KD else {}),
        **({TARGET_NAME: TARGET_DIR} if TARGET else {}),
        **({CONTROL_NAME: CONTROL_DIR} if CONTROL else {}),
    },
}


def report_item(path, caption, category, **labels):
    """An output shown in `snakemake --report`, with its caption from report/."""
    return report(
        path,
        caption=f"../report/{caption}.rst",
        category=category,
        labels=labels or None,
    )
