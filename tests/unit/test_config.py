"""Every shipped config validates against the schema and passes the cross-key checks; the schema
fills defaults and rejects typos; envs/*.yaml and pyproject.toml pin the same versions."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from jiuzhang.common.errors import ConfigError
from jiuzhang.workflow import (
    check_config,
    check_corpus_fields,
    check_sections,
    check_targets,
    command_line_targets,
    data_inputs,
    download_of,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA = str(REPO / "config/schemas/config.schema.yaml")
CONFIGS = [
    REPO / "config/config.yaml",
    REPO / ".test/config/config.yaml",
    REPO / ".test/config/rehearsal.yaml",
    *sorted((REPO / "config/paper").glob("*.yaml")),
]


REPRODUCTIONS = ("llama3-8b", "mistral-7b", "mixtral-8x7b")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_shipped_configs_validate(path: Path) -> None:
    config = _load(path)
    raw = copy.deepcopy(config)
    validate(config, SCHEMA)
    check_sections(raw)
    check_config(config)
    assert config["prepare"]["templates"] == "prompts/cot"  # filled or given


def test_paper_configs_use_the_papers_zero_stages() -> None:
    trains = {p.stem: _load(p).get("target") for p in (REPO / "config/paper").glob("*.yaml")}
    stages = {name: t["train"]["zero_stage"] for name, t in trains.items() if t}
    assert stages == {"llama3-8b": 2, "mistral-7b": 2, "mixtral-8x7b": 3, "released-corpora": 2}
    for name in stages:
        train = trains[name]["train"]
        assert train["learning_rate"] == 1.0e-5 and train["stable_ratio"] == 0.85
        assert train["global_batch_size"] == 512


def test_defaults_are_filled() -> None:
    config = _load(REPO / ".test/config/config.yaml")
    validate(config, SCHEMA)
    assert config["resources"]["report_table"] == {
        "threads": 1,
        "mem_mb": 4000,
        "runtime": 60,
        "gpu": 0,
        "nodes": 1,
    }
    assert config["synthesis"]["sampling"]["repetition_penalty"] == 1.0
    assert "init" not in config["models"]["tiny"] or config["models"]["tiny"]["init"]["hidden_size"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["prepare"].update(n_shard=2), "n_shard"),
        (lambda c: c["target"]["train"].update(zero_stage=1), "zero_stage|1 is not one of"),
        (lambda c: c["synthesis"].update(backend={"name": "tgi"}), "tgi"),
        (lambda c: c["evaluation"]["benchmarks"].update(gsm9k="x.jsonl"), "gsm9k"),
        (lambda c: c["corpus"].update(min_rows=0), "min_rows|0 is less than"),
    ],
)
def test_schema_errors_name_the_key(mutate, message: str) -> None:  # noqa: ANN001
    config = copy.deepcopy(_load(REPO / ".test/config/config.yaml"))
    mutate(config)
    with pytest.raises(Exception, match=message):
        validate(config, SCHEMA)


def test_cross_key_errors_name_the_key() -> None:
    config = _load(REPO / ".test/config/config.yaml")
    validate(config, SCHEMA)
    config["evaluation"]["models"].append("ghost")
    with pytest.raises(ConfigError, match="evaluation.models: 'ghost'"):
        check_config(config)
    config = _load(REPO / ".test/config/config.yaml")
    validate(config, SCHEMA)
    config["target"]["train"]["global_batch_size"] = 12
    with pytest.raises(ConfigError, match="target.train.global_batch_size"):
        check_config(config)
    config = _load(REPO / "config/paper/mixtral-8x7b.yaml")
    validate(config, SCHEMA)
    config["evaluation"]["backend"]["options"]["tensor_parallel_size"] = 4
    with pytest.raises(ConfigError, match="evaluation.backend.options.tensor_parallel_size: 4"):
        check_config(config)


def test_eval_defaults_and_mixtral_on_two_gpus() -> None:
    config = _load(REPO / "config/config.yaml")
    validate(config, SCHEMA)
    evaluation = config["evaluation"]
    assert evaluation["shots"] == {"cot": 4} and evaluation["fewshot"] == "prompts/eval/fewshot"
    assert evaluation["tool"]["max_rounds"] == 4 and evaluation["tool"]["isolation"] == "auto"
    assert evaluation["tool"]["limits"]["wall_s"] == 10
    mixtral = _load(REPO / "config/paper/mixtral-8x7b.yaml")
    assert mixtral["evaluation"]["backend"]["options"]["tensor_parallel_size"] == 2
    assert mixtral["resources"]["eval_bench"]["gpu"] == 2


def _pins(text: str) -> dict[str, str]:
    return {
        m[1].lower().replace("_", "-"): m[2]
        for m in re.finditer(r"([A-Za-z0-9_.-]+)==([\w.]+)", text)
    }


def test_envs_pin_what_pyproject_pins() -> None:
    project = _pins((REPO / "pyproject.toml").read_text())
    for env in (REPO / "envs").glob("*.yaml"):
        for name, version in _pins(env.read_text()).items():
            if name in project:
                assert project[name] == version, f"{env.name}: {name}=={version} vs {project[name]}"


def test_paths_inside_a_download_depend_on_its_listing() -> None:
    downloads = {"mathpile": {"repo": "GAIR/MathPile"}, "mmiqc": {"repo": "Vivacem/MMIQC"}}
    paths = [
        "data/mathpile/train/textbooks/a.jsonl.gz",
        "data/mathpile/train/wikipedia/b.jsonl.gz",
        "./data/mmiqc",
        "data/mine/c.jsonl",  # not a download: read in place
        "resources/tiny/x.jsonl.gz",
    ]
    assert data_inputs(paths, downloads) == [
        "data/mathpile.download.json",
        "data/mmiqc.download.json",
        "data/mine/c.jsonl",
        "resources/tiny/x.jsonl.gz",
    ]
    assert download_of("data/mathpilex/a.jsonl", downloads) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"path": "a", "hub": "o/m"}, "exactly one of init, path or hub"),
        ({"path": "a", "revision": "v1"}, "only a `hub` model has one"),
    ],
)
def test_model_spec_kinds_are_checked(spec: dict, message: str) -> None:
    config = _load(REPO / ".test/config/config.yaml")
    config["models"]["tiny"] = spec
    validate(config, SCHEMA)
    with pytest.raises(ConfigError, match=message):
        check_config(config)


def test_download_spec_is_validated() -> None:
    config = _load(REPO / ".test/config/config.yaml")
    config["downloads"] = {"mathpile": {"repo": "GAIR/MathPile", "inclde": ["train/*"]}}
    with pytest.raises(Exception, match="inclde"):
        validate(config, SCHEMA)
    config["downloads"] = {"mathpile": {"repo": "GAIR/MathPile"}}
    validate(config, SCHEMA)
    assert config["downloads"]["mathpile"] == {
        "repo": "GAIR/MathPile",
        "repo_type": "dataset",
        "revision": "main",
        "include": [],
        "exclude": [],
    }


def _key_paths(node: object, prefix: str = "") -> set[str]:
    """Every key a config sets, as dotted paths (list items by index, model names as `*`)."""
    paths: set[str] = set()
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        name = "*" if prefix == "models" else str(key)
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(node, dict) or isinstance(value, (dict, list)):
            paths.add(path)
        paths |= _key_paths(value, path)
    return paths


@pytest.mark.parametrize(
    "paper", [REPO / f"config/paper/{n}.yaml" for n in REPRODUCTIONS], ids=lambda p: p.stem
)
def test_rehearsal_sets_every_key_a_paper_config_sets(paper: Path) -> None:
    """What CI rehearses (.test/config/rehearsal.yaml) cannot drift from what users run (the
    whole reproductions; the released-artifact entry points run in test_entry_points.py)."""
    rehearsal = _key_paths(_load(REPO / ".test/config/rehearsal.yaml"))
    missing = _key_paths(_load(paper)) - rehearsal
    assert not missing, f"{paper.name} sets keys the rehearsal does not: {sorted(missing)}"


def _checked(config: dict) -> dict:
    raw = copy.deepcopy(config)
    validate(config, SCHEMA)
    check_sections(raw)
    check_config(config)
    return config


EVAL_ONLY = {
    "models": {"m": {"path": "results/m"}},
    "evaluation": {"models": ["m"], "benchmarks": {"gsm8k": "x.jsonl"}},
}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"models": {"m": {"path": "p"}}}, r"config \(top level\): nothing to build"),
        (
            {**EVAL_ONLY, "evaluation": {"models": ["tuned"], "benchmarks": {"gsm8k": "x"}}},
            "evaluation.models: 'tuned' is neither a key of `models` nor a trained model "
            r"\(the config has no `target`\)",
        ),
        (
            {**EVAL_ONLY, "sources": {"s": {"builder": "wiki", "paths": ["a"]}}},
            "config sources: synthesis needs a `synthesizer` section",
        ),
        (
            {**EVAL_ONLY, "synthesizer": {"model": "m", "kd_set": "k.jsonl"}},
            r"synthesizer: `model` names a ready synthesis model, so the KD recipe keys "
            r"\['kd_set'\]",
        ),
        (
            {**EVAL_ONLY, "synthesizer": {"base": "m"}},
            "config synthesizer: give `model`",
        ),
        (
            {**EVAL_ONLY, "synthesizer": {"model": "m"}},
            "config synthesizer.model: nothing to synthesize with it",
        ),
        (
            {**EVAL_ONLY, "target": {"base": "m", "name": "t"}},
            "config target.data: no corpora listed, which means the synthesized corpus",
        ),
        (
            {
                **EVAL_ONLY,
                "sources": {"s": {"builder": "wiki", "paths": ["a"]}},
                "synthesizer": {"model": "ghost"},
            },
            "config synthesizer.model: 'ghost' is not a key of `models`",
        ),
        (
            {"models": {"m": {"path": "p", "paper": "JiuZhang3.0-9B"}}, **{
                k: v for k, v in EVAL_ONLY.items() if k != "models"}},
            r"models.m.paper: 'JiuZhang3.0-9B' is not a row of the paper's table \(GPT-4, ",
        ),
    ],
    ids=["empty", "no_target", "no_synthesizer", "both", "half_recipe", "idle_synthesizer",
         "no_corpora", "ghost_synthesizer", "paper_row"],
)  # fmt: skip
def test_each_section_is_optional_but_a_needed_one_is_named(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _checked(copy.deepcopy(config))


def test_entry_point_configs_pass_and_fill_only_their_sections() -> None:
    config = _checked(copy.deepcopy(EVAL_ONLY))
    assert "target" not in config and "synthesizer" not in config and "sources" not in config
    synth = _checked({
        "models": {"s": {"hub": "o/s"}},
        "sources": {"w": {"builder": "wiki", "paths": ["a"]}},
        "synthesizer": {"model": "s"},
    })  # fmt: skip
    assert synth["synthesizer"] == {"model": "s"} and "evaluation" not in synth
    train = _checked({
        "models": {"b": {"hub": "o/b"}},
        "target": {"base": "b", "name": "t", "data": [
            {"name": "pt", "corpora": [{"name": "c", "paths": ["results/c.jsonl"]}]}]},
    })  # fmt: skip
    assert train["target"]["train"]["zero_stage"] == 2


def test_targets_are_read_from_the_snakemake_command_line() -> None:
    argv = ["/x/bin/snakemake", "--profile", "p", "all_eval", "-n", "--configfile", "c.yaml"]
    assert command_line_targets(argv) == ["all_eval"]
    assert command_line_targets(["/x/snakemake/__main__.py", "all_corpus", "-c1"]) == ["all_corpus"]
    assert command_line_targets(["/x/bin/pytest", "all_corpus"]) == []


def test_a_requested_target_names_the_section_it_needs() -> None:
    check_targets(EVAL_ONLY, ["all_eval", "results/report/table.md"])
    with pytest.raises(ConfigError, match="config sources: the target all_corpus needs"):
        check_targets(EVAL_ONLY, ["all_corpus"])
    with pytest.raises(ConfigError, match="config synthesizer: the target all_models needs"):
        check_targets(EVAL_ONLY, ["all_models"])


def test_a_given_corpus_without_its_fields_is_named_at_parse_time(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text('{"input": "q", "output": "a"}\n')
    bad.write_text('{"question": "q", "answer": "a"}\n')
    corpora = [{"name": "g", "paths": [str(good)]}, {"name": "b", "paths": [str(bad)]}]
    config = _checked({
        "models": {"b": {"hub": "o/b"}},
        "target": {"base": "b", "name": "t", "data": [{"name": "pt", "corpora": corpora}]},
    })  # fmt: skip
    with pytest.raises(
        ConfigError, match=rf"target.data.0.corpora.1.paths: {bad}:1: missing field 'input'"
    ):
        check_corpus_fields(config)
    config["target"]["data"][0]["corpora"][1]["input_field"] = "question"
    config["target"]["data"][0]["corpora"][1]["output_field"] = "answer"
    check_corpus_fields(config)
    config["target"]["data"][0]["corpora"][0]["paths"] = [str(tmp_path / "none.jsonl")]
    with pytest.raises(ConfigError, match="corpora.0.paths: .*none.jsonl: file not found"):
        check_corpus_fields(config)
