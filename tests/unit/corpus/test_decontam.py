"""N-gram decontamination: planted benchmark questions are caught with their benchmark and id,
clean rows are not; small in-memory benchmarks, then the real test sets via `shared_dir`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.corpus.decontam import DecontamConfig, Decontaminator, summarize_matches, tokenize
from jiuzhang.evaluation.benchmarks import BENCHMARKS, BenchItem

_Q1 = (
    "Mia has 3,000 red apples and gives 1,200 of them to her brother Tom. "
    "How many apples does Mia have left?"
)
_SOLUTION = (
    "The train covers sixty miles in every hour, so after two hours it has covered one hundred "
    "and twenty miles in total."
)
_TOY = {
    "toy": [
        BenchItem("q1", _Q1, "1800"),
        BenchItem("q2", "Compute $\\sqrt{49}$.", "7"),
        BenchItem(
            "q3",
            "The numbers 1 2 3 4 5 6 7 8 9 10 11 12 13 14 are written on a board by Sam; "
            "what is their sum?",
            "105",
        ),
    ],
    "other": [
        BenchItem(
            "7",
            "A train leaves the station at 3 pm traveling at 60 miles per hour toward town.",
            "120",
            raw_gold=_SOLUTION,
        )
    ],
}


def _row(problem: str, solution: str) -> str:
    """A corpus row as `build_corpus` writes it, input and output joined."""
    return f"## Question\n{problem}\n\n## Solution\n{solution}"


def _disguise(question: str) -> str:
    """The same words with other case, whitespace, punctuation and math delimiters."""
    text = question.upper().replace(" ", "  \n ").replace("$", "")
    return text.replace(".", " ;").replace("?", "!!").replace(",", " ")


def test_tokenize() -> None:
    assert tokenize("Mia's 3,000 apples; x_1 = $\\frac{1}{2}$!") == [
        "mia",
        "s",
        "3000",
        "apples",
        "x",
        "1",
        "frac",
        "1",
        "2",
    ]
    assert tokenize("ＭＩＡ  １２") == ["mia", "12"]  # NFKC
    assert tokenize("... $$ ?") == []


def test_copied_question_caught_despite_formatting() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    copied = "Mia has 3000 RED apples, and gives 1200 of them to her brother tom... How many?"
    assert decon.matches(_row("A new problem.", f"Recall: {copied} apples does Mia have left")) == [
        ("toy", "q1")
    ]
    assert decon.matches(_disguise(_Q1)) == [("toy", "q1")]
    assert decon.matches(_row("Tom has 5 pears.", "He eats 2, so 3 are left.")) == []


def test_twelve_words_are_not_enough() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    twelve = " ".join(tokenize(_Q1)[:12])
    assert decon.matches(f"Zed {twelve} zed") == []
    assert decon.matches(" ".join(tokenize(_Q1)[:13])) == [("toy", "q1")]
    assert Decontaminator(_TOY, DecontamConfig(n=12)).matches(twelve) == [("toy", "q1")]


def test_short_question_caught_when_copied_exactly() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    assert decon.stats["benchmarks"]["toy"]["short_items"] == 1
    assert decon.matches("COMPUTE \\(\\sqrt{49}\\)!") == [("toy", "q2")]
    assert decon.matches("First we compute sqrt(49) = 7, then add 1.") == [("toy", "q2")]
    assert decon.matches("Compute $\\sqrt{48}$.") == []
    assert decon.matches("Compute $\\sqrt{490}$.") == []
    assert decon.matches("compute") == []


def test_number_only_grams_are_not_indexed() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    counting = "Count: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15."
    assert decon.matches(counting) == []
    assert decon.matches("the numbers 1 2 3 4 5 6 7 8 9 10 11 12") == [("toy", "q3")]


def test_solutions_indexed_only_when_asked() -> None:
    text = _row("Another train problem.", _SOLUTION.lower())
    assert Decontaminator(_TOY, DecontamConfig()).matches(text) == []
    with_solutions = Decontaminator(_TOY, DecontamConfig(include_solutions=True))
    assert with_solutions.matches(text) == [("other", "7")]
    assert with_solutions.stats["benchmarks"]["other"]["solutions"] == 1
    assert with_solutions.stats["benchmarks"]["toy"]["solutions"] == 0  # golds too short


def test_min_matches() -> None:
    decon = Decontaminator(_TOY, DecontamConfig(min_matches=2))
    words = tokenize(_Q1)
    assert decon.matches(" ".join(words[:13])) == []  # one shared 13-gram
    assert decon.matches(" ".join(words[:14])) == [("toy", "q1")]  # two
    assert decon.matches("compute sqrt 49") == [("toy", "q2")]  # its only gram suffices


def test_several_items_and_benchmarks_sorted() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    text = f"{_TOY['other'][0].question} Also: {_Q1} And compute sqrt 49."
    assert decon.matches(text) == [("other", "7"), ("toy", "q1"), ("toy", "q2")]


def test_hash_hits_are_confirmed() -> None:
    decon = Decontaminator(_TOY, DecontamConfig())
    text = "a completely unrelated sentence that is long enough to have a thirteen word gram"
    gram = tuple(tokenize(text)[:13])
    decon._index[hash(gram)] = 0  # simulate a hash collision with item q1's grams
    assert decon.matches(text) == []


def test_stats() -> None:
    stats = Decontaminator(_TOY, DecontamConfig()).stats
    assert stats["n"] == 13 and stats["min_matches"] == 1 and not stats["include_solutions"]
    assert stats["short_lengths"] == [3]
    toy = stats["benchmarks"]["toy"]
    assert (toy["items"], toy["short_items"]) == (3, 1)
    # q1: 20 words, 8 grams; q2: one whole-question gram; q3: 28 words, 16 grams less the 2
    # made of numbers only
    assert toy["ngrams"] == 8 + 1 + 14
    assert set(stats["benchmarks"]) == {"toy", "other"}


def test_bad_benchmarks() -> None:
    with pytest.raises(DataError, match="'empty' has no items"):
        Decontaminator({"empty": []}, DecontamConfig())
    duplicate = [BenchItem("1", "What is 2 + 2?", "4"), BenchItem("1", "What is 3 + 3?", "6")]
    with pytest.raises(DataError, match="duplicate item id '1'"):
        Decontaminator({"dup": duplicate}, DecontamConfig())
    with pytest.raises(DataError, match="item 'x' has no words"):
        Decontaminator({"sym": [BenchItem("x", "$$ ?", "0")]}, DecontamConfig())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"n": 13.0}, "n must be an integer >= 1"),
        ({"min_matches": 0}, "min_matches must be an integer >= 1"),
        ({"min_matches": True}, "min_matches must be an integer >= 1"),
        ({"include_solutions": "yes"}, "include_solutions must be true or false"),
        ({"ngram": 13}, "unknown keys"),
    ],
)
def test_config_validation(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DecontamConfig.from_mapping(values)


def test_from_files_uses_the_benchmark_loader(tmp_path: Path) -> None:
    path = tmp_path / "test.jsonl"
    rows = [{"question": _Q1, "answer": "3000 - 1200 = 1800\n#### 1,800"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    decon = Decontaminator.from_files({"gsm8k": str(path)}, DecontamConfig())
    assert decon.matches(_disguise(_Q1)) == [("gsm8k", "0")]
    with pytest.raises(DataError, match="missing field 'question'"):
        path.write_text('{"problem": "x", "answer": "#### 1"}\n', encoding="utf-8")
        Decontaminator.from_files({"gsm8k": path}, DecontamConfig())


def test_summarize_matches() -> None:
    per_row = [
        [],
        [("math", "12"), ("math-oai", "test/a.json")],
        [("math", "3"), ("math", "12")],
        [("svamp", "7")],
    ]
    assert summarize_matches(per_row) == {
        "rows": 3,
        "benchmarks": {
            "math": {"rows": 2, "items": ["3", "12"]},
            "math-oai": {"rows": 1, "items": ["test/a.json"]},
            "svamp": {"rows": 1, "items": ["7"]},
        },
    }
    assert summarize_matches([]) == {"rows": 0, "benchmarks": {}}


# ---- the real test sets -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_dir: Path) -> Decontaminator:
    files = {name: str(shared_dir / "benchmarks" / name / "test.jsonl") for name in BENCHMARKS}
    return Decontaminator.from_files(files, DecontamConfig())


def test_real_index_covers_every_benchmark(real: Decontaminator) -> None:
    stats = real.stats["benchmarks"]
    assert set(stats) == set(BENCHMARKS)
    assert stats["gsm8k"]["items"] == 1319 and stats["math"]["items"] == 5000
    assert all(counts["ngrams"] >= counts["items"] for counts in stats.values())


def _question(shared_dir: Path, name: str, item_id: str) -> str:
    from jiuzhang.evaluation.benchmarks import load_benchmark

    path = shared_dir / "benchmarks" / name / "test.jsonl"
    return next(i.question for i in load_benchmark(name, path) if i.id == item_id)


@pytest.mark.parametrize(
    ("name", "item_id", "also"),
    [
        ("gsm8k", "7", set()),
        ("math-oai", "test/precalculus/927.json", {"math"}),  # MATH-500 is a subset of MATH
        ("svamp", "7", {"asdiv", "mawps"}),  # SVAMP reworks ASDiv-A / MAWPS problems
        ("math-oai", "test/algebra/1098.json", {"math"}),  # 'Evaluate $(1+2i)6-3i$.': 5 words
    ],
)
def test_real_planted_questions_caught(
    real: Decontaminator, shared_dir: Path, name: str, item_id: str, also: set[str]
) -> None:
    question = _question(shared_dir, name, item_id)
    text = _row(
        "Ben buys 4 pens at 2 dollars each. How much does he pay?",
        f"Ben pays 4 * 2 = 8 dollars. A harder one: {_disguise(question)} We leave it as an "
        "exercise. The answer is: $8$.",
    )
    found = real.matches(text)
    assert (name, item_id) in found
    assert {bench for bench, _ in found} <= {name} | also


def test_real_clean_rows_not_flagged(real: Decontaminator) -> None:
    clean = [
        _row(
            "A farmer plants 12 rows of 15 tulips and sells a third of them at the spring fair.",
            "He plants 12 * 15 = 180 tulips and sells 180 / 3 = 60, so 120 remain. "
            "The answer is: $120$.",
        ),
        _row(
            "Let $f(t) = 3t^2 - 5t + 7$. Find the sum of the values of $t$ where $f'(t) = 4t$.",
            "We have $f'(t) = 6t - 5 = 4t$, so $t = 5/2$ and the sum is $\\boxed{5/2}$.",
        ),
    ]
    assert [real.matches(text) for text in clean] == [[], []]


def test_real_samples_false_positive_rate(real: Decontaminator, shared_dir: Path) -> None:
    """The released samples are mostly clean: few rows match (measured: 43 of 3000 rows)."""
    per_row = []
    for path in sorted((shared_dir / "samples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            per_row.append(real.matches(row["input"] + row["output"]))
    summary = summarize_matches(per_row)
    assert len(per_row) == 3000
    assert 10 <= summary["rows"] <= 75  # 0.3% .. 2.5%
    assert "1344" in summary["benchmarks"]["asdiv"]["items"]  # a verbatim ASDiv copy in the sample
