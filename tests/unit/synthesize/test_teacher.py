"""The KD teacher's own logic with an in-process backend: KD rows, prompt ids, usage summed over
a killed and a resumed run, a stale usage file ignored, secrets kept out of the outputs.
(End to end against a real `transformers serve`: tests/integration/test_synth_resume.py.)"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import jiuzhang.synthesize.teacher as teacher_module
from jiuzhang.common.errors import DataError
from jiuzhang.generation import Generation, SamplingConfig
from jiuzhang.synthesize import failures_path, run_teacher, usage_path


class Killed(BaseException):
    """Stands in for SIGKILL."""


class FakeTeacher:
    """Answers `answer to <prompt>`; counts usage like a server (1 prompt token per character);
    raises `Killed` on call number `kill_at`."""

    def __init__(self, kill_at: int = -1) -> None:
        self.kill_at = kill_at
        self.calls = 0
        self.prompt_tokens = self.completion_tokens = self.requests = 0

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        if self.calls == self.kill_at:
            raise Killed()
        self.calls += 1
        self.requests += len(prompts)
        self.prompt_tokens += sum(len(p) for p in prompts)
        self.completion_tokens += 2 * len(prompts)
        return [Generation(f"answer to {p}", "stop", 2) for p in prompts]

    def usage(self) -> dict:
        return {
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost": self.completion_tokens * 0.01,
            "price_per_1k_completion": 10.0,
        }


@pytest.fixture()
def backends(monkeypatch: pytest.MonkeyPatch) -> list[FakeTeacher]:
    queue: list[FakeTeacher] = []
    monkeypatch.setattr(teacher_module, "make_generator", lambda *args: queue.pop(0))
    return queue


def _prompts(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "prompts.jsonl"
    rows = [{"prompt": f"q{i}", "level": "grade"} if i % 2 else {"id": f"x{i}", "prompt": f"q{i}"}
            for i in range(n)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _run(prompts: Path, out: Path, **overrides: object) -> dict:
    args: dict = dict(
        prompts=str(prompts),
        model="teacher-model",
        output=str(out),
        sampling={"max_new_tokens": 8},
        backend_options={"base_url": "http://127.0.0.1:1/v1", "api_key": "sk-secret"},
        rows_per_batch=2,
    )
    return run_teacher(**{**args, **overrides})


def test_kd_rows_have_prompt_and_completion(tmp_path: Path, backends: list[FakeTeacher]) -> None:
    prompts = _prompts(tmp_path, 3)
    out = tmp_path / "kd.jsonl"
    backends.append(FakeTeacher())
    summary = _run(prompts, out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows == [
        {"id": "x0", "prompt": "q0", "completion": "answer to q0", "finish_reason": "stop",
         "n_tokens": 2},
        {"id": "line-2", "level": "grade", "prompt": "q1", "completion": "answer to q1",
         "finish_reason": "stop", "n_tokens": 2},
        {"id": "x2", "prompt": "q2", "completion": "answer to q2", "finish_reason": "stop",
         "n_tokens": 2},
    ]  # fmt: skip
    assert failures_path(out).read_text() == ""
    assert summary["runs"] == 1 and summary["requests"] == 3 and summary["generated"] == 3
    assert json.loads(usage_path(out).read_text()) == summary
    for path in (usage_path(out), Path(f"{out}.manifest.json")):
        assert "sk-secret" not in path.read_text()


def test_usage_is_summed_over_a_killed_and_a_resumed_run(
    tmp_path: Path, backends: list[FakeTeacher]
) -> None:
    prompts = _prompts(tmp_path, 7)
    out = tmp_path / "kd.jsonl"
    backends.append(FakeTeacher(kill_at=2))  # killed generating the third batch
    with pytest.raises(Killed):
        _run(prompts, out)
    saved = json.loads(Path(f"{out}.partial.usage.json").read_text())
    assert saved["usage"]["requests"] == 4
    backends.append(FakeTeacher())
    summary = _run(prompts, out)
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [
        "x0", "line-2", "x2", "line-4", "x4", "line-6", "x6"
    ]  # fmt: skip
    assert summary["runs"] == 2 and summary["requests"] == 7  # 4 + the 3 left
    assert summary["prompt_tokens"] == 14 and summary["completion_tokens"] == 14
    assert summary["cost"] == pytest.approx(0.14)
    assert not Path(f"{out}.partial.usage.json").exists()


def test_usage_of_another_partial_file_is_ignored(
    tmp_path: Path, backends: list[FakeTeacher]
) -> None:
    prompts = _prompts(tmp_path, 2)
    out = tmp_path / "kd.jsonl"
    stale = {"fingerprint": "other", "usage": {"requests": 999, "runs": 5}}
    Path(f"{out}.partial.usage.json").write_text(json.dumps(stale))
    backends.append(FakeTeacher())
    summary = _run(prompts, out)
    assert summary["requests"] == 2 and summary["runs"] == 1


def test_prompt_rows_are_checked(tmp_path: Path, backends: list[FakeTeacher]) -> None:
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "ok"}\n{"prompt": ""}\n')
    with pytest.raises(DataError, match=rf"{prompts}:2: 'prompt' must be a non-empty string"):
        _run(prompts, tmp_path / "kd.jsonl")
    prompts.write_text('{"text": "no prompt"}\n')
    with pytest.raises(DataError, match=rf"{prompts}:1: missing field 'prompt'"):
        _run(prompts, tmp_path / "kd.jsonl")
