"""Training throughput: packed vs padded rows, useful tokens/s and MFU, plus the isolation check.

    python bench/train.py [--device cuda] [--hidden 2048 --layers 16 --heads 16 --kv-heads 8
        --intermediate 5632] [--seq-len 2049] [--micro 4] [--steps 20] [--attention sdpa]
        [--corpus ../shared/samples/cot_pretrain_data_sampled.jsonl]

A Llama-shaped model (default ~1.1B parameters, TinyLlama's shape, vocab 32000) is random-init on
the device in bf16 (fp32 on CPU) and trained with AdamW for `--steps` steps two ways on the same
documents: packed (our packer, documents isolated by the collator for `--attention`) and padded
(one document per row, padded to seq_len: what training without packing costs). Document
lengths are the corpus rows' `input + output` lengths in characters / 4 (about a token each,
capped at seq_len), token ids random: throughput depends on shapes, not on which tokens.

Printed per way: useful (non-pad) tokens/s, MFU = 6 x parameters x useful tokens/s / peak bf16
FLOP/s (`--peak-tflops`, default 989 for H100/H200 dense bf16; attention FLOPs not counted), and
peak device memory. Then the isolation check on the device: the loss of a packed row vs the
token-weighted loss of its documents run alone (fp32) and the largest logit change of the other
documents when one is edited.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import torch  # noqa: E402

from jiuzhang.pack.binpack import pack_lengths  # noqa: E402
from jiuzhang.pack.packing import IGNORE  # noqa: E402
from jiuzhang.train.data import collator_for  # noqa: E402


def lengths_from(corpus: Path, seq_len: int, limit: int) -> list[int]:
    out = []
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            out.append(max(8, min(seq_len, len(row["input"] + row["output"]) // 4)))
            if len(out) == limit:
                break
    return out


def make_rows(bins: list[list[int]], lengths: list[int], seq_len: int, vocab: int, seed: int):  # noqa: ANN201
    """Packed rows (input_ids, labels, position_ids, segment_ids) with random token ids."""
    gen = torch.Generator().manual_seed(seed)
    rows = []
    for members in bins:
        ids = torch.full((seq_len,), 0, dtype=torch.long)
        labels = torch.full((seq_len,), IGNORE, dtype=torch.long)
        pos = torch.zeros(seq_len, dtype=torch.long)
        seg = torch.zeros(seq_len, dtype=torch.long)
        at = 0
        for k, doc in enumerate(members, start=1):
            n = lengths[doc]
            toks = torch.randint(3, vocab, (n,), generator=gen)
            ids[at : at + n] = toks
            labels[at + 1 : at + n] = toks[1:]
            pos[at : at + n] = torch.arange(n)
            seg[at : at + n] = k
            at += n
        rows.append({"input_ids": ids, "labels": labels, "position_ids": pos, "segment_ids": seg})
    return rows


def build_model(args: argparse.Namespace, dtype: torch.dtype, attention: str):  # noqa: ANN201
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=args.vocab, hidden_size=args.hidden, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads, max_position_embeddings=args.seq_len,
        tie_word_embeddings=False, use_cache=False,
    )  # fmt: skip
    torch.manual_seed(0)
    with torch.device(args.device):
        model = LlamaForCausalLM._from_config(config, dtype=dtype, attn_implementation=attention)
    return model


def run_way(model, rows, collate, args, device: str) -> dict:  # noqa: ANN001
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=device == "cuda")
    model.train()
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    useful = 0
    start = None
    for step in range(args.steps + args.warmup):
        batch_rows = [rows[(step * args.micro + i) % len(rows)] for i in range(args.micro)]
        batch = collate(batch_rows)
        batch = {k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}
        loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step == args.warmup - 1 or (args.warmup == 0 and step == 0):
            if device == "cuda":
                torch.cuda.synchronize()
            start, useful = time.perf_counter(), 0
            continue
        useful += sum(int((r["segment_ids"] != 0).sum()) for r in batch_rows)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")
    del opt
    return {"tokens_per_s": useful / seconds, "peak_gib": peak, "loss": float(loss)}


def isolation_check(args: argparse.Namespace, rows, attention: str) -> tuple[float, float]:  # noqa: ANN001
    model = build_model(args, torch.float32, attention).eval()
    row = max(rows, key=lambda r: int(r["segment_ids"].max()))
    if int(row["segment_ids"].max()) < 2:
        raise SystemExit("isolation check: no packed row holds two documents (raise --seq-len)")
    collate = collator_for(attention, torch.float32)
    dev = args.device

    def forward(r: dict) -> tuple[torch.Tensor, torch.Tensor]:
        batch = {k: v.to(dev) if torch.is_tensor(v) else v for k, v in collate([r]).items()}
        out = model(**batch)
        return out.loss, out.logits[0]

    with torch.no_grad():
        loss, logits = forward(row)
        total, count = 0.0, 0
        seg = row["segment_ids"]
        for k in range(1, int(seg.max()) + 1):
            span = seg == k
            ids, labels = row["input_ids"][span], row["labels"][span]
            n = int((labels[1:] != IGNORE).sum())
            alone = model(input_ids=ids[None].to(dev), labels=labels[None].to(dev)).loss
            total, count = total + float(alone) * n, count + n
        edited = {k: v.clone() for k, v in row.items()}
        first = edited["segment_ids"] == 1
        edited["input_ids"][first] = (edited["input_ids"][first] + 7) % args.vocab
        _, logits2 = forward(edited)
        others = (seg >= 2).to(dev)
        drift = float((logits[others] - logits2[others]).abs().max())
    return abs(float(loss) - total / count) / abs(total / count), drift


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    sample = ROOT.parent / "shared/samples/cot_pretrain_data_sampled.jsonl"
    parser.add_argument("--corpus", type=Path, default=sample)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--kv-heads", type=int, default=8)
    parser.add_argument("--intermediate", type=int, default=5632)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--seq-len", type=int, default=2049)
    parser.add_argument("--micro", type=int, default=4)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--attention", default="sdpa", help="sdpa, eager, flex_attention, ...")
    parser.add_argument("--peak-tflops", type=float, default=989.0)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    args = parser.parse_args()
    dev = args.device
    dtype = torch.bfloat16 if dev == "cuda" else torch.float32
    lengths = lengths_from(args.corpus, args.seq_len, args.docs)
    packed = make_rows(pack_lengths(lengths, args.seq_len), lengths, args.seq_len, args.vocab, 0)
    padded = make_rows([[i] for i in range(len(lengths))], lengths, args.seq_len, args.vocab, 0)
    print(f"device {dev} ({torch.cuda.get_device_name() if dev == 'cuda' else 'cpu'}), "
          f"{len(lengths)} documents, {sum(lengths)} tokens: {len(packed)} packed rows vs "
          f"{len(padded)} padded rows of {args.seq_len}; micro batch {args.micro}, "
          f"attention {args.attention}, {dtype}")  # fmt: skip
    results = {}
    for name, rows in (("packed", packed), ("padded", padded)):
        model = build_model(args, dtype, args.attention)
        if args.gradient_checkpointing:
            model.gradient_checkpointing_enable()
        n_params = sum(p.numel() for p in model.parameters())
        results[name] = run_way(model, rows, collator_for(args.attention, dtype), args, dev)
        del model
        if dev == "cuda":
            torch.cuda.empty_cache()
    print(f"model: {n_params / 1e9:.3f} B parameters")
    print("| rows | useful tokens/s | MFU | peak GiB |\n|---|---|---|---|")
    for name, r in results.items():
        mfu = 6 * n_params * r["tokens_per_s"] / (args.peak_tflops * 1e12)
        print(f"| {name} | {r['tokens_per_s']:.0f} | {mfu:.1%} | {r['peak_gib']:.1f} |")
    speedup = results["packed"]["tokens_per_s"] / results["padded"]["tokens_per_s"]
    print(f"packed / padded useful tokens/s: {speedup:.2f}x")
    rel, drift = isolation_check(args, packed[:64], args.attention)
    print(
        f"isolation ({args.attention}, fp32): |packed loss - per-document loss| / loss = "
        f"{rel:.2e}; other documents' max logit change after editing one: {drift:.2e}"
    )


if __name__ == "__main__":
    main()
