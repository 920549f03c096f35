"""Tokenization with loss masks and best-fit-decreasing packing (SPEC App. C.2-C.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.pack.packing import (
    IGNORE,
    PackConfig,
    best_fit_decreasing,
    load_packed,
    pack_documents,
    run_pack,
    tokenize_pairs,
)
from jiuzhang.train.model_init import train_tokenizer

TEXTS = [
    "## Question\nMia has 7 pencils. She gets 2 more.\n\n## Solution\nWe compute 7 + 2 = 9.",
    "The answer is 9. Counting on from seven: eight, nine.",
] * 20


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - HF tokenizer
    from transformers import AutoTokenizer

    folder = tmp_path_factory.mktemp("tok") / "tokenizer"
    train_tokenizer(TEXTS, 320, folder)
    return AutoTokenizer.from_pretrained(folder)


def test_labels_mask_exactly_the_input(tokenizer) -> None:  # noqa: ANN001
    inp, out = "## Question\nMia has 7 pencils.\n\n## Solution\n", "We compute 7 + 2 = 9."
    [doc] = tokenize_pairs(tokenizer, [(inp, out)], max_len=100)
    n_input = len(tokenizer(inp)["input_ids"])  # BOS + input tokens
    assert doc.input_ids[0] == tokenizer.bos_token_id
    assert doc.input_ids[-1] == tokenizer.eos_token_id and not doc.truncated
    assert doc.labels[:n_input] == [IGNORE] * n_input
    assert doc.labels[n_input:] == doc.input_ids[n_input:]
    decoded = tokenizer.decode(doc.input_ids[n_input:-1])
    assert decoded == out


def test_truncated_document_gets_no_eos(tokenizer) -> None:  # noqa: ANN001
    [doc] = tokenize_pairs(tokenizer, [("Q: ", "nine " * 50)], max_len=16)
    assert doc.truncated and len(doc.input_ids) == 16
    assert tokenizer.eos_token_id not in doc.input_ids


def test_best_fit_decreasing_places_every_item_once_within_capacity() -> None:
    lengths = [7, 3, 5, 5, 2, 8, 1, 4, 6, 9]
    bins = best_fit_decreasing(lengths, 10)
    assert sorted(i for b in bins for i in b) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in b) <= 10 for b in bins)
    assert len(bins) == 5  # 50 units in bins of 10: optimal here
    with pytest.raises(ValueError, match="exceeds capacity"):
        best_fit_decreasing([11], 10)


def test_packed_rows_keep_documents_apart(tokenizer) -> None:  # noqa: ANN001
    pairs = [("Q1 ", "seven"), ("Q2 longer question ", "nine nine"), ("Q3 ", "two")]
    docs = tokenize_pairs(tokenizer, pairs, max_len=64)
    rows = pack_documents(docs, seq_len=64, pad_id=tokenizer.pad_token_id, seed=0)
    assert len(rows["input_ids"]) == 1
    seg, pos, labels = rows["segment_ids"][0], rows["position_ids"][0], rows["labels"][0]
    for k, doc in enumerate(docs, start=1):
        span = [i for i, s in enumerate(seg) if s == k]
        assert pos[span[0]] == 0 and pos[span[-1]] == len(doc.input_ids) - 1
        assert labels[span[0]] == IGNORE  # never predicted across a boundary
    pad = [i for i, s in enumerate(seg) if s == 0]
    assert all(labels[i] == IGNORE for i in pad)


def test_run_pack_writes_tensors_stats_and_manifest(tmp_path: Path, tokenizer) -> None:  # noqa: ANN001
    tok_dir = tmp_path / "tok"
    tokenizer.save_pretrained(tok_dir)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"input": f"## Question\nq{i}\n\n## Solution\n", "output": "nine"}) + "\n"
            for i in range(30)
        )
    )
    out, stats = tmp_path / "p.safetensors", tmp_path / "p.stats.json"
    summary = run_pack(
        PackConfig(seq_len=64),
        corpus=str(corpus),
        tokenizer=str(tok_dir),
        output=str(out),
        stats=str(stats),
    )
    tensors = load_packed(out)
    assert set(tensors) == {"input_ids", "labels", "position_ids", "segment_ids"}
    assert tensors["input_ids"].shape == (summary["rows"], 64)
    assert summary["documents"] == 30 and summary["rows"] >= summary["lower_bound_rows"]
    assert json.loads(stats.read_text()) == summary
    assert (tmp_path / "p.safetensors.manifest.json").is_file()
    first = out.read_bytes()
    run_pack(
        PackConfig(seq_len=64),
        corpus=str(corpus),
        tokenizer=str(tok_dir),
        output=str(out),
        stats=str(stats),
    )
    assert out.read_bytes() == first  # deterministic


def test_bad_corpus_rows_are_named(tmp_path: Path, tokenizer) -> None:  # noqa: ANN001
    tok_dir = tmp_path / "tok"
    tokenizer.save_pretrained(tok_dir)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"input": "a", "output": "b"}\n{"input": "a", "output": 3}\n')
    with pytest.raises(DataError, match=r"c.jsonl:2: fields"):
        run_pack(
            PackConfig(seq_len=64),
            corpus=str(corpus),
            tokenizer=str(tok_dir),
            output=str(tmp_path / "o"),
            stats=str(tmp_path / "s"),
        )
