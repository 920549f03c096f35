"""No attention across documents (SPEC §6.15, App. C.3): the loss of a packed row equals the
token-weighted loss of its documents run alone, and editing one document leaves the others'
logits unchanged -- for every attention path that runs on CPU; the flattened flash-attn batch is
checked for exact document boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from jiuzhang.pack.packing import IGNORE, PackConfig, run_pack
from jiuzhang.tiny.model import random_llama
from jiuzhang.train.data import FlattenCollator, MaskCollator, PackedDataset, collator_for

PROBLEMS = [
    ("## Question\nMia has 7 pencils.\n\n## Solution\n", "We compute 7 + 2 = 9."),
    (
        "## Question\nA box holds 12.\n\n## Solution\n",
        "Half is 6, so 6 + 6 = 12. The answer is 12.",
    ),
    ("## Question\nWhat is 3 + 4?\n\n## Solution\n", "3 + 4 = 7."),
    ("## Question\nTom reads 5 pages a day for 3 days.\n\n## Solution\n", "5 x 3 = 15 pages."),
    ("## Question\n9 - 2?\n\n## Solution\n", "9 - 2 = 7. The answer is 7."),
]


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], Path]:
    root = tmp_path_factory.mktemp("iso")
    model = random_llama(root / "m", tied=False, max_positions=256)
    corpus = root / "corpus.jsonl"
    rows = [{"input": q, "output": a} for q, a in PROBLEMS]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = root / "packed.safetensors"
    run_pack(PackConfig(seq_len=256), corpus=str(corpus), tokenizer=str(model), output=str(out),
             stats=str(root / "stats.json"))  # fmt: skip
    return model, rows, out


def _load(model_dir: Path, attention: str):  # noqa: ANN202
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32,
                                                 attn_implementation=attention)  # fmt: skip
    model.config.use_cache = False
    return model.eval()


def _documents(row: dict) -> list[tuple[torch.Tensor, torch.Tensor]]:
    seg = row["segment_ids"]
    out = []
    for k in range(1, int(seg.max()) + 1):
        span = seg == k
        out.append((row["input_ids"][span].long(), row["labels"][span].long()))
    return out


def _fullest_row(path: Path) -> dict:
    dataset = PackedDataset(path)
    return max((dataset[i] for i in range(len(dataset))), key=lambda r: int(r["segment_ids"].max()))


@pytest.mark.parametrize("attention", ["eager", "sdpa"])
def test_packed_loss_equals_documents_alone(packed, attention: str) -> None:  # noqa: ANN001
    model_dir, _, path = packed
    row = _fullest_row(path)
    model = _load(model_dir, attention)
    batch = collator_for(attention, torch.float32)([row])
    with torch.no_grad():
        packed_loss = model(**batch).loss.item()
        total, count = 0.0, 0
        docs = _documents(row)
        assert len(docs) >= 3
        for ids, labels in docs:
            n = int((labels[1:] != IGNORE).sum())
            loss = model(input_ids=ids[None], labels=labels[None]).loss.item()
            total, count = total + loss * n, count + n
    assert abs(packed_loss - total / count) <= 1e-5 * abs(packed_loss)


@pytest.mark.parametrize("attention", ["eager", "sdpa"])
def test_editing_one_document_leaves_the_others_alone(packed, attention: str) -> None:  # noqa: ANN001
    model_dir, _, path = packed
    row = _fullest_row(path)
    model = _load(model_dir, attention)
    collate = collator_for(attention, torch.float32)
    edited = {k: v.clone() for k, v in row.items()}
    first = edited["segment_ids"] == 1
    edited["input_ids"][first] = (edited["input_ids"][first] + 7) % model.config.vocab_size
    with torch.no_grad():
        before = model(**collate([row])).logits[0]
        after = model(**collate([edited])).logits[0]
    others = row["segment_ids"] >= 2
    assert not torch.allclose(before[first], after[first])  # the edit did change document 1
    torch.testing.assert_close(before[others], after[others], rtol=0, atol=1e-6)


def test_flex_attention_block_mask_matches_the_additive_mask(packed) -> None:  # noqa: ANN001
    """The flex_attention path (GPUs without flash-attn) isolates exactly like the 4-D mask;
    forward only: flex_attention has no backward on CPU (MACHINE.md)."""
    model_dir, _, path = packed
    row = _fullest_row(path)
    with torch.no_grad():
        flex = _load(model_dir, "flex_attention")(**collator_for("flex_attention", None)([row]))
        sdpa = _load(model_dir, "sdpa")(**collator_for("sdpa", torch.float32)([row]))
    docs = row["segment_ids"] != 0
    torch.testing.assert_close(flex.logits[0][docs], sdpa.logits[0][docs], rtol=1e-5, atol=1e-5)


def test_without_the_mask_documents_leak(packed) -> None:  # noqa: ANN001
    """The control: restarting position ids alone under a plain causal mask do not isolate."""
    model_dir, _, path = packed
    row = _fullest_row(path)
    model = _load(model_dir, "sdpa")
    edited = row["input_ids"].clone()
    first = row["segment_ids"] == 1
    edited[first] = (edited[first] + 7) % model.config.vocab_size
    pos = row["position_ids"].long()[None]
    with torch.no_grad():
        before = model(input_ids=row["input_ids"].long()[None], position_ids=pos,
                       attention_mask=torch.ones_like(pos)).logits[0]  # fmt: skip
        after = model(input_ids=edited.long()[None], position_ids=pos,
                      attention_mask=torch.ones_like(pos)).logits[0]  # fmt: skip
    assert not torch.allclose(before[row["segment_ids"] == 2], after[row["segment_ids"] == 2])


def test_flattened_batch_marks_every_document_boundary(packed) -> None:  # noqa: ANN001
    _, _, path = packed
    row = _fullest_row(path)
    batch = FlattenCollator()([row, row])
    seg = torch.cat([row["segment_ids"], row["segment_ids"]]).long()
    cu = batch["cu_seq_lens_q"].tolist()
    length = row["input_ids"].numel()
    assert cu[0] == 0 and cu[-1] == 2 * length
    # boundaries = each document start, each padding start, and the second row's start
    expected = [0] + [i for i in range(1, 2 * length) if seg[i] != seg[i - 1] or i == length]
    assert cu[:-1] == expected
    docs = seg != 0  # positions restart per document (padding runs count on, unused)
    stored = torch.cat([row["position_ids"], row["position_ids"]]).long()
    assert batch["position_ids"][0][docs].tolist() == stored[docs].tolist()
    assert batch["max_length_q"] == max(b - a for a, b in zip(cu, cu[1:], strict=False))
    assert batch["labels"].shape == (1, 2 * length) and "attention_mask" not in batch


def test_mask_collator_builds_a_block_diagonal_causal_mask(packed) -> None:  # noqa: ANN001
    _, _, path = packed
    row = _fullest_row(path)
    mask = MaskCollator(torch.float32)([row])["attention_mask"][0, 0]
    seg = row["segment_ids"].long()
    allowed = mask == 0
    i, j = 40, 10
    assert bool(allowed[i, j]) == bool(seg[i] == seg[j])
    assert not allowed.triu(1).any()
