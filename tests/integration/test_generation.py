"""The transformers backend on a tiny random-init Llama built by the project: deterministic
sampling, stop strings, and a synthesis shard that resumes after a kill, losing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhang.generation import SamplingConfig, make_generator
from jiuzhang.synthesize import run_synth_shard
from jiuzhang.synthesize.shard import _fingerprint, shard_settings
from jiuzhang.tiny.model import random_llama


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(random_llama(tmp_path_factory.mktemp("model")))


SAMPLING = {"temperature": 1.0, "top_p": 0.9, "max_new_tokens": 12, "seed": 5}


def test_sampling_is_deterministic_per_seed(tiny_model: str) -> None:
    generator = make_generator("transformers", tiny_model, {"batch_size": 3})
    prompts = [f"## Question\nq{i}\n\n## Solution\n" for i in range(5)]
    first = generator.generate(prompts, SamplingConfig(**SAMPLING))
    again = generator.generate(prompts, SamplingConfig(**SAMPLING))
    other = generator.generate(prompts, SamplingConfig(**{**SAMPLING, "seed": 6}))
    assert first == again and first != other
    assert all(g.n_tokens <= 12 and g.finish_reason in ("stop", "length") for g in first)


def test_greedy_stops_at_stop_string(tiny_model: str) -> None:
    generator = make_generator("transformers", tiny_model, {"batch_size": 2})
    [free] = generator.generate(["Mia"], SamplingConfig(max_new_tokens=12))
    assert free.text, "random model produced nothing"
    stop = free.text[2:5]
    [cut] = generator.generate(["Mia"], SamplingConfig(max_new_tokens=12, stop=(stop,)))
    assert stop not in cut.text and free.text.startswith(cut.text)
    assert cut.finish_reason == "stop"


def _shard(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "prompts.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "source": "s", "level": "grade", "prompt": f"Problem {i}:"})
            + "\n"
            for i in range(n)
        )
    )
    return path


def _shard_args(prompts: Path, model: str, **overrides: object) -> dict:
    """Arguments of `run_synth_shard` for a test shard (output left to the caller)."""
    args = dict(
        prompts=str(prompts),
        model=model,
        sampling=SAMPLING,
        backend="transformers",
        backend_options={"batch_size": 4},
        shard_key="s/00000",
    )
    return {**args, **overrides}


def test_synthesis_shard_resumes_after_a_kill(tiny_model: str, tmp_path: Path) -> None:
    prompts = _shard(tmp_path, 10)
    args = _shard_args(prompts, tiny_model, rows_per_batch=4, samples_per_prompt=2)
    whole = tmp_path / "whole.jsonl"
    assert run_synth_shard(output=str(whole), **args) == 20
    lines = whole.read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines[:3]] == ["r0-s0", "r0-s1", "r1-s0"]
    # A job killed mid-write: one whole batch, part of the next, a torn line; its key file says
    # which inputs and settings it was made from.
    resumed = tmp_path / "resumed.jsonl"
    partial = tmp_path / "resumed.jsonl.partial"
    partial.write_text("\n".join(lines[:6]) + "\n" + lines[6][:10])
    names = ("sampling", "backend", "backend_options", "rows_per_batch", "samples_per_prompt")
    settings = shard_settings(*(args[k] for k in names), args["shard_key"])
    key = tmp_path / "resumed.jsonl.partial.key"
    key.write_text(_fingerprint(str(prompts), tiny_model, settings))
    marker = json.loads(lines[0]) | {"generated_text": "FROM THE PARTIAL FILE"}
    partial.write_text(json.dumps(marker) + "\n" + partial.read_text().split("\n", 1)[1])
    assert run_synth_shard(output=str(resumed), **args) == 20
    resumed_lines = resumed.read_text().splitlines()
    assert json.loads(resumed_lines[0])["generated_text"] == "FROM THE PARTIAL FILE"  # resumed
    assert resumed_lines[1:] == lines[1:]  # every other row exactly once, same text
    assert not partial.exists() and not key.exists()


def test_stale_partial_file_is_not_resumed(tiny_model: str, tmp_path: Path) -> None:
    prompts = _shard(tmp_path, 4)
    args = _shard_args(prompts, tiny_model, rows_per_batch=2)
    out = tmp_path / "out.jsonl"
    stale = {"id": "r0", "generated_text": "made with another seed"}
    (tmp_path / "out.jsonl.partial").write_text((json.dumps(stale) + "\n") * 2)
    (tmp_path / "out.jsonl.partial.key").write_text("another fingerprint\n")
    run_synth_shard(output=str(out), **args)
    assert "made with another seed" not in out.read_text()


def test_stop_string_straddling_the_prompt_does_not_stop(tiny_model: str) -> None:
    """Only generated text is searched for stop strings (as vLLM and OpenAI servers do)."""
    generator = make_generator("transformers", tiny_model, {"batch_size": 2})
    prompt = "We compute 7"
    [free] = generator.generate([prompt], SamplingConfig(max_new_tokens=12))
    straddle = prompt[-2:] + free.text[:1]
    assert free.text and straddle not in free.text
    [same] = generator.generate([prompt], SamplingConfig(max_new_tokens=12, stop=(straddle,)))
    assert same == free


def test_batch_size_is_part_of_the_resume_fingerprint(tiny_model: str, tmp_path: Path) -> None:
    """transformers seeds sampling per batch, so a partial file written with another batch size
    is not resumed (the HTTP backend seeds per row: its options do not matter)."""
    prompts = str(_shard(tmp_path, 2))

    def key(backend: str, options: dict) -> str:
        settings = shard_settings(SAMPLING, backend, options, 4, 1, "s/00000")
        return _fingerprint(prompts, tiny_model, settings)

    assert key("transformers", {"batch_size": 4}) != key("transformers", {"batch_size": 8})
    assert key("openai", {"concurrency": 4}) == key("openai", {"concurrency": 8})
