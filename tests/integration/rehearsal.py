"""What the paper-shaped rehearsal downloads, built here: every hub repo that
`.test/config/rehearsal.yaml` names (the repos of config/paper/mistral-7b.yaml), in the repo's
layout, at the revision the config pins, from the project's own tiny texts.

- GAIR/MathPile: train/{textbooks,wikipedia,proofwiki}/ with the paper's file names (gzipped
  JSONL, `text` + `subset` + `meta`), plus train/arXiv/, which the config's `include` leaves out.
- Vivacem/MMIQC: mmiqc.jsonl, `instruction` / `output` / `source` rows, StackExchange and others
  (the stack builder keeps only the StackExchange ones).
- math-ai/AutoMathText: data/web/<lo>-<hi>.jsonl for every quality bucket from 0.00 to 1.00 and
  data/arxiv/<lo>-<hi>/*.jsonl from 0.50 (the config downloads web >= 0.20, arxiv >= 0.60).
- ToheartZhang/JiuZhang3.0-Corpus-SFT: a Parquet file of `input` / `output` rows.
- Two model repos with the paper's ids: a tiny Llama trained here for a few seconds on the tiny
  KD set and on problems solved with Python programs in the tool corpus's format (the synthesizer
  base, deepseek-ai/deepseek-math-7b-rl; also the KD teacher, served by `transformers serve`) and
  a random-init tiny Llama (the target base, mistralai/Mistral-7B-v0.1). Heads are 32 wide: vLLM's
  CPU kernels need that.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "resources/tiny"
MATHPILE = TINY / "mathpile/train"
PINNED = {  # the revisions config/paper/*.yaml pins
    "Vivacem/MMIQC": "b3a86c3bd75e6b13db06621ebfdeae474a7ac4da",
    "math-ai/AutoMathText": "c8d9de740666574b9a1d785d82421741e9647107",
}
SYNTH_BASE = "deepseek-ai/deepseek-math-7b-rl"
TARGET_BASE = "mistralai/Mistral-7B-v0.1"


def _read(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)


def _paragraphs() -> list[str]:
    """The tiny world's texts cut into paragraphs (the raw material of the other repos)."""
    names = ("textbooks/textbooks_markdown.jsonl.gz", "wikipedia/wikipedia_en_mathematics.jsonl.gz")
    texts = [r["text"] for name in names for r in _read(MATHPILE / name)]
    return [p.strip() for t in texts for p in t.split("\n\n") if len(p.strip()) > 80]


def mathpile(root: Path) -> None:
    books = _read(MATHPILE / "textbooks/textbooks_markdown.jsonl.gz")
    proofs = _read(MATHPILE / "proofwiki/proofwiki_theorems_definitions.jsonl.gz")
    train = root / "train"
    _write(train / "textbooks/textbooks_markdown.jsonl.gz", books[::2])
    _write(train / "textbooks/synthetic_textbooks_markdown.jsonl.gz", books[1::2])
    _write(
        train / "wikipedia/wikipedia_en_mathematics_nopic_2023-08_v0.2.jsonl.gz",
        _read(MATHPILE / "wikipedia/wikipedia_en_mathematics.jsonl.gz"),
    )
    _write(train / "proofwiki/ProofWiki_theorem_proofs.jsonl.gz", proofs[::2])
    _write(train / "proofwiki/ProofWiki_definitions.jsonl.gz", proofs[1::2])
    _write(train / "arXiv/arXiv_000.jsonl.gz", [{"text": "not downloaded", "subset": "arXiv"}])


def mmiqc(root: Path) -> None:
    rows = []
    for n, paragraph in enumerate(_paragraphs()[:24]):
        first, _, rest = paragraph.partition(". ")
        source = "stackexchange-math" if n % 3 else "MATH"
        rows.append({"instruction": f"{first}?", "output": rest or paragraph, "source": source})
    _write(root / "mmiqc.jsonl", rows)


def automathtext(root: Path) -> None:
    paragraphs = _paragraphs()
    for step in range(20):
        lo, hi = step / 20, (step + 1) / 20
        rows = [{"text": p, "meta": {"lm_q1q2_score": lo}} for p in paragraphs[step::20][:2]]
        _write(root / f"data/web/{lo:.2f}-{hi:.2f}.jsonl", rows)
    for step in range(5, 10):
        lo, hi = step / 10, (step + 1) / 10
        rows = [{"text": p, "meta": {"lm_q1q2_score": lo}} for p in paragraphs[step::10][:2]]
        _write(root / f"data/arxiv/{lo:.2f}-{hi:.2f}/0.jsonl", rows)


def sft_corpus(root: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(7)
    inputs, outputs = [], []
    for _ in range(48):
        a, b = rng.randint(2, 40), rng.randint(2, 40)
        inputs.append(f"Ann has {a} marbles and finds {b} more. How many marbles does she have?")
        outputs.append(f"She has {a} + {b} = {a + b} marbles. The answer is $\\boxed{{{a + b}}}$.")
    path = root / "data/train-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"input": inputs, "output": outputs}), path)


def _llama(tokenizer_dir: Path, out: Path, seed: int) -> None:
    from jiuzhang.train.model_init import LlamaArch, init_model

    arch = LlamaArch(
        hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=1024, tie_word_embeddings=False,
    )  # fmt: skip
    init_model(arch, tokenizer_dir, out, seed=seed)


def _train(model_dir: Path, texts: list[str], steps: int, seed: int) -> None:
    """A few seconds of plain next-token training, so the model writes KD-shaped text."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = random.Random(seed)
    model.train()
    for _ in range(steps):
        chosen = [text + tokenizer.eos_token for text in rng.sample(texts, 8)]  # learn to stop
        batch = tokenizer(chosen, return_tensors="pt", padding=True,
                          truncation=True, max_length=768)  # fmt: skip
        labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
        loss = model(**batch, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.save_pretrained(model_dir)


def _tool_texts(n: int, seed: int = 3) -> list[str]:
    """Filled tool-synthesis prompts (the project's own builder, template and exemplars) each
    followed by a problem solved with a program in the format the tool corpus parses, so the
    stand-in writes programs for the sandbox to run."""
    from jiuzhang.prepare.tool import build_tool_prompt, load_exemplars, load_tool_template

    template = load_tool_template(REPO / "prompts/tool/prompt.md")
    exemplars = load_exemplars(TINY / "tool/exemplars.jsonl")
    seeds = [
        r["text"][:400]
        for r in _read(MATHPILE / "proofwiki/proofwiki_theorems_definitions.jsonl.gz")
    ]
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        prompt, _ = build_tool_prompt(template, rng.choice(seeds), exemplars, seed, str(i))
        name, thing = rng.choice(["Mia", "Ben", "Zoe", "Leo"]), rng.choice(["shells", "cards"])
        a, b = rng.randint(2, 30), rng.randint(2, 30)
        texts.append(
            f"{prompt}\n[Problem Description]\n{name} has {a} {thing} and finds {b} more."
            f" How many {thing} does {name} have?\n[/Problem Description]\n\n[Solution]\n"
            f"```python\ntotal = {a} + {b}\nprint(total)\n```\n```output\n{a + b}\n```\n"
            f"{name} has {a + b} {thing}, so the answer is $\\boxed{{{a + b}}}$.\n[/Solution]"
        )
    return texts


def models(root: Path, steps: int = 240) -> dict[str, Path]:
    from jiuzhang.train.model_init import train_tokenizer

    kd = _read(TINY / "kd/train.jsonl")
    texts = [r["prompt"] + r["completion"] for r in kd] + _tool_texts(len(kd))
    books = [r["text"] for r in _read(MATHPILE / "textbooks/textbooks_markdown.jsonl.gz")]
    train_tokenizer(texts[:300] + books, 512, root / "tokenizer")
    synth, target = root / SYNTH_BASE, root / TARGET_BASE
    _llama(root / "tokenizer", synth, seed=1)
    _train(synth, texts, steps, seed=1)
    _llama(root / "tokenizer", target, seed=2)
    return {SYNTH_BASE: synth, TARGET_BASE: target}


def build(root: Path) -> list[tuple[str, str, Path, str | None]]:
    """Write every repo under `root`; return (repo id, repo type, folder, commit) for the server."""
    datasets = {
        "GAIR/MathPile": mathpile,
        "Vivacem/MMIQC": mmiqc,
        "math-ai/AutoMathText": automathtext,
        "ToheartZhang/JiuZhang3.0-Corpus-SFT": sft_corpus,
    }
    repos = []
    for repo_id, make in datasets.items():
        folder = root / "datasets" / repo_id
        make(folder)
        repos.append((repo_id, "dataset", folder, PINNED.get(repo_id)))
    for repo_id, folder in models(root / "models").items():
        repos.append((repo_id, "model", folder, None))
    return repos


def teacher_prompts(path: Path, n: int = 32) -> Path:
    """The KD teacher's prompts: {id, prompt} rows of the tiny KD set's filled prompts."""
    rows = [{"id": r["id"], "prompt": r["prompt"]} for r in _read(TINY / "kd/train.jsonl")[:n]]
    _write(path, rows)
    return path
