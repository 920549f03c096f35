"""Every file of tests/data/bad fails with the one-line message its README promises, read the way
the workflow reads it (no Snakemake run: tests/integration/test_bad_inputs.py runs the rules)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import update_config, validate

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.evaluation.benchmarks import load_benchmark
from jiuzhang.prepare.builders import REGISTRY
from jiuzhang.prepare.sources import iter_records
from jiuzhang.workflow import check_config, check_model_paths, config_error

REPO = Path(__file__).resolve().parents[2]
BAD = "tests/data/bad"
BASE = ".test/config/config.yaml"
SCHEMA = str(REPO / "config/schemas/config.schema.yaml")

SOURCE_MESSAGES = {
    "truncated.jsonl.gz": f"{BAD}/source/truncated.jsonl.gz:3: truncated file (Compressed file "
    "ended before the end-of-stream marker was reached)",
    "invalid_json.jsonl": f"{BAD}/source/invalid_json.jsonl:3: invalid JSON "
    "(Expecting ',' delimiter)",
    "wrong_type.jsonl": f"{BAD}/source/wrong_type.jsonl:2: field 'text' must be a string, got int",
    "empty.jsonl": f"{BAD}/source/empty.jsonl: empty file (0 documents)",
}
BENCH_MESSAGES = {
    "math_invalid_json.jsonl": f"{BAD}/bench/math_invalid_json.jsonl:2: invalid JSON "
    "(Expecting ',' delimiter)",
    "math_wrong_type.jsonl": f"{BAD}/bench/math_wrong_type.jsonl:2: field 'problem' must be a "
    "string, got int",
    "math_empty.jsonl": f"{BAD}/bench/math_empty.jsonl: no rows (empty benchmark file)",
}
KNOWN = "gsm8k, math, math-oai, svamp, asdiv, mawps, carp_en"
CONFIG_MESSAGES = {
    "negative_n_shards.yaml": "prepare.n_shards: -1 is less than the minimum of 1",
    "zero_seq_len.yaml": "target.pack.seq_len: 0 is less than the minimum of 16",
    "negative_temperature.yaml": "synthesis.sampling.temperature: -0.5 is less than the minimum "
    "of 0",
    "wrong_type.yaml": "evaluation.limit: 'all' is not of type 'integer'",
    "backend_option_typo.yaml": "synthesis.backend.options: unknown key 'tensor_paralel_size' "
    "(known: tensor_parallel_size, dtype, gpu_memory_utilization, kv_cache_gb, max_model_len, "
    "max_num_seqs, enforce_eager, batch_size)",
    "backend_option_of_another.yaml": "evaluation.backend.options: unknown key 'device' (known: "
    "base_url, api, api_key, api_key_env, concurrency, max_retries, backoff_s, timeout_s, "
    "requests_per_minute, tokens_per_minute, price_per_1k_prompt, price_per_1k_completion, "
    "extra_body, batch_size)",
    "unknown_benchmark.yaml": f"evaluation.benchmarks: unknown key 'gsm9k' (known: {KNOWN})",
    "missing_model.yaml": f"models.ghost.path: '{BAD}/model/does_not_exist' does not exist",
    "no_weights_model.yaml": f"models.hollow.path: '{BAD}/model/no_weights' holds no weights "
    "(*.safetensors or *.bin files)",
}


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the configs' paths are relative to the working directory


@pytest.mark.parametrize("name", sorted(SOURCE_MESSAGES))
def test_bad_source_files(name: str) -> None:
    spec = REGISTRY["textbook"].spec
    with pytest.raises(DataError) as info:
        list(iter_records([f"{BAD}/source/{name}"], spec))
    assert str(info.value) == SOURCE_MESSAGES[name]


@pytest.mark.parametrize("name", sorted(BENCH_MESSAGES))
def test_bad_benchmark_files(name: str) -> None:
    with pytest.raises(DataError) as info:
        load_benchmark("math", f"{BAD}/bench/{name}")
    assert str(info.value) == BENCH_MESSAGES[name]
    assert len(load_benchmark("math", f"{BAD}/bench/math_ok.jsonl")) == 2  # the control loads


def _config_failure(*files: str) -> str:
    """What rules/common.smk raises for the merged `files` (as `--configfile` merges them)."""
    config: dict = {}
    for path in files:
        update_config(config, yaml.safe_load(Path(path).read_text()))
    try:
        validate(config, SCHEMA)
        check_config(config)
        check_model_paths(config)
    except (WorkflowError, ConfigError) as exc:
        error = config_error(exc, files)
        assert error is not None, exc
        return str(error)
    raise AssertionError(f"{files} passed the config checks")


@pytest.mark.parametrize("name", sorted(CONFIG_MESSAGES))
def test_bad_config_overlays(name: str) -> None:
    overlay = f"{BAD}/config/{name}"
    assert _config_failure(BASE, overlay) == f"config {overlay}: {CONFIG_MESSAGES[name]}"


def test_config_error_names_the_file_that_sets_the_key(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text((REPO / BASE).read_text().replace("base: tiny\n", "base: tiny-missing\n"))
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("prepare: {n_shards: 3}\n")
    message = _config_failure(str(base), str(overlay))
    assert message.startswith(f"config {base}: target.base: 'tiny-missing' is not a key")
    base.write_text((REPO / BASE).read_text())
    overlay.write_text("target: {train: {global_batch_size: 12}}\n")  # overrides the base's 8
    message = _config_failure(str(base), str(overlay))
    assert message.startswith(f"config {overlay}: target.train.global_batch_size: 12 is not")
    overlay.write_text("colour: blue\n")  # a top-level error: no key to look up
    message = _config_failure(str(base), str(overlay))
    assert message.startswith(
        f"config {base} + {overlay}: (top level): unknown key 'colour' (known: seed, downloads, "
    )


def test_truncated_gzip_is_a_cut_stream_of_good_records() -> None:
    data = (REPO / BAD / "source/truncated.jsonl.gz").read_bytes()
    with pytest.raises(EOFError):
        gzip.decompress(data)
    with gzip.open(REPO / BAD / "source/truncated.jsonl.gz", "rt") as handle:
        assert [json.loads(handle.readline())["subset"] for _ in range(2)] == ["notes", "notes"]


def test_readme_lists_every_message() -> None:
    readme = (REPO / BAD / "README.md").read_text()
    for message in (*SOURCE_MESSAGES.values(), *BENCH_MESSAGES.values()):
        assert message in readme, message
    for name, message in CONFIG_MESSAGES.items():
        assert f"config {BAD}/config/{name}: {message}" in readme, message
