"""Exact and near-duplicate detection (MinHash LSH): what is caught, what is kept, determinism."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.corpus.dedup import (
    DedupConfig,
    NearDuplicateIndex,
    find_duplicates,
    lsh_bands,
    normalize_text,
    shingles,
)

_VOCAB = (
    "apple apples basket farmer market price total number each twice half more less sells buys "
    "gives keeps cost dollars cents hours minutes week day morning train car speed distance mile "
    "garden flower rose tulip box boxes pencil pencils student students teacher class school "
    "book books page pages water bottle liter cup cups cookie cookies bakes bake oven tray the a "
    "of and to in how many much does is are was were if then after before left remaining answer"
).split()


def _text(seed: int, words: int = 200) -> str:
    """A deterministic 'word problem' of `words` words drawn from a small vocabulary."""
    rng = random.Random(seed)
    tokens = [rng.choice(_VOCAB) for _ in range(words)]
    for k in range(0, words, 17):
        tokens[k] = str(rng.randrange(1000))  # numbers, as in real solutions
    return " ".join(tokens) + "."


def _edit(text: str, positions: list[int]) -> str:
    words = text.split()
    for pos in positions:
        words[pos] = "zebra"
    return " ".join(words)


def test_normalize_text() -> None:
    assert normalize_text("  Mia has\t2 apples.\n\nHow MANY?  ") == "mia has 2 apples how many"
    assert normalize_text('"**Total**": x = -5, (a+b).') == "total x = -5 (a+b)"
    assert normalize_text("ＡＢＣ １２") == "abc 12"  # NFKC: full-width forms
    assert normalize_text("x = -5") != normalize_text("x = 5")
    assert normalize_text(" ... !! ") == ""


def test_shingles() -> None:
    assert shingles("a b c d e f", 5) == ["a b c d e", "b c d e f"]
    assert shingles("a b c", 5) == ["a b c"]  # shorter than n: the whole text
    assert shingles("", 5) == []


def test_exact_copies_and_formatting_variants() -> None:
    base = _text(1)
    texts = [
        base,
        base,
        base.upper(),
        "  " + base.replace(" ", "\n  ", 7) + " !",
        _text(2),
        f'"{_text(2)}"',
    ]
    assert find_duplicates(texts, DedupConfig()) == [None, 0, 0, 0, None, 4]


def test_near_copy_of_long_text_is_caught() -> None:
    base = _text(3)
    near = _edit(base, [20, 90, 160])  # 3 of 200 words changed
    rewrapped = _edit(base, [50, 120]).upper().replace(" ", "  ")
    assert find_duplicates([base, near, rewrapped], DedupConfig()) == [None, 0, 0]


def test_different_texts_are_kept() -> None:
    texts = [_text(seed) for seed in range(10, 30)]
    half = " ".join(texts[0].split()[:100] + texts[1].split()[100:])  # Jaccard ~ 1/3 with each
    assert find_duplicates([*texts, half], DedupConfig()) == [None] * 21


def test_first_kept_text_wins_and_exact_copies_follow_it() -> None:
    a, b = _text(4), _text(5)
    near_a = _edit(a, [33])
    # the exact copy of a dropped near-duplicate points at the kept text, not at the dropped one
    assert find_duplicates([b, a, near_a, near_a, a], DedupConfig()) == [None, None, 1, 1, 1]


def test_short_and_empty_texts() -> None:
    texts = ["Hello, world!", "hello world", "", "  ...  ", "Hello there", "x = -5", "x = 5"]
    assert find_duplicates(texts, DedupConfig()) == [None, 0, None, 2, None, None, None]


def test_threshold_is_respected() -> None:
    base = _text(6)
    edited = _edit(base, list(range(5, 200, 10)))  # 20 words changed: Jaccard ~ 0.35
    assert find_duplicates([base, edited], DedupConfig()) == [None, None]
    assert find_duplicates([base, edited], DedupConfig(threshold=0.2)) == [None, 0]


def test_streaming_index_matches_batch_and_counts() -> None:
    base = _text(7)
    texts = [base, base.upper(), _edit(base, [100]), _text(8)]
    index = NearDuplicateIndex(DedupConfig())
    assert [index.add(t) for t in texts] == find_duplicates(texts, DedupConfig())
    assert len(index) == 4
    stats = index.stats
    assert (stats["kept"], stats["exact_duplicate"], stats["near_duplicate"]) == (2, 1, 1)
    assert (stats["lsh_bands"], stats["lsh_rows"]) == (16, 8)
    assert index.add_classified(base) == (0, "exact_duplicate")
    assert index.add_classified(_edit(base, [150])) == (0, "near_duplicate")
    assert index.add_classified(_text(9)) == (None, "kept")
    assert index.add(_text(9)) == 6
    with pytest.raises(DataError, match="text 8 must be a string"):
        index.add(None)  # type: ignore[arg-type]


def test_deterministic_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    texts = [_text(s) for s in range(40)]
    texts += [_edit(t, [s % 150 + 20]) for s, t in enumerate(texts[:10])]
    expected = find_duplicates(texts, DedupConfig(seed=3))
    assert expected == find_duplicates(texts, DedupConfig(seed=3))
    assert expected[40:] == list(range(10))
    data = tmp_path / "texts.json"
    data.write_text(json.dumps(texts), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from jiuzhang.corpus.dedup import DedupConfig, find_duplicates\n"
        "texts = json.load(open(sys.argv[1]))\n"
        "print(json.dumps(find_duplicates(texts, DedupConfig(seed=3))))\n"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code, str(data)], env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == expected


def test_lsh_bands() -> None:
    assert lsh_bands(0.8, 128) == (16, 8)
    for threshold in (0.5, 0.7, 0.9, 1.0):
        for num_perm in (16, 64, 128, 256):
            bands, rows = lsh_bands(threshold, num_perm)
            assert bands * rows == num_perm


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"threshold": 0}, "threshold must be in"),
        ({"threshold": 1.5}, "threshold must be in"),
        ({"threshold": float("nan")}, "threshold must be in"),
        ({"threshold": "0.8"}, "threshold must be a number"),
        ({"num_perm": 100}, "num_perm must be a multiple of 8"),
        ({"num_perm": 8}, "num_perm must be a multiple of 8"),
        ({"num_perm": 128.0}, "num_perm must be an integer"),
        ({"ngram": 0}, "ngram must be >= 1"),
        ({"ngram": True}, "ngram must be an integer"),
        ({"seed": -1}, "seed must be in"),
        ({"shingle": 5}, "unknown keys"),
    ],
)
def test_config_validation(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DedupConfig.from_mapping(values)


def test_config_from_mapping() -> None:
    cfg = DedupConfig.from_mapping({"threshold": 0.9, "num_perm": 64, "ngram": 3, "seed": 7})
    assert cfg == DedupConfig(threshold=0.9, num_perm=64, ngram=3, seed=7)
    assert DedupConfig.from_mapping({}) == DedupConfig()


def test_real_samples_with_planted_near_copies(shared_dir: Path) -> None:
    path = shared_dir / "samples" / "finetune_data_sampled.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [r["input"] + r["output"] for r in rows if len(r["output"].split()) >= 100][:300]
    baseline = find_duplicates(texts, DedupConfig())
    rng = random.Random(0)
    sources = rng.sample([i for i, d in enumerate(baseline) if d is None], 20)
    planted = []
    for i in sources:
        words = texts[i].split()
        planted.append(_edit(texts[i], [len(words) // 3, 2 * len(words) // 3]).lower())
    result = find_duplicates(texts + planted, DedupConfig())
    assert result[: len(texts)] == baseline
    assert result[len(texts) :] == sources
