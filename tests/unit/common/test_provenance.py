"""`jiuzhang provenance`: manifests chained back to the raw files, checksums checked on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.cli import main
from jiuzhang.common.errors import DataError
from jiuzhang.common.manifest import manifest_path, write_manifest
from jiuzhang.common.provenance import CHANGED, OK, trace, walk


@pytest.fixture()
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """raw.jsonl -> prompts.jsonl (+ stats.json) -> model/ -> metrics.json (+ preds.jsonl)."""
    (tmp_path / "Snakefile").write_text("")
    monkeypatch.chdir(tmp_path)
    Path("raw").mkdir()
    Path("raw/shard.jsonl").write_text('{"text": "a"}\n')
    Path("results/model").mkdir(parents=True)
    Path("results/prompts.jsonl").write_text('{"prompt": "a"}\n')
    Path("results/stats.json").write_text("{}")
    write_manifest(
        "results/prompts.jsonl",
        inputs={"sources": ["raw/shard.jsonl"]},
        outputs=["results/stats.json"],
        params={"extract_size": 240},
        seed=42,
        counts={"rows": 1},
    )
    Path("results/model/weights.bin").write_bytes(b"\0" * 8)
    write_manifest("results/model", inputs={"data": "results/prompts.jsonl"}, seed=1)
    Path("results/metrics.json").write_text('{"accuracy": 1}')
    Path("results/preds.jsonl").write_text("{}\n")
    write_manifest(
        "results/metrics.json",
        inputs={"model": "results/model", "benchmark": "raw/shard.jsonl"},
        outputs=["results/preds.jsonl"],
    )
    return tmp_path


def test_manifest_carries_outputs_code_and_libraries(chain: Path) -> None:
    doc = json.loads(manifest_path("results/prompts.jsonl").read_text())
    assert set(doc["outputs"]) == {"results/stats.json"}
    assert len(doc["code_sha256"]) == 64 and doc["code_version"].startswith("0.")
    assert doc["libraries"]["python"] and doc["params"] == {"extract_size": 240}
    assert doc["seed"] == 42 and doc["counts"] == {"rows": 1}


def test_trace_reaches_the_raw_file_through_every_producer(chain: Path) -> None:
    root = trace("results/metrics.json")
    assert root.status == OK and root.manifest == "results/metrics.json.manifest.json"
    roles = {role: child for role, child in root.inputs}
    model = roles["model"]
    assert model.manifest == "results/model.manifest.json" and model.status == OK
    prompts = dict(model.inputs)["data"]
    assert prompts.document["seed"] == 42
    raw = dict(prompts.inputs)["sources"]
    assert raw.raw and raw.path == "raw/shard.jsonl" and raw.status == OK
    assert roles["benchmark"].raw


def test_sidecar_and_folder_files_find_their_producer(chain: Path) -> None:
    assert trace("results/stats.json").manifest == "results/prompts.jsonl.manifest.json"
    preds = trace("results/preds.jsonl")
    assert preds.manifest == "results/metrics.json.manifest.json" and preds.status == OK
    assert trace("results/model/weights.bin").manifest == "results/model.manifest.json"


def test_a_changed_raw_file_is_named_and_exits_1(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["provenance", "results/metrics.json"]) == 0
    out = capsys.readouterr().out
    assert "raw inputs (1):" in out and "raw/shard.jsonl" in out and "CHANGED" not in out
    Path("raw/shard.jsonl").write_text('{"text": "b"}\n')
    changed = {n.path for n in walk(trace("results/metrics.json")) if n.status == CHANGED}
    assert changed == {"raw/shard.jsonl"}
    assert main(["provenance", "results/metrics.json"]) == 1
    assert "raw/shard.jsonl  [" in capsys.readouterr().out


def test_json_output_nests_inputs(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["provenance", "--json", "--no-verify", "results/metrics.json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    model = next(i for i in tree["inputs"] if i["role"] == "model")
    assert model["inputs"][0]["inputs"][0] == {
        "role": "sources",
        "path": "raw/shard.jsonl",
        "sha256": tree["inputs"][0]["sha256"],  # the benchmark: the same raw file
        "status": "unchecked",
        "raw": True,
    }


def test_unknown_and_raw_targets_are_clear_errors(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(DataError, match="no such file"):
        trace("results/nope.json")
    with pytest.raises(DataError, match="raw/shard.jsonl: no manifest describes it"):
        trace("raw/shard.jsonl")
    assert main(["provenance", "raw/shard.jsonl"]) == 2
    assert "no manifest describes it" in capsys.readouterr().err
