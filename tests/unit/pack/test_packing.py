"""Tokenization with loss masks, packing and curriculum phases (SPEC App. C.2-C.3, §3.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.pack.binpack import best_fit_decreasing, improve_bins, next_fit, pack_lengths
from jiuzhang.pack.packing import (
    IGNORE,
    PackConfig,
    load_packed,
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
    [[doc]] = tokenize_pairs(tokenizer, [(inp, out)], max_len=100)
    n_input = len(tokenizer(inp)["input_ids"])  # BOS + input tokens
    assert doc.input_ids[0] == tokenizer.bos_token_id
    assert doc.input_ids[-1] == tokenizer.eos_token_id and not doc.truncated
    assert doc.labels[:n_input] == [IGNORE] * n_input
    assert doc.labels[n_input:] == doc.input_ids[n_input:]
    decoded = tokenizer.decode(doc.input_ids[n_input:-1])
    assert decoded == out


def test_truncated_document_gets_no_eos(tokenizer) -> None:  # noqa: ANN001
    [[doc]] = tokenize_pairs(tokenizer, [("Q: ", "nine " * 50)], max_len=16)
    assert doc.truncated and len(doc.input_ids) == 16
    assert tokenizer.eos_token_id not in doc.input_ids


def test_split_keeps_every_token_of_a_long_document(tokenizer) -> None:  # noqa: ANN001
    text = "one two three four five six seven eight nine ten " * 6
    [[whole]] = tokenize_pairs(tokenizer, [("", text)], max_len=1000)
    [pieces] = tokenize_pairs(tokenizer, [("", text)], max_len=16, split=True)
    assert len(pieces) == -(-len(whole.input_ids) // 16) > 1
    assert all(len(p.input_ids) == 16 for p in pieces[:-1]) and not any(p.truncated for p in pieces)
    assert [t for p in pieces for t in p.input_ids] == whole.input_ids  # nothing lost, one EOS
    assert [p.input_ids[-1] == tokenizer.eos_token_id for p in pieces][-1]
    for piece in pieces:  # each piece's first token is context, never a label
        assert piece.labels[0] == IGNORE and piece.labels[1:] == piece.input_ids[1:]
    [[short]] = tokenize_pairs(tokenizer, [("", "nine")], max_len=16, split=True)
    assert short.input_ids[-1] == tokenizer.eos_token_id


def test_best_fit_decreasing_places_every_item_once_within_capacity() -> None:
    lengths = [7, 3, 5, 5, 2, 8, 1, 4, 6, 9]
    bins = best_fit_decreasing(lengths, 10)
    assert sorted(i for b in bins for i in b) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in b) <= 10 for b in bins)
    assert len(bins) == 5  # 50 units in bins of 10: optimal here
    with pytest.raises(ValueError, match="exceeds capacity"):
        best_fit_decreasing([11], 10)


def test_local_search_beats_best_fit_decreasing_where_it_is_not_optimal() -> None:
    lengths = [5, 4, 3, 3, 3, 2]  # BFD: 5+4 | 3+3+3 | 2 ; optimal: 5+3+2 | 4+3+3
    assert len(best_fit_decreasing(lengths, 10)) == 3
    bins = improve_bins(best_fit_decreasing(lengths, 10), lengths, 10)
    assert len(bins) == 2 and sorted(i for b in bins for i in b) == list(range(6))
    assert all(sum(lengths[i] for i in b) == 10 for b in bins)


def test_pack_lengths_places_every_item_once_in_any_chunking() -> None:
    import random

    rng = random.Random(0)
    lengths = [rng.randint(1, 64) for _ in range(700)]
    one = pack_lengths(lengths, 64, chunk_docs=700)
    chunked = pack_lengths(lengths, 64, chunk_docs=100, workers=2)
    for bins in (one, chunked):
        assert sorted(i for b in bins for i in b) == list(range(700))
        assert all(sum(lengths[i] for i in b) <= 64 for b in bins)
    assert len(one) <= len(best_fit_decreasing(lengths, 64))
    per_chunk = sum(len(best_fit_decreasing(lengths[s : s + 100], 64)) for s in range(0, 700, 100))
    assert len(chunked) <= per_chunk
    assert pack_lengths(lengths, 64, chunk_docs=100, workers=2) == pack_lengths(
        lengths, 64, chunk_docs=100
    )  # parallel chunks change nothing
    assert len(next_fit(lengths, 64)) > len(one)  # the original's order-preserving packer


def _corpus(path: Path, n: int, tag: str = "q") -> Path:
    path.write_text(
        "".join(
            json.dumps(
                {"input": f"## Question\n{tag}{i}\n\n## Solution\n", "output": "nine " * (i % 5)}
            )
            + "\n"
            for i in range(n)
        )
    )
    return path


def test_packed_rows_keep_documents_apart(tmp_path: Path, tokenizer) -> None:  # noqa: ANN001
    tok_dir = tmp_path / "tok"
    tokenizer.save_pretrained(tok_dir)
    corpus = _corpus(tmp_path / "c.jsonl", 12)
    out = tmp_path / "p.safetensors"
    run_pack(PackConfig(seq_len=64), corpus=str(corpus), tokenizer=str(tok_dir), output=str(out),
             stats=str(tmp_path / "s.json"))  # fmt: skip
    rows = load_packed(out)
    docs = [
        doc
        for pieces in tokenize_pairs(
            tokenizer,
            [
                (json.loads(x)["input"], json.loads(x)["output"])
                for x in corpus.read_text().splitlines()
            ],
            64,
        )
        for doc in pieces
    ]
    seen = []
    for r in range(rows["input_ids"].shape[0]):
        seg, pos = rows["segment_ids"][r].tolist(), rows["position_ids"][r].tolist()
        ids, labels = rows["input_ids"][r].tolist(), rows["labels"][r].tolist()
        for k in range(1, max(seg) + 1):
            span = [i for i, s in enumerate(seg) if s == k]
            assert span == list(range(span[0], span[-1] + 1))
            assert [pos[i] for i in span] == list(range(len(span)))
            assert labels[span[0]] == IGNORE  # never predicted across a boundary
            seen.append(([ids[i] for i in span], [labels[i] for i in span]))
        assert all(labels[i] == IGNORE for i, s in enumerate(seg) if s == 0)
    assert sorted(seen) == sorted((d.input_ids, d.labels) for d in docs)  # each doc exactly once


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


def test_heldout_rows_stay_out_of_training_whole(tmp_path: Path, tokenizer) -> None:  # noqa: ANN001
    tok_dir = tmp_path / "tok"
    tokenizer.save_pretrained(tok_dir)
    corpus = tmp_path / "raw.jsonl"  # raw text: empty input; long rows are split in pieces
    texts = [f"doc{i} " + "one two three four five six " * (1 + i % 7) for i in range(40)]
    corpus.write_text("".join(json.dumps({"input": "", "output": t}) + "\n" for t in texts))
    cfg = PackConfig(seq_len=32, long_documents="split", heldout=0.1)
    paths = {k: tmp_path / f"{k}.safetensors" for k in ("train", "held")}
    summary = run_pack(cfg, corpus=str(corpus), tokenizer=str(tok_dir),
                       output=str(paths["train"]), stats=str(tmp_path / "s.json"),
                       heldout_output=str(paths["held"]))  # fmt: skip
    assert summary["heldout"]["documents"] == 4 and summary["documents"] == 36
    assert summary["split_documents"] > 0 and summary["truncated"] == 0

    def documents(path: Path) -> list[tuple[int, ...]]:
        rows = load_packed(path)
        out = []
        for ids, seg in zip(rows["input_ids"].tolist(), rows["segment_ids"].tolist(), strict=True):
            for k in range(1, max(seg) + 1):
                out.append(tuple(t for t, s in zip(ids, seg, strict=True) if s == k))
        return out

    pieces = [p for row in tokenize_pairs(tokenizer, [("", t) for t in texts], 32, split=True)
              for p in row]  # fmt: skip
    train, held = documents(paths["train"]), documents(paths["held"])
    assert sorted(train + held) == sorted(tuple(p.input_ids) for p in pieces)  # each once
    held_docs = {
        tokenizer.decode(list(d)).split()[0] for d in held if d[0] == pieces[0].input_ids[0]
    }
    assert len(held_docs) == 4  # 4 whole rows: every piece of a held-out row is held out
    assert not any(tokenizer.decode(list(d)).split()[0] in held_docs for d in train
                   if d[0] == pieces[0].input_ids[0])  # fmt: skip
    again = run_pack(cfg, corpus=str(corpus), tokenizer=str(tok_dir),
                     output=str(tmp_path / "t2"), stats=str(tmp_path / "s2.json"),
                     heldout_output=str(tmp_path / "h2"))  # fmt: skip
    assert again == summary and (tmp_path / "h2").read_bytes() == paths["held"].read_bytes()
    with pytest.raises(ConfigError, match="needs a file"):
        run_pack(cfg, corpus=str(corpus), tokenizer=str(tok_dir), output=str(tmp_path / "o"),
                 stats=str(tmp_path / "s3"))  # fmt: skip


def test_heldout_rows_are_taken_per_phase_and_never_empty_one(tmp_path: Path, tokenizer) -> None:  # noqa: ANN001
    tok_dir = tmp_path / "tok"
    tokenizer.save_pretrained(tok_dir)
    corpus = _corpus(tmp_path / "c.jsonl", 41)
    phases = tmp_path / "phases.json"  # 40 pre-training rows, then a 1-row SFT phase
    phases.write_text(json.dumps({"phases": [{"name": "pt", "documents": [0, 40]},
                                             {"name": "sft", "documents": [40, 41]}]}))  # fmt: skip
    summary = run_pack(PackConfig(seq_len=64, heldout=0.1), corpus=str(corpus),
                       tokenizer=str(tok_dir), output=str(tmp_path / "p"),
                       stats=str(tmp_path / "s.json"), phases=str(phases),
                       heldout_output=str(tmp_path / "h"))  # fmt: skip
    assert summary["heldout"]["documents"] == 4  # 10 % of the first phase, none of the second
    assert [p["name"] for p in summary["phases"]] == ["pt", "sft"]
    assert summary["phases"][1]["rows"][1] - summary["phases"][1]["rows"][0] == 1
