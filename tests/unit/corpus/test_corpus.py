"""From generations to corpus rows: parsing, quality checks, counts, loud failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.corpus import CorpusConfig, parse_cot_generation, run_build_corpus
from jiuzhang.corpus.verify import arithmetic_ok, claims, grounded


def test_parse_solution_header_variants() -> None:
    assert parse_cot_generation("\nMia has 2.\n\n## Solution\nSo 2.") == ("Mia has 2.", "So 2.")
    assert parse_cot_generation("[Problem]: P?\n[Solution]: S.") is None  # header on its own line
    assert parse_cot_generation("## New Problem\nP?\n[Solution]\nS.\n## Question") == ("P?", "S.")
    assert parse_cot_generation("no header at all") is None
    assert parse_cot_generation("P?\n## Solution\n   ") is None


def test_arithmetic_claims_are_checked_exactly() -> None:
    assert arithmetic_ok("We compute 7 + 2 = 9.\nThe answer is 9.")
    assert not arithmetic_ok("We compute 7 + 2 = 8.")
    assert arithmetic_ok("Then 3 × (2 + 1) = 9 and 10/4 = 2.5.")
    assert not arithmetic_ok("Then 1/0 = 3")
    assert [c[0] for c in claims("x = 5 and 2 - 1 = 1")] == ["2 - 1"]


def test_grounding_needs_numbers_from_problem_or_true_claims() -> None:
    assert grounded("Mia has 7 pens and gets 2.", "We compute 7 + 2 = 9.\nThe answer is 9.")
    assert not grounded("Mia has 7 pens and gets 3.", "We compute 7 + 2 = 9.\nThe answer is 9.")


def _generations(tmp_path: Path, texts: list[tuple[str, str]]) -> Path:
    path = tmp_path / "gen.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "source": "s", "generated_text": t, "finish_reason": r})
            + "\n"
            for i, (t, r) in enumerate(texts)
        )
    )
    return path


def test_build_corpus_counts_every_drop_reason(tmp_path: Path) -> None:
    good = (
        "\nMia has 7 pens. She gets 2 more. How many?\n\n## Solution\n"
        "We compute 7 + 2 = 9.\nThe answer is 9."
    )
    gens = _generations(
        tmp_path,
        [
            (good, "stop"),
            (good, "stop"),  # duplicate
            (good.replace("= 9", "= 8"), "stop"),  # false arithmetic
            (good, "length"),  # truncated
            ("no header", "stop"),
            (good.replace("The answer is 9.", "So it is nine."), "stop"),  # no final answer
        ],
    )
    out, stats = tmp_path / "corpus.jsonl", tmp_path / "stats.json"
    summary = run_build_corpus(
        CorpusConfig(min_rows=1), generations=[str(gens)], output=str(out), stats=str(stats)
    )
    assert {k: summary[k] for k in ("in", "kept", "dropped")} == {
        "in": 6,
        "kept": 1,
        "dropped": {
            "duplicate": 1,
            "false_arithmetic": 1,
            "no_final_answer": 1,
            "no_solution_header": 1,
            "truncated": 1,
        },
    }
    # in 6 -> parsed 4 (no header, truncated) -> checked 2 -> not contaminated 2 -> kept 1
    # and where each drop stopped, with its reason
    assert summary["funnel"] == {
        "s": {
            "in": 6, "parsed": 4, "checked": 2, "decontaminated": 2, "kept": 1,
            "dropped_at": {
                "in": {"no_solution_header": 1, "truncated": 1},
                "parsed": {"false_arithmetic": 1, "no_final_answer": 1},
                "decontaminated": {"duplicate": 1},
            },
        }
    }  # fmt: skip
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (
        row["input"] == "## Question\nMia has 7 pens. She gets 2 more. How many?\n\n## Solution\n"
    )
    assert row["output"] == "We compute 7 + 2 = 9.\nThe answer is 9."


def test_too_few_rows_fails_loudly_and_writes_nothing(tmp_path: Path) -> None:
    gens = _generations(tmp_path, [("no header", "stop")] * 3)
    out = tmp_path / "corpus.jsonl"
    with pytest.raises(DataError, match=r"only 0 of 3 generations survived.*min_rows=2"):
        run_build_corpus(
            CorpusConfig(min_rows=2),
            generations=[str(gens)],
            output=str(out),
            stats=str(tmp_path / "s.json"),
        )
    assert not out.exists()


def test_contaminated_and_near_duplicate_rows_are_dropped_and_reported(tmp_path: Path) -> None:
    """A benchmark question copied into a generation (case and spacing changed) is dropped with
    its benchmark id; a near copy of a kept row is dropped as a near duplicate."""
    question = (
        "A farmer plants 12 rows of corn with 15 plants in each row and then gives away "
        "20 plants to a neighbour. How many plants does the farmer keep?"
    )
    bench = tmp_path / "gsm8k.jsonl"
    bench.write_text(json.dumps({"idx": 41, "question": question, "answer": "#### 160"}) + "\n")
    long_solution = (
        "First we multiply the number of rows by the plants in each row, which gives the total "
        "number of plants in the field before anything is given away to the neighbour. "
        "We compute 12 * 15 = 180.\nThen we subtract the plants given away: 180 - 20 = 160.\n"
        "The answer is 160."
    )
    problem = "Omar buys 12 boxes of 15 pencils and gives 20 away. How many left?"
    clean = f"\n{problem}\n\n## Solution\n{long_solution}"
    near = clean.replace("Omar buys", "Omar purchases")
    copied = f"\n{question.upper()}\n\n## Solution\n{long_solution}"
    gens = _generations(tmp_path, [(clean, "stop"), (near, "stop"), (copied, "stop")])
    summary = run_build_corpus(
        CorpusConfig(min_rows=1),
        generations=[str(gens)],
        output=str(tmp_path / "c.jsonl"),
        stats=str(tmp_path / "s.json"),
        benchmarks={"gsm8k": str(bench)},
    )
    assert summary["kept"] == 1
    assert summary["dropped"] == {"contaminated": 1, "near_duplicate": 1}
    assert summary["funnel"]["s"] == {
        "in": 3, "parsed": 3, "checked": 3, "decontaminated": 2, "kept": 1,
        "dropped_at": {"checked": {"contaminated": 1}, "decontaminated": {"near_duplicate": 1}},
    }  # fmt: skip
    matched = summary["decontamination"]["matched"]
    assert matched == {"rows": 1, "benchmarks": {"gsm8k": {"rows": 1, "items": ["41"]}}}
    assert summary["decontamination"]["n"] == 13
    assert json.loads((tmp_path / "s.json").read_text())["dedup"]["near_duplicate"] == 1
