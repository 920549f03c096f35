"""Hub downloads as DAG artifacts: resumable, pinned, checksummed (issue: raw inputs are artifacts).

The real hub is unreachable here, so huggingface_hub talks to `hubserver.HubServer`, a local
server speaking the hub's HTTP API, through `HF_ENDPOINT`. Each download runs in a subprocess
(huggingface_hub reads the endpoint at import), as the rule's job would.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from dagutil import copy_workflow, snakemake
from hubserver import HubServer

BIG = "data/big.jsonl"
DOWNLOAD = """
import json, sys
from jiuzhang.common.hub import HubSnapshot, download_snapshot
spec = HubSnapshot.from_mapping(json.loads(sys.argv[1]))
print(json.dumps(download_snapshot(spec, sys.argv[2])))
"""


def _env(hub: HubServer, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_HOME": str(tmp / "hf-home"),  # no token or cache of the user's
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }


def _download(hub: HubServer, tmp: Path, spec: dict, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DOWNLOAD, json.dumps(spec), str(out)],
        env=_env(hub, tmp), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A dataset repo: a 24 MB LFS file, a small LFS file, plain git files, a folder to exclude."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    (root / "extra").mkdir()
    block = os.urandom(1 << 20)
    (root / BIG).write_bytes(
        b"".join(hashlib.sha256(block + bytes([i])).digest() * 32768 for i in range(24))
    )
    (root / "data/small.jsonl").write_text('{"text": "a"}\n')
    (root / "README.md").write_text("# a dataset\n")
    (root / "extra/skip.txt").write_text("not wanted\n")
    return root


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_snapshot_is_pinned_filtered_and_verified(repo: Path, tmp_path: Path) -> None:
    with HubServer() as hub:
        served = hub.add("someone/corpus", repo)
        spec = {"repo": "someone/corpus", "include": ["data/*", "README.md"]}
        proc = _download(hub, tmp_path, spec, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-3000:]
    listing = json.loads(proc.stdout)
    assert listing["commit"] == served.commit and listing["revision"] == "main"
    assert sorted(listing["files"]) == ["README.md", "data/big.jsonl", "data/small.jsonl"]
    for rel, meta in listing["files"].items():
        assert meta["sha256"] == _sha(repo / rel) == _sha(tmp_path / "out" / rel)
    assert not (tmp_path / "out/extra").exists()


def test_dropped_connection_resumes_mid_file(repo: Path, tmp_path: Path) -> None:
    with HubServer() as hub:
        hub.add("someone/corpus", repo)
        hub.faults.drop_after[BIG] = 15 << 20  # 15 of 24 MB, then the connection dies
        proc = _download(hub, tmp_path, {"repo": "someone/corpus"}, tmp_path / "out")
        ranges = hub.gets(BIG)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert ranges[0] is None and ranges[1] == f"bytes={15 << 20}-"  # resumed where it broke
    assert _sha(tmp_path / "out" / BIG) == _sha(repo / BIG)


def test_killed_download_resumes_on_rerun(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with HubServer() as hub:
        hub.add("someone/corpus", repo)
        hub.faults.bytes_per_s = 8 << 20  # ~3 s for the big file
        job = subprocess.Popen(
            [sys.executable, "-c", DOWNLOAD, json.dumps({"repo": "someone/corpus"}), str(out)],
            env=_env(hub, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        part = out / f"{BIG}.partial"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # kill once some of the file is on disk
            if part.is_file() and part.stat().st_size >= 4 << 20:
                break
            time.sleep(0.05)
        job.send_signal(signal.SIGKILL)
        job.communicate()
        assert not (out / BIG).exists(), "killed before the file was complete"
        hub.faults.bytes_per_s = 0
        proc = _download(hub, tmp_path, {"repo": "someone/corpus"}, out)
        ranges = hub.gets(BIG)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(ranges) == 2 and ranges[0] is None
    assert ranges[1] is not None and int(ranges[1].removeprefix("bytes=").rstrip("-")) >= 4 << 20
    assert _sha(out / BIG) == _sha(repo / BIG) and not part.exists()


def test_corrupted_file_is_named_deleted_and_fetched_again(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with HubServer() as hub:
        hub.add("someone/corpus", repo)
        hub.faults.corrupt.add("data/small.jsonl")
        bad = _download(hub, tmp_path, {"repo": "someone/corpus"}, out)
        assert bad.returncode != 0
        assert "data/small.jsonl: checksum mismatch (sha256" in bad.stderr
        assert "deleted, rerun to fetch it again" in bad.stderr
        assert not (out / "data/small.jsonl").exists()
        assert _sha(out / BIG) == _sha(repo / BIG)  # the good files stay
        hub.faults.corrupt.clear()
        good = _download(hub, tmp_path, {"repo": "someone/corpus"}, out)
        big_gets = len(hub.gets(BIG))
    assert good.returncode == 0, good.stderr[-3000:]
    assert _sha(out / "data/small.jsonl") == _sha(repo / "data/small.jsonl")
    assert big_gets == 1  # the verified big file was not fetched twice


def test_bad_repo_revision_and_patterns_are_named(repo: Path, tmp_path: Path) -> None:
    with HubServer() as hub:
        hub.add("someone/corpus", repo)
        cases = {
            "someone/nothing": ({"repo": "someone/nothing"}, "repository not found"),
            "revision": ({"repo": "someone/corpus", "revision": "v9"}, "revision not found"),
            "include": ({"repo": "someone/corpus", "include": ["*.parquet"]}, "no file matches"),
        }
        for spec, message in cases.values():
            proc = _download(hub, tmp_path, spec, tmp_path / "out")
            assert proc.returncode != 0
            assert f"dataset {spec['repo']}@{spec.get('revision', 'main')}" in proc.stderr
            assert message in proc.stderr


def test_dag_downloads_before_the_sources_that_live_in_it(repo_root: Path, tmp_path: Path) -> None:
    """A source under data/<download>/ makes prepare_prompts depend on download_data; the rerun
    has nothing to do; a source elsewhere is read in place."""
    workdir = copy_workflow(repo_root, tmp_path / "wf")
    config_path = workdir / ".test/config/config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["downloads"] = {"mathpile": {"repo": "GAIR/MathPile", "include": ["train/textbooks/*"]}}
    config["sources"]["textbook"]["paths"] = [
        "data/mathpile/train/textbooks/textbooks_markdown.jsonl.gz"
    ]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    target = "results/prompts/textbook/stats.json"
    with HubServer() as hub:
        hub.add("GAIR/MathPile", repo_root / "resources/tiny/mathpile")
        env = _env(hub, tmp_path)
        dry = snakemake(
            workdir, "--dry-run", target, "results/prompts/wiki/stats.json", extra_env=env
        )
        plan = dry.stdout + dry.stderr
        assert "download_data" in plan and plan.count("prepare_prompts") >= 2
        snakemake(workdir, target, extra_env=env)
        again = snakemake(workdir, "--dry-run", target, extra_env=env)
    listing = json.loads((workdir / "data/mathpile.download.json").read_text())
    assert list(listing["files"]) == ["train/textbooks/textbooks_markdown.jsonl.gz"]
    assert (workdir / "data/mathpile.download.json.manifest.json").is_file()
    shipped = repo_root / "resources/tiny/mathpile/train/textbooks/textbooks_markdown.jsonl.gz"
    assert listing["files"]["train/textbooks/textbooks_markdown.jsonl.gz"]["sha256"] == _sha(
        shipped
    )
    assert json.loads((workdir / target).read_text())
    assert "Nothing to be done" in again.stdout + again.stderr


def test_hub_model_download_is_verified_and_loadable(tmp_path: Path) -> None:
    """download_model's entry point: the model files only (no optimizer states), checked, and
    loadable by transformers offline."""
    from jiuzhang.tiny.model import random_llama

    model = random_llama(tmp_path / "built")
    (model / "optimizer.pt").write_bytes(b"not wanted")
    out = tmp_path / "resources/hub/tiny"
    code = (
        "import sys; from jiuzhang.train.model_init import run_download_model;"
        "run_download_model(repo_id='someone/tiny-llama', revision='main', out_dir=sys.argv[1])"
    )
    with HubServer() as hub:
        served = hub.add("someone/tiny-llama", model, repo_type="model")
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out)],
            env=_env(hub, tmp_path), capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (out / "optimizer.pt").exists() and not out.with_name("tiny.download").exists()
    manifest = json.loads(out.with_name("tiny.manifest.json").read_text())
    assert manifest["counts"]["commit"] == served.commit
    for rel in ("config.json", "model.safetensors", "tokenizer.json"):
        assert _sha(out / rel) == _sha(model / rel)
    from transformers import AutoModelForCausalLM

    assert AutoModelForCausalLM.from_pretrained(out).config.hidden_size == 32
