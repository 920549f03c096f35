"""Write the tiny embedded inputs under `resources/tiny/` (a developer tool; outputs are committed).

    python -m jiuzhang.tiny.build --out resources/tiny --templates prompts/cot

- `mathpile/train/{textbooks,wikipedia,proofwiki}/*.jsonl.gz`: MathPile-format shards (`text`,
  `subset`, `meta`) of our own hand-written texts (`jiuzhang.tiny.texts`);
- `kd/train.jsonl`: the knowledge-distillation set, `{id, level, prompt, completion}`: synthesis
  prompts filled from our templates with snippets of those texts, answered by a rule-based teacher
  (`jiuzhang.tiny.world`) that stands in for GPT-4 and writes one-step word problems;
- `benchmarks/<name>/test.jsonl`: benchmark-format sets in each real benchmark's own field layout.
Everything is a pure function of the seeds below, and gzip output is byte-reproducible.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from jiuzhang.common.io import write_jsonl
from jiuzhang.prepare.snippets import textbook_snippets, wiki_snippets
from jiuzhang.prepare.templates import LEVELS, fill, load_templates, template_files
from jiuzhang.tiny.benchmarks import BENCHMARKS, benchmark_records
from jiuzhang.tiny.texts import TEXTBOOK_DOCS, WIKI_DOCS, WIKI_SUBSETS
from jiuzhang.tiny.world import sample_problem

KD_SEED = 1234
BENCH_SEED = 2024
KD_SIZE = 1200
KD_EXTRACT_SIZE = 240
BENCH_SIZE = 100


def _title(doc: str) -> str:
    return doc.strip().splitlines()[0].lstrip("# ").strip()


def mathpile_records() -> dict[str, list[dict]]:
    """MathPile-layout records per relative file path."""
    textbooks = [
        {"text": doc, "subset": "textbooks", "meta": {"title": _title(doc), "origin": "tiny"}}
        for doc in TEXTBOOK_DOCS
    ]
    wiki: dict[str, list[dict]] = {"wikipedia": [], "proofwiki": []}
    for doc, subset in zip(WIKI_DOCS, WIKI_SUBSETS, strict=True):
        wiki[subset].append(
            {"text": doc, "subset": subset, "meta": {"title": _title(doc), "origin": "tiny"}}
        )
    return {
        "mathpile/train/textbooks/textbooks_markdown.jsonl.gz": textbooks,
        "mathpile/train/wikipedia/wikipedia_en_mathematics.jsonl.gz": wiki["wikipedia"],
        "mathpile/train/proofwiki/proofwiki_theorems_definitions.jsonl.gz": wiki["proofwiki"],
    }


def kd_records(templates_dir: Path, n: int = KD_SIZE, seed: int = KD_SEED) -> list[dict]:
    """KD pairs: (filled synthesis prompt -> teacher's problem and solution)."""
    templates = load_templates(list(template_files(templates_dir)))
    snippets = [s for doc in TEXTBOOK_DOCS for s in textbook_snippets(doc, KD_EXTRACT_SIZE)]
    snippets += [s for doc in WIKI_DOCS for s in wiki_snippets(doc, KD_EXTRACT_SIZE)]
    rng = random.Random(seed)
    records = []
    for i in range(n):
        level = rng.choice(LEVELS)
        snippet = rng.choice(snippets)
        problem = sample_problem(rng)
        records.append(
            {
                "id": f"kd-{i:05d}",
                "level": level,
                "prompt": fill(templates[level], snippet),
                "completion": "\n" + problem.completion,
            }
        )
    return records


def tool_exemplars(n: int = 8, seed: int = KD_SEED + 1) -> list[dict]:
    """Worked code solutions in the MMOS layout (`prompt`, `completion`) for tool prompts."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        p = sample_problem(rng)
        var = f"{p.name.lower()}_{p.obj.split()[-1]}"
        code = f"{var} = {p.a} {p.op} {p.b}\nprint({var})"
        completion = (
            f"```python\n{code}\n```\n```output\n{p.answer}\n```\n"
            f"{p.name} has {p.answer} {p.obj}, so the answer is $\\boxed{{{p.answer}}}$."
        )
        records.append(
            {
                "id": f"ex-{i:02d}",
                "prompt": f"<|user|>\n{p.text}\n<|assistant|>",
                "completion": completion,
            }
        )
    return records


def build(out: Path, templates_dir: Path) -> None:
    """Write every tiny resource file under `out`."""
    for rel, records in mathpile_records().items():
        write_jsonl(out / rel, records)
    write_jsonl(out / "kd" / "train.jsonl", kd_records(templates_dir))
    write_jsonl(out / "tool" / "exemplars.jsonl", tool_exemplars())
    for k, name in enumerate(BENCHMARKS):
        write_jsonl(
            out / "benchmarks" / name / "test.jsonl",
            benchmark_records(name, BENCH_SIZE, BENCH_SEED + k),
        )


def main(argv: list[str] | None = None) -> int:
    """CLI: regenerate resources/tiny."""
    parser = argparse.ArgumentParser(prog="python -m jiuzhang.tiny.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("resources/tiny"))
    parser.add_argument("--templates", type=Path, default=Path("prompts/cot"))
    args = parser.parse_args(argv)
    build(args.out, args.templates)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
