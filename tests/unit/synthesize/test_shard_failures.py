"""Failure handling of resumable synthesis shards, with a small in-process backend whose failures
are chosen by the test: per-row isolation, the failure sidecar, the failure bound, and resume
(each failure listed once; failed rows retried; generated rows never regenerated)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import jiuzhang.synthesize.shard as shard_module
from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.generation import Generation, SamplingConfig
from jiuzhang.synthesize import failures_path, run_synth_shard


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing records it as a row failure."""


class FakeBackend:
    """Text = f(prompt, seed): deterministic like a seeded backend. A batch holding a prompt in
    `fail` raises; prompts in `empty` get an empty completion; `kill_at` raises `Killed` on that
    call. Every call's prompts are logged."""

    def __init__(
        self,
        fail: Sequence[str] = (),
        empty: Sequence[str] = (),
        kill_at: int = -1,
        per_row: bool = False,
    ) -> None:
        self.fail, self.empty, self.kill_at = set(fail), set(empty), kill_at
        self.calls: list[list[str]] = []
        if per_row:
            self.generate_each = self._generate_each

    def _text(self, prompt: str, seed_offset: int, index: int) -> Generation:
        if prompt in self.empty:
            return Generation(text="  \n", finish_reason="stop", n_tokens=1)
        return Generation(text=f"<{prompt}|{(seed_offset + index) % 997}>", finish_reason="stop",
                          n_tokens=3)  # fmt: skip

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        self.calls.append(list(prompts))
        if len(self.calls) - 1 == self.kill_at:
            raise Killed()
        bad = [p for p in prompts if p in self.fail]
        if bad:
            raise RuntimeError(f"HTTP 400: prompt too long: {bad[0]!r}")
        return [self._text(p, seed_offset, i) for i, p in enumerate(prompts)]

    def _generate_each(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation | Exception]:
        self.calls.append(list(prompts))
        return [
            RuntimeError("HTTP 400: prompt too long") if p in self.fail
            else self._text(p, seed_offset, i)
            for i, p in enumerate(prompts)
        ]  # fmt: skip


@pytest.fixture()
def backend(monkeypatch: pytest.MonkeyPatch) -> list[FakeBackend]:
    """Install backends for `run_synth_shard`: each run takes the next one from the list."""
    queue: list[FakeBackend] = []
    monkeypatch.setattr(shard_module, "make_generator", lambda *args: queue.pop(0))
    return queue


def _prompts(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "source": "s", "prompt": f"p{i}"}) + "\n"
                            for i in range(n)))  # fmt: skip
    return path


def _run(prompts: Path, out: Path, **overrides: object) -> int:
    args: dict = dict(
        prompts=str(prompts),
        model="fake-model",
        output=str(out),
        sampling={"max_new_tokens": 4, "seed": 1},
        backend="fake",
        backend_options={},
        shard_key="s/00000",
        rows_per_batch=4,
        max_failure_rate=0.25,
    )
    return run_synth_shard(**{**args, **overrides})


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def test_failed_rows_go_to_the_sidecar_and_the_rest_is_kept(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    prompts = _prompts(tmp_path, 10)
    out = tmp_path / "shard.jsonl"
    fake = FakeBackend(fail=["p5"], empty=["p2"])
    backend.append(fake)
    assert _run(prompts, out) == 8
    assert _ids(out) == [f"r{i}" for i in range(10) if i not in (2, 5)]
    failures = [json.loads(line) for line in failures_path(out).read_text().splitlines()]
    assert failures == [
        {"id": "r2", "prompt_id": "r2", "sample": 0, "reason": "empty_completion",
         "detail": "finish_reason stop, 1 tokens"},
        {"id": "r5", "prompt_id": "r5", "sample": 0, "reason": "backend_error",
         "detail": "RuntimeError: HTTP 400: prompt too long: 'p5'"},
    ]  # fmt: skip
    # The batch p4..p7 raised and was retried row by row; the others went through once.
    assert fake.calls == [["p0", "p1", "p2", "p3"], ["p4", "p5", "p6", "p7"], ["p4"], ["p5"],
                          ["p6"], ["p7"], ["p8", "p9"]]  # fmt: skip
    manifest = json.loads(Path(str(out) + ".manifest.json").read_text())
    assert manifest["counts"] == {"rows": 10, "generated": 8, "failed": 2,
                                  "failed_by_reason": {"backend_error": 1,
                                                       "empty_completion": 1}}  # fmt: skip
    assert not Path(str(out) + ".partial").exists()


def test_sidecar_is_written_empty_when_nothing_fails(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    prompts = _prompts(tmp_path, 5)
    out = tmp_path / "shard.jsonl"
    backend.append(FakeBackend())
    assert _run(prompts, out) == 5
    assert failures_path(out).read_text() == ""


def test_per_row_backend_errors_send_no_row_twice(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    """A backend with `generate_each` (the HTTP one) reports failed rows itself."""
    prompts = _prompts(tmp_path, 6)
    out = tmp_path / "shard.jsonl"
    fake = FakeBackend(fail=["p1"], per_row=True)
    backend.append(fake)
    assert _run(prompts, out) == 5
    assert fake.calls == [["p0", "p1", "p2", "p3"], ["p4", "p5"]]
    assert _ids(failures_path(out)) == ["r1"]


def test_samples_of_a_prompt_are_failures_of_their_own(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    prompts = _prompts(tmp_path, 3)
    out = tmp_path / "shard.jsonl"
    backend.append(FakeBackend(fail=["p1"]))
    assert _run(prompts, out, samples_per_prompt=2, max_failure_rate=0.5) == 4
    failures = [json.loads(line) for line in failures_path(out).read_text().splitlines()]
    assert [(f["id"], f["prompt_id"], f["sample"]) for f in failures] == [
        ("r1-s0", "r1", 0),
        ("r1-s1", "r1", 1),
    ]
    assert _ids(out) == ["r0-s0", "r0-s1", "r2-s0", "r2-s1"]


def test_too_many_failures_fail_the_job_early_and_a_rerun_resumes(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    prompts = _prompts(tmp_path, 40)
    out = tmp_path / "shard.jsonl"
    reference = tmp_path / "reference.jsonl"
    backend.append(FakeBackend())
    _run(prompts, reference)
    # A server that breaks after 8 rows: 40 rows x 0.25 allow 10 failures; the 11th stops it.
    down = [f"p{i}" for i in range(8, 40)]
    dead = FakeBackend(fail=down, per_row=True)
    backend.append(dead)
    with pytest.raises(DataError) as info:
        _run(prompts, out)
    message = str(info.value)
    assert "12 of 40 rows failed so far" in message and "allows (10)" in message
    assert "by reason {'backend_error': 12}" in message and "r8: RuntimeError" in message
    assert f"kept in {out}.partial" in message
    assert len(dead.calls) == 5  # stopped after the batch that crossed the bound, not at the end
    assert not out.exists() and not failures_path(out).exists()
    lines = Path(str(out) + ".partial").read_text().splitlines()
    assert len(lines) == 20 and sum("reason" in json.loads(x) for x in lines) == 12
    # The server is back: the rerun keeps the 8 good rows, retries the 12 failed, goes on.
    healthy = FakeBackend(per_row=True)
    backend.append(healthy)
    assert _run(prompts, out) == 40
    assert healthy.calls[:3] == [down[0:4], down[4:8], down[8:12]]  # the retries, then the rest
    assert all(p not in sum(healthy.calls, []) for p in (f"p{i}" for i in range(8)))
    assert _ids(out) == _ids(reference)
    assert failures_path(out).read_text() == ""
    good = out.read_text().splitlines()
    assert good[:8] == reference.read_text().splitlines()[:8]  # untouched by the resume
    assert good[20:] == reference.read_text().splitlines()[20:]  # same batch seeds


def test_resume_lists_each_failure_once(tmp_path: Path, backend: list[FakeBackend]) -> None:
    """Killed after two batches holding failures: the resumed shard has every row once and the
    sidecar each failure once, as an uninterrupted run has."""
    prompts = _prompts(tmp_path, 14)
    fail, empty = ["p1", "p9"], ["p6"]
    whole = tmp_path / "whole.jsonl"
    backend.append(FakeBackend(fail=fail, empty=empty))
    assert _run(prompts, whole, max_failure_rate=0.3) == 11
    out = tmp_path / "resumed.jsonl"
    # calls: batch 0, its 4 rows, batch 1, then killed generating batch 2
    backend.append(FakeBackend(fail=fail, empty=empty, kill_at=6))
    with pytest.raises(Killed):
        _run(prompts, out, max_failure_rate=0.3)
    partial = Path(str(out) + ".partial")
    assert len(partial.read_text().splitlines()) == 8
    with open(partial, "ab") as handle:  # plus a torn line of the batch being written
        handle.write(b'{"id": "r8", "generated')
    again = FakeBackend(fail=fail, empty=empty)
    backend.append(again)
    assert _run(prompts, out, max_failure_rate=0.3) == 11
    # Failed rows are retried (and fail again); nothing that worked is generated again.
    assert again.calls[:2] == [["p1", "p6"], ["p1"]]
    assert out.read_bytes() == whole.read_bytes()
    assert failures_path(out).read_bytes() == failures_path(whole).read_bytes()
    assert _ids(failures_path(out)) == ["r1", "r6", "r9"]


def test_partial_file_with_a_foreign_row_is_refused(
    tmp_path: Path, backend: list[FakeBackend]
) -> None:
    prompts = _prompts(tmp_path, 8)
    out = tmp_path / "shard.jsonl"
    backend.append(FakeBackend(kill_at=1))
    with pytest.raises(Killed):
        _run(prompts, out)
    partial = Path(str(out) + ".partial")
    lines = partial.read_text().splitlines()
    lines[2] = json.dumps({"id": "r99", "generated_text": "x"})
    partial.write_text("\n".join(lines) + "\n")
    backend.append(FakeBackend())
    with pytest.raises(DataError, match=rf"{partial}:3: holds row 'r99' where 'r2' belongs"):
        _run(prompts, out)


@pytest.mark.parametrize("rate", [-0.1, 1.5, "0.05", True])
def test_bad_max_failure_rate_is_a_config_error(
    tmp_path: Path, backend: list[FakeBackend], rate: object
) -> None:
    backend.append(FakeBackend())
    with pytest.raises(ConfigError, match="max_failure_rate must be a number in"):
        _run(_prompts(tmp_path, 2), tmp_path / "o.jsonl", max_failure_rate=rate)


def test_zero_bound_fails_on_the_first_failure(tmp_path: Path, backend: list[FakeBackend]) -> None:
    backend.append(FakeBackend(empty=["p0"]))
    with pytest.raises(DataError, match=r"1 of 4 rows failed so far.*allows \(0\)"):
        _run(_prompts(tmp_path, 4), tmp_path / "o.jsonl", max_failure_rate=0.0)
