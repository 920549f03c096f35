"""Packing: fill ratio and tokens/s of our packer vs the original's next-fit and TRL's packing.

    python bench/pack.py [--corpus ../shared/samples/cot_pretrain_data_sampled.jsonl]
                         [--tokenizer DIR] [--seq-len 2049] [--repeat 3] [--copies 1]

The documents are the corpus rows tokenized once with Mistral-7B's real tokenizer (the 32k
SentencePiece model shipped in the `mistral-common` wheel, MACHINE.md; fetched with
`pip download --no-deps` into results/bench/ when --tokenizer is not given) the way the pipeline
does it (`input + output` in one tokenization, BOS, EOS unless truncated, at most seq_len tokens).
`--copies N` repeats the corpus N times (lengths jittered by a seeded +-5 %) for a larger run.
Every packer gets the same lengths:

- ours: best-fit decreasing + sum-of-squares local search per chunk of 2,000 documents
  (`jiuzhang.pack.binpack.pack_lengths`, what `pack_corpus` runs);
- best-fit decreasing alone;
- next-fit in corpus order: the original (SPEC §3.6, functionary's packer);
- TRL 1.16 `pack_dataset(strategy="bfd")` on a `datasets.Dataset` of the token ids (keeps
  document boundaries, like ours). TRL's `wrapped` strategy is not comparable: it cuts documents
  at row ends, so its fill is 100 % by construction.

Figures: rows, fill = tokens / (rows x seq_len), rows above the lower bound ceil(tokens /
seq_len), and packing throughput in tokens/s (best of --repeat), plus our tokenization and the
whole `run_pack` (tokenize + pack + write the safetensors rows) in tokens/s.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jiuzhang.pack.binpack import best_fit_decreasing, next_fit, pack_lengths  # noqa: E402
from jiuzhang.pack.packing import PackConfig, run_pack, tokenize_pairs  # noqa: E402

MISTRAL_COMMON = "mistral-common==1.13.1"
TOKENIZER_CONFIG = {
    "tokenizer_class": "LlamaTokenizer",
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "add_bos_token": True,
    "add_eos_token": False,
}


def mistral_tokenizer(cache: Path) -> Path:
    """A transformers tokenizer folder for Mistral-7B-v0.1's SentencePiece model."""
    folder = cache / "mistral-7b-tokenizer"
    if (folder / "tokenizer.model").is_file():
        return folder
    wheels = cache / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", MISTRAL_COMMON,
         "-d", str(wheels)],
        check=True,
    )  # fmt: skip
    wheel = next(wheels.glob("mistral_common-*.whl"))
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        (folder / "tokenizer.model").write_bytes(
            archive.read("mistral_common/data/tokenizer.model.v1")
        )
    (folder / "tokenizer_config.json").write_text(json.dumps(TOKENIZER_CONFIG))
    return folder


def best_time(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def trl_bfd(ids: list[list[int]], seq_len: int) -> list[list[int]]:
    from datasets import Dataset
    from trl import pack_dataset

    packed = pack_dataset(Dataset.from_dict({"input_ids": ids}), seq_len, strategy="bfd")
    return [row for row in packed["input_ids"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", default=str(ROOT.parent / "shared/samples/cot_pretrain_data_sampled.jsonl")
    )
    parser.add_argument("--tokenizer", help="tokenizer folder (default: Mistral-7B's)")
    parser.add_argument("--seq-len", type=int, default=2049)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()

    from transformers import AutoTokenizer

    cache = ROOT / "results/bench"
    tok_dir = Path(args.tokenizer) if args.tokenizer else mistral_tokenizer(cache)
    tokenizer = AutoTokenizer.from_pretrained(tok_dir)
    rows = [json.loads(line) for line in open(args.corpus, encoding="utf-8")]
    pairs = [(r["input"], r["output"]) for r in rows]
    t_tok, docs = best_time(lambda: tokenize_pairs(tokenizer, pairs, args.seq_len), args.repeat)
    base = [len(d.input_ids) for d in docs]
    rng = random.Random(0)
    lengths = list(base)
    for _ in range(args.copies - 1):
        lengths += [min(args.seq_len, max(2, round(n * rng.uniform(0.95, 1.05)))) for n in base]
    ids = [[1] * n for n in lengths]  # TRL sees only lengths through these
    tokens = sum(lengths)
    lower = -(-tokens // args.seq_len)
    print(f"corpus: {args.corpus} x{args.copies}: {len(lengths)} documents, {tokens} tokens "
          f"(tokenizer {tok_dir.name}, vocab {len(tokenizer)}), seq_len {args.seq_len}, "
          f"lower bound {lower} rows; tokenization {len(base) / t_tok:.0f} docs/s, "
          f"{sum(base) / t_tok / 1e6:.2f} M tokens/s")  # fmt: skip

    packers = {
        "ours (BFD + local search)": lambda: pack_lengths(lengths, args.seq_len),
        "best-fit decreasing": lambda: best_fit_decreasing(lengths, args.seq_len),
        "next-fit (original)": lambda: next_fit(lengths, args.seq_len),
        "TRL pack_dataset bfd": lambda: trl_bfd(ids, args.seq_len),
    }
    results = {}
    for name, fn in packers.items():
        seconds, bins = best_time(fn, args.repeat)
        results[name] = (len(bins), seconds)
    ours_rows = results["ours (BFD + local search)"][0]
    print("\n| packer | rows | over bound | fill | pack M tokens/s | rows vs ours |")
    print("|---|---|---|---|---|---|")
    for name, (n_rows, seconds) in results.items():
        print(f"| {name} | {n_rows} | +{n_rows - lower} | {tokens / (n_rows * args.seq_len):.2%} "
              f"| {tokens / seconds / 1e6:.2f} | {n_rows / ours_rows:.4f} |")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "packed.safetensors"
        start = time.perf_counter()
        summary = run_pack(
            PackConfig(seq_len=args.seq_len),
            corpus=args.corpus,
            tokenizer=str(tok_dir),
            output=str(out),
            stats=str(Path(tmp) / "s.json"),
        )
        seconds = time.perf_counter() - start
    print(f"\nrun_pack end to end (tokenize + pack + write, 1 process): {seconds:.2f} s, "
          f"{summary['tokens'] / seconds / 1e6:.2f} M tokens/s, fill {summary['fill_ratio']:.2%}, "
          f"{summary['rows']} rows (bound {summary['lower_bound_rows']})")  # fmt: skip


if __name__ == "__main__":
    main()
