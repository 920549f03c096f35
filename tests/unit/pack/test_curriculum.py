"""The two-phase curriculum (SPEC §3.1): seeded shuffles within phases, phase order kept through
packing, weights and caps, streaming inputs, bad input named."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.pack.curriculum import run_prepare_train_data
from jiuzhang.pack.packing import PackConfig, load_packed, packed_phases, run_pack
from jiuzhang.tiny.model import random_llama


def _write(path: Path, tag: str, n: int) -> Path:
    rows = "".join(
        json.dumps(
            {
                "input": f"## Question\n{tag} {i}?\n\n## Solution\n",
                "output": f"{tag}{i} " * (1 + i % 4),
            }
        )
        + "\n"
        for i in range(n)
    )
    path.write_bytes(gzip.compress(rows.encode()) if path.suffix == ".gz" else rows.encode())
    return path


@pytest.fixture()
def corpora(tmp_path: Path) -> dict[str, Path]:
    return {
        "cot": _write(tmp_path / "cot.jsonl", "cot", 40),
        "tool": _write(tmp_path / "tool.jsonl.gz", "tool", 30),
        "sft": _write(tmp_path / "sft.jsonl", "sft", 20),
    }


def _phases(c: dict[str, Path], **tool: object) -> list[dict]:
    return [
        {"name": "pretrain", "corpora": [
            {"name": "cot", "paths": [str(c["cot"])]},
            {"name": "tool", "paths": [str(c["tool"])], **tool},
        ]},
        {"name": "sft", "corpora": [{"name": "sft", "paths": [str(c["sft"])]}]},
    ]  # fmt: skip


def _run(tmp_path: Path, phases: list[dict], seed: int = 1, tag: str = "a") -> tuple[list, dict]:
    out, side = tmp_path / f"{tag}.jsonl", tmp_path / f"{tag}.phases.json"
    doc = run_prepare_train_data(phases, output=str(out), sidecar=str(side), seed=seed)
    assert json.loads(side.read_text()) == doc
    return [json.loads(x) for x in out.read_text().splitlines()], doc


def test_phases_keep_order_and_are_shuffled_within(tmp_path: Path, corpora) -> None:  # noqa: ANN001
    rows, doc = _run(tmp_path, _phases(corpora))
    assert [p["documents"] for p in doc["phases"]] == [[0, 70], [70, 90]]
    assert doc["phases"][0]["corpora"] == {"cot": 40, "tool": 30}
    assert {r["corpus"] for r in rows[:70]} == {"cot", "tool"}
    assert {r["corpus"] for r in rows[70:]} == {"sft"}  # the SFT block is last
    first = [r["input"] for r in rows[:70]]
    assert first != sorted(first, key=lambda s: (s.split()[2], int(s.split()[3][:-1])))  # mixed
    assert Counter(r["corpus"] for r in rows[:35]) != {"cot": 35}  # the corpora interleave
    again, _ = _run(tmp_path, _phases(corpora), tag="b")
    assert again == rows  # same seed, same order
    other, _ = _run(tmp_path, _phases(corpora), seed=2, tag="c")
    assert other != rows and sorted(map(json.dumps, other)) == sorted(map(json.dumps, rows))


def test_weights_and_caps(tmp_path: Path, corpora) -> None:  # noqa: ANN001
    rows, doc = _run(tmp_path, _phases(corpora, weight=2.0, max_rows=10))
    assert doc["phases"][0]["corpora"] == {"cot": 40, "tool": 20}  # 10 rows read, each twice
    tool = Counter(r["input"] for r in rows if r["corpus"] == "tool")
    assert set(tool.values()) == {2} and len(tool) == 10
    half, doc = _run(tmp_path, _phases(corpora, weight=0.5), tag="h")
    assert 5 < doc["phases"][0]["corpora"]["tool"] < 25  # about half of 30, chosen by the seed


def test_packing_keeps_phases_in_order(tmp_path: Path, corpora) -> None:  # noqa: ANN001
    _run(tmp_path, _phases(corpora))
    model = random_llama(tmp_path / "m", max_positions=512)
    out = tmp_path / "packed.safetensors"
    summary = run_pack(PackConfig(seq_len=512), corpus=str(tmp_path / "a.jsonl"),
                       tokenizer=str(model), output=str(out), stats=str(tmp_path / "s.json"),
                       phases=str(tmp_path / "a.phases.json"))  # fmt: skip
    phases = packed_phases(out)
    assert phases == summary["phases"] and [p["name"] for p in phases] == ["pretrain", "sft"]
    assert phases[0]["rows"][1] == phases[1]["rows"][0] and phases[1]["rows"][1] == summary["rows"]
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model)
    rows = load_packed(out)["input_ids"]
    split = phases[0]["rows"][1]
    text_first = tok.decode(rows[:split].flatten().tolist())
    text_last = tok.decode(rows[split:].flatten().tolist())
    assert "sft" not in text_first and "sft" in text_last
    assert "cot" in text_first and "cot" not in text_last
    # two tokenizer processes write the same bytes as one
    out2 = tmp_path / "packed2.safetensors"
    run_pack(PackConfig(seq_len=512, batch_size=7), corpus=str(tmp_path / "a.jsonl"),
             tokenizer=str(model), output=str(out2), stats=str(tmp_path / "s2.json"),
             phases=str(tmp_path / "a.phases.json"), workers=2)  # fmt: skip
    assert out2.read_bytes() == out.read_bytes()


def test_bad_inputs_are_named(tmp_path: Path, corpora) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"input": "a", "output": "b"}\n{"input": "a"}\n')
    phases = [{"name": "p", "corpora": [{"name": "x", "paths": [str(bad)]}]}]
    with pytest.raises(DataError, match=r"bad.jsonl:2: missing field 'output'"):
        _run(tmp_path, phases)
    assert not (tmp_path / "a.jsonl").exists()  # nothing half-written
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DataError, match="phase 'p': no rows in any of its corpora"):
        _run(tmp_path, [{"name": "p", "corpora": [{"name": "x", "paths": [str(empty)]}]}])
    missing = [{"name": "p", "corpora": [{"name": "x", "paths": [str(tmp_path / "nope.jsonl")]}]}]
    with pytest.raises(DataError, match="nope.jsonl: file not found"):
        _run(tmp_path, missing)
    model = random_llama(tmp_path / "m")
    _run(tmp_path, _phases(corpora))
    side = tmp_path / "a.phases.json"
    side.write_text(json.dumps({"phases": [{"name": "p", "documents": [0, 5]}]}))
    with pytest.raises(DataError, match="cover 5 rows but the corpus has 90"):
        run_pack(
            PackConfig(seq_len=128),
            corpus=str(tmp_path / "a.jsonl"),
            tokenizer=str(model),
            output=str(tmp_path / "o"),
            stats=str(tmp_path / "s"),
            phases=str(side),
        )
