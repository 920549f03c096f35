"""Synthesis survives kill -9, and the KD teacher works end to end, on real processes.

A real synthesis process (`python -c` calling `run_synth_shard`) runs on a tiny random-init
Llama, once with the `transformers` backend and once with the `openai` backend against a real
`transformers serve`; it is sent SIGKILL mid-shard (for HTTP: while requests are in flight, seen
by a small real proxy in front of the server), restarted, and the finished shard must hold every
row exactly once and equal, byte for byte, an uninterrupted run with the same settings (greedy
decoding). The KD teacher (`run_teacher`) then runs against the same server: KD rows, usage and
cost, client-side rate limits, a prompt the server refuses, the chat API.

Skipped when the serving extra is missing (HTTP tests only), except under CI=true.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpproxy import Proxy

from jiuzhang.generation import SamplingConfig, make_generator
from jiuzhang.generation.local_server import serve_available, serve_model
from jiuzhang.synthesize import failures_path, run_synth_shard, run_teacher, usage_path
from jiuzhang.tiny.model import random_llama

N_ROWS = 16
ROWS_PER_BATCH = 4
SAMPLING = {"temperature": 0.0, "max_new_tokens": 12, "seed": 11}
STARTUP_LIMIT_S = 60.0
KILL_LIMIT_S = 60.0
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1"}
# The synthesis entry point the killed and restarted processes run.
ENTRY = (
    "import json, logging, sys\n"
    "logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
    "from jiuzhang.synthesize import run_synth_shard\n"
    "run_synth_shard(**json.loads(sys.argv[1]))\n"
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny untied random Llama (it does not just copy its prompt), with a minimal chat
    template so the chat API can be served too."""
    from transformers import AutoTokenizer

    path = random_llama(tmp_path_factory.mktemp("model"), seed=3, tied=False)
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    tokenizer.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("prompts") / "shard-00000.jsonl"
    rows = [
        {"id": f"t-{i:03d}", "source": "textbook", "level": "grade",
         "prompt": f"## Question\nMia has {i} pencils and {i % 7} pens.\n\n## Solution\n"}
        for i in range(N_ROWS)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _args(prompts: Path, model: str, output: Path, backend: str, options: dict) -> dict:
    return {
        "prompts": str(prompts),
        "model": model,
        "output": str(output),
        "sampling": SAMPLING,
        "backend": backend,
        "backend_options": options,
        "shard_key": "textbook/00000",
        "rows_per_batch": ROWS_PER_BATCH,
    }


def _lines(path: Path) -> int:
    """Complete lines in a file (0 if absent)."""
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _kill_mid_shard(args: dict, ready: callable = lambda: True) -> tuple[int, int]:  # type: ignore[valid-type]
    """Start a synthesis process; SIGKILL it once its partial file holds at least one batch but
    not the last one and `ready()` holds; return (rows in the partial file, its exit status)."""
    partial = Path(args["output"] + ".partial")
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, json.dumps(args)],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + KILL_LIMIT_S
        while time.monotonic() < deadline and process.poll() is None:
            done = _lines(partial)
            if ROWS_PER_BATCH <= done <= N_ROWS - 2 * ROWS_PER_BATCH and ready():
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    assert status == -signal.SIGKILL, f"not killed mid-shard (status {status}):\n{stderr[-3000:]}"
    return _lines(partial), status


def _resume(args: dict) -> str:
    """Run the synthesis process to the end; return its log."""
    proc = subprocess.run(
        [sys.executable, "-c", ENTRY, json.dumps(args)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stderr


def _check_resumed(out: Path, reference: Path, at_kill: int, log: str) -> None:
    """Every row once (shard + sidecar), nothing missing, and byte-identical to the reference."""
    resumed_from = re.search(r"resuming .* after (\d+) of (\d+) rows", log)
    assert resumed_from, f"the restarted process did not resume:\n{log[-2000:]}"
    kept = int(resumed_from.group(1))
    assert kept == at_kill - at_kill % ROWS_PER_BATCH and 0 < kept < N_ROWS
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    failed = [json.loads(line)["id"] for line in failures_path(out).read_text().splitlines()]
    expected = [f"t-{i:03d}" for i in range(N_ROWS)]
    assert sorted(ids + failed) == expected  # 0 missing, 0 duplicated
    assert ids == [i for i in expected if i not in failed]  # in row order
    assert out.read_bytes() == reference.read_bytes()
    assert failures_path(out).read_bytes() == failures_path(reference).read_bytes()
    assert not Path(str(out) + ".partial").exists()


def test_transformers_shard_survives_kill_9(model_dir: str, prompts: Path, tmp_path: Path) -> None:
    options = {"batch_size": ROWS_PER_BATCH}
    reference = tmp_path / "reference.jsonl"
    run_synth_shard(**_args(prompts, model_dir, reference, "transformers", options))
    out = tmp_path / "killed.jsonl"
    args = _args(prompts, model_dir, out, "transformers", options)
    at_kill, _ = _kill_mid_shard(args)
    log = _resume(args)
    _check_resumed(out, reference, at_kill, log)


# --- a real `transformers serve` -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Server:
    base_url: str
    model: str


@pytest.fixture(scope="module")
def server(model_dir: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`transformers serve` pinned to the tiny model on a free port; always stopped afterwards."""
    missing = serve_available()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {missing}", pytrace=False)
        pytest.skip(missing)
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve_model(model_dir, log_path, timeout_s=STARTUP_LIMIT_S) as running:
        yield Server(running.base_url, running.model)


def _refusing(upstream: str, marker: str) -> Proxy:
    """A proxy that refuses prompts containing `marker` the way vLLM refuses an over-long one."""
    refusal = json.dumps({"error": {"message": (
        "This model's maximum context length is 128 tokens. However, you requested 4100 "
        "tokens. Please reduce the length of the prompt.")}}).encode()  # fmt: skip

    def refuse(number: int, body: bytes) -> tuple[int, bytes] | None:
        return (400, refusal) if marker in body.decode("utf-8", "replace") else None

    return Proxy(upstream, refuse)


def test_http_shard_survives_kill_9_with_requests_in_flight(
    server: Server, prompts: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.jsonl"
    options = {"base_url": server.base_url, "concurrency": ROWS_PER_BATCH}
    run_synth_shard(**_args(prompts, server.model, reference, "openai", options))
    out = tmp_path / "killed.jsonl"
    in_flight_at_kill = []
    with Proxy(server.base_url) as proxy:
        args = _args(
            prompts, server.model, out, "openai", {**options, "base_url": proxy.url + "/v1"}
        )

        def requests_in_flight() -> bool:
            in_flight_at_kill[:] = [proxy.in_flight]
            return proxy.in_flight > 0

        at_kill, _ = _kill_mid_shard(args, ready=requests_in_flight)
    assert in_flight_at_kill[0] > 0
    log = _resume({**args, "backend_options": options})  # straight to the server this time
    _check_resumed(out, reference, at_kill, log)
    # Greedy text over HTTP equals the transformers backend's (pinned in test_openai_backend).
    assert any(json.loads(line)["generated_text"] for line in out.read_text().splitlines())


# --- the KD teacher --------------------------------------------------------------------------


def _kd_prompts(tmp_path: Path, n: int, refuse_at: int = -1) -> Path:
    path = tmp_path / "kd_prompts.jsonl"
    rows = [{"id": f"kd-{i}", "level": "grade",
             "prompt": ("TOO LONG " if i == refuse_at else "") + f"Mia has {i + 3} pencils. "}
            for i in range(n)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_teacher_writes_kd_set_with_usage_and_cost(
    server: Server, model_dir: str, tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    prompts = _kd_prompts(tmp_path, 10, refuse_at=6)
    out = tmp_path / "kd" / "train.jsonl"
    out.parent.mkdir()
    sampling = {"max_new_tokens": 12, "seed": 0}
    with _refusing(server.base_url, "TOO LONG") as proxy:
        summary = run_teacher(
            prompts=str(prompts),
            model=server.model,
            output=str(out),
            sampling=sampling,
            backend_options={
                "base_url": proxy.url + "/v1",
                "concurrency": 4,
                "price_per_1k_prompt": 2.5,
                "price_per_1k_completion": 10.0,
                "api_key": "sk-secret",
            },
            rows_per_batch=4,
            max_failure_rate=0.1,
        )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"kd-{i}" for i in range(10) if i != 6]
    assert all(set(r) >= {"prompt", "completion"} and r["level"] == "grade" for r in rows)
    # The KD completions are the model's greedy text (the transformers backend on the same model).
    local = make_generator("transformers", model_dir, {"batch_size": 4}).generate(
        [r["prompt"] for r in rows], SamplingConfig.from_mapping(sampling)
    )
    assert [r["completion"] for r in rows] == [g.text for g in local]
    [failure] = [json.loads(line) for line in failures_path(out).read_text().splitlines()]
    assert failure["id"] == "kd-6" and failure["reason"] == "backend_error"
    assert "HTTP 400" in failure["detail"] and "maximum context length" in failure["detail"]
    # Usage: the server's own counts, summed; cost at the configured prices.
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    prompt_tokens = sum(len(tokenizer(r["prompt"])["input_ids"]) for r in rows)
    completion_tokens = sum(r["n_tokens"] for r in rows)
    assert json.loads(usage_path(out).read_text()) == summary
    assert summary["requests"] == 9 and summary["failed_requests"] == 1
    assert (summary["prompt_tokens"], summary["completion_tokens"]) == (
        prompt_tokens,
        completion_tokens,
    )
    assert summary["cost"] == pytest.approx(prompt_tokens * 0.0025 + completion_tokens * 0.01)
    assert (summary["rows"], summary["generated"], summary["failed"]) == (10, 9, 1)
    manifest = Path(str(out) + ".manifest.json").read_text()
    assert "sk-secret" not in manifest and "sk-secret" not in usage_path(out).read_text()


def test_teacher_rate_limit_paces_real_requests(server: Server, tmp_path: Path) -> None:
    """300 requests/min = 5/s with a bucket of 5: 12 requests need >= 7 x 0.2 s."""
    prompts = _kd_prompts(tmp_path, 12)
    out = tmp_path / "kd.jsonl"
    start = time.monotonic()
    summary = run_teacher(
        prompts=str(prompts),
        model=server.model,
        output=str(out),
        sampling={"max_new_tokens": 2},
        backend_options={
            "base_url": server.base_url,
            "concurrency": 12,
            "requests_per_minute": 300,
        },  # fmt: skip
        rows_per_batch=12,
    )
    elapsed = time.monotonic() - start
    assert elapsed >= 1.4 - 0.05
    assert summary["requests"] == 12 and summary["rate_limit_wait_s"] >= 1.4 - 0.05


def test_teacher_chat_api(server: Server, tmp_path: Path) -> None:
    prompts = _kd_prompts(tmp_path, 3)
    out = tmp_path / "kd.jsonl"
    summary = run_teacher(
        prompts=str(prompts),
        model=server.model,
        output=str(out),
        sampling={"max_new_tokens": 6},
        backend_options={"base_url": server.base_url, "api": "chat", "tokens_per_minute": 6000},
        max_failure_rate=0.0,
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3 and all(r["completion"] for r in rows)
    assert summary["requests"] == 3 and summary["completion_tokens"] == sum(
        r["n_tokens"] for r in rows
    )
