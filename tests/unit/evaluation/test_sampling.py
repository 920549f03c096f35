"""Sampled evaluation: the unbiased pass@k, maj@k over equivalent answers, resumable batches."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from jiuzhang.evaluation.sampling import (
    SamplesConfig,
    ks_for,
    majority,
    pass_at_k,
    sample_items,
    score_samples,
)


def test_pass_at_k_is_the_chance_that_k_draws_hold_a_correct_one() -> None:
    for n, c, k in [(4, 1, 1), (4, 1, 2), (5, 2, 3), (8, 3, 4), (8, 0, 8), (8, 8, 1), (6, 1, 6)]:
        draws = list(itertools.combinations([True] * c + [False] * (n - c), k))
        exact = sum(any(d) for d in draws) / len(draws)  # enumerate every k-subset
        assert pass_at_k(n, c, k) == pytest.approx(exact)
        assert pass_at_k(n, c, k) == pytest.approx(1 - math.comb(n - c, k) / math.comb(n, k))
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)  # pass@1 = the samples' accuracy
    with pytest.raises(ValueError):
        pass_at_k(4, 5, 1)
    assert ks_for(1) == [1] and ks_for(8) == [1, 2, 4, 8] and ks_for(6) == [1, 2, 4, 6]


def test_majority_groups_equivalent_answers_and_skips_missing_ones() -> None:
    # "0.5", "1/2" and "\frac{1}{2}" are one answer (3 votes) against "2" (2 votes)
    assert majority(["2", "0.5", None, "1/2", "2", "\\frac{1}{2}"]) == 1
    assert majority(["7", "8"]) == 0  # a tie goes to the group seen first
    assert majority([None, None]) is None
    assert majority([None, "x+1", "1+x"]) == 1  # symbolic equivalence groups too


def test_score_samples_pass_and_majority_with_intervals() -> None:
    def sample(answer: str | None, correct: bool) -> dict:
        return {"extracted": answer, "correct": correct}

    items = [
        [sample("3", True), sample("4", False), sample("3", True), sample(None, False)],
        [sample("5", False), sample("5", False), sample("6", True), sample("6", True)],
        [sample(None, False)] * 4,
    ]
    scores = score_samples(items, 4)
    # pass@2 = 1 - C(2, 2) / C(4, 2) = 5/6 on items 1 and 2
    assert scores["pass@k"] == {"1": round(100 * (2 / 4 + 2 / 4 + 0) / 3, 2), "2": 55.56,
                                "4": 66.67}  # fmt: skip
    # maj@1 = first sample; maj@2 (tie -> first); maj@4: item 2 ties 5/6 -> "5" (first), wrong
    assert scores["maj@k"] == {"1": 33.33, "2": 33.33, "4": 33.33}
    low, high = scores["pass@k ci95"]["1"]
    assert low <= scores["pass@k"]["1"] <= high and scores["items"] == 3


def _sampler(calls: list[tuple[int, int]]):  # noqa: ANN202
    def sampler(prompts: list[str], seed: int) -> list[dict]:
        calls.append((len(prompts), seed))
        return [{"completion": f"{p}|{seed % 1000}|{i}"} for i, p in enumerate(prompts)]

    return sampler


def test_sample_items_resumes_whole_batches_with_the_same_seeds(tmp_path: Path) -> None:
    prompts = [f"p{i}" for i in range(7)]
    cfg = SamplesConfig(n=3, items_per_batch=3)
    calls: list[tuple[int, int]] = []
    whole = sample_items(prompts, cfg, _sampler(calls), partial=tmp_path / "a", fingerprint="f")
    assert [len(s) for s in whole] == [3] * 7 and calls[0][0] == 9 and calls[-1][0] == 3
    assert whole[4][2]["completion"].startswith("p4|")
    # a run killed after its first batch plus half a line: the half batch is dropped, resumed
    partial = tmp_path / "b"
    lines = (tmp_path / "a").read_bytes().splitlines(keepends=True)
    partial.write_bytes(b"".join(lines[:9]) + lines[9][:5])
    (tmp_path / "b.key").write_text((tmp_path / "a.key").read_text())
    resumed_calls: list[tuple[int, int]] = []
    resumed = sample_items(prompts, cfg, _sampler(resumed_calls), partial=partial, fingerprint="f")
    assert resumed == whole and resumed_calls == calls[1:]  # the same seeds per batch
    # another fingerprint (model, prompts, settings) starts afresh
    fresh_calls: list[tuple[int, int]] = []
    sample_items(prompts, cfg, _sampler(fresh_calls), partial=partial, fingerprint="g")
    assert fresh_calls == calls
    assert json.loads(partial.read_bytes().splitlines()[0])["completion"].startswith("p0|")
