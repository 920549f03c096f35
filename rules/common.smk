# Config validation, derived tables, wildcard constraints and input functions.
import json

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from jiuzhang.common.errors import ConfigError
from jiuzhang.workflow import check_config, check_model_paths, config_error

# A bad config fails here as one line naming the config file and key (no schema dump).
try:
    validate(config, schema="../config/schemas/config.schema.yaml")
    check_config(config)
    check_model_paths(config)
except (WorkflowError, ConfigError) as exc:
    error = config_error(exc, workflow.configfiles)
    if error is None:
        raise
    raise error from None

from jiuzhang.evaluation.prompting import DEMO_FAMILY
from jiuzhang.prepare.templates import LEVELS
from jiuzhang.train.trainer import TrainConfig
from jiuzhang.workflow import data_inputs, download_folder, download_listing

DOWNLOADS = config["downloads"]
SOURCES = sorted(config["sources"])
SHARDS = [f"{i:05d}" for i in range(config["prepare"]["n_shards"])]
BASE_MODELS = config["models"]
TARGET_NAME = config["target"]["name"]
EVAL_MODELS = config["evaluation"]["models"]
PTYPES = config["evaluation"]["prompt_types"]
BENCHES = list(config["evaluation"]["benchmarks"])

TOKENIZER_DIR = "results/models/tokenizer"
SYNTHESIZER_DIR = "results/synthesizer/model"
TARGET_DIR = f"results/train/{TARGET_NAME}/model"
CORPUS = "results/corpus/cot/corpus.jsonl"
TOOL = config.get("tool_synthesis")  # None: no tool branch
TOOL_SHARDS = [f"{i:05d}" for i in range(TOOL["n_shards"])] if TOOL else []
TOOL_CORPUS = "results/corpus/tool/corpus.jsonl"
TRAIN_DATA = "results/train_data/train.jsonl"
TRAIN_PHASES = "results/train_data/phases.json"
TABLE_MD = "results/report/table.md"
TABLE_CSV = "results/report/table.csv"
TABLE_SVG = "results/report/table.svg"


wildcard_constraints:
    source="|".join(SOURCES),
    shard=r"\d{5}",
    tshard=r"\d{5}",
    model="|".join(sorted(set(BASE_MODELS) | set(EVAL_MODELS))),
    ptype="|".join(PTYPES),
    bench="|".join(BENCHES),
    corpus="kd|train",


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
    """Folder of a base or trained model by name, as a path some rule produces or the user gave."""
    if name == TARGET_NAME:
        return TARGET_DIR
    spec = BASE_MODELS[name]
    if "init" in spec:
        return f"results/models/{name}"
    if "hub" in spec:
        return f"resources/hub/{name}"
    return spec["path"]


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


def train_phases():
    """The target's curriculum (target.data), or by default one pre-training phase of the
    synthesized corpora: CoT, plus the verified tool corpus when the tool branch is on."""
    if config["target"]["data"]:
        return config["target"]["data"]
    corpora = [{"name": "cot", "paths": [CORPUS]}]
    if TOOL:
        corpora.append({"name": "tool", "paths": [TOOL_CORPUS]})
    return [{"name": "pretrain", "corpora": corpora}]


def train_data_inputs():
    return data([p for phase in train_phases() for c in phase["corpora"] for p in c["paths"]])


def get_pack_inputs(wildcards):
    if wildcards.corpus == "kd":
        return {
            "corpus": data(config["synthesizer"]["kd_set"]),
            "model": model_dir(config["synthesizer"]["base"]),
        }
    return {
        "corpus": TRAIN_DATA,
        "phases": TRAIN_PHASES,
        "model": model_dir(config["target"]["base"]),
    }


def get_pack_corpus(wildcards):
    """The corpus file a pack job reads (its input may be a download listing instead)."""
    return config["synthesizer"]["kd_set"] if wildcards.corpus == "kd" else TRAIN_DATA


def get_pack_phases(wildcards):
    """The curriculum sidecar of the target's training data (none for the KD set)."""
    return None if wildcards.corpus == "kd" else TRAIN_PHASES


def get_pack_params(wildcards):
    section = "synthesizer" if wildcards.corpus == "kd" else "target"
    fields = ("prompt", "completion") if wildcards.corpus == "kd" else ("input", "output")
    return {**config[section]["pack"], "input_field": fields[0], "output_field": fields[1]}


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
    return {**config["evaluation"]["benchmarks"], **config["corpus"]["decontam_benchmarks"]}


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


def get_final_outputs():
    # The tool corpus is built when configured; training on it comes with the curriculum mix.
    return [TABLE_MD, TABLE_CSV, TABLE_SVG, *([TOOL_CORPUS] if TOOL else [])]


def train_settings(section):
    cfg = dict(config[section]["train"])
    cfg.pop("nproc_per_node")
    return cfg


def train_config_json(section):
    """The training settings the launcher needs, as one JSON argument."""
    return json.dumps(train_settings(section), sort_keys=True)


def train_dir(section):
    """Where a training run's artifacts live: results/synthesizer or results/train/<name>."""
    return "results/synthesizer" if section == "synthesizer" else f"results/train/{TARGET_NAME}"


def zero3(section):
    return config[section]["train"]["zero_stage"] == 3


def train_outputs(section):
    """The train rule's outputs: the HF model (ZeRO-2) or the sharded checkpoint that
    consolidate_zero3 turns into it (ZeRO-3), plus the end-of-stable checkpoint when the WSD
    schedule has one."""
    base = train_dir(section)
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


ZERO3_DIRS = [train_dir(s) for s in ("synthesizer", "target") if zero3(s)]


# Inputs of the report's figures, by name (sources, corpora, packed sets, trained models).
FIGURES = "results/report/figures"
REPORT_STATS = {
    "prompts": {
        **{s: f"results/prompts/{s}/stats.json" for s in SOURCES},
        **({"tool": "results/prompts/tool/stats.json"} if TOOL else {}),
    },
    "corpora": {
        "cot": "results/corpus/cot/stats.json",
        **({"tool": "results/corpus/tool/stats.json"} if TOOL else {}),
    },
    "packed": {c: f"results/packed/{c}/packed.stats.json" for c in ("kd", "train")},
    "trained": {"synthesizer": SYNTHESIZER_DIR, TARGET_NAME: TARGET_DIR},
}


def report_item(path, caption, category, **labels):
    """An output shown in `snakemake --report`, with its caption from report/."""
    return report(
        path,
        caption=f"../report/{caption}.rst",
        category=category,
        labels=labels or None,
    )
