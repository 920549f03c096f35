"""The `openai` backend against a real `transformers serve` (5.24) on a tiny random-init Llama.

No mocked client and no fake model server: a subprocess serves the model over HTTP, and a small
real `http.server` proxy in a thread stands in front of it where a test needs failures (HTTP 503)
or to see what the client sent. Skipped when the serving extra (`transformers[serving]`) is not
installed, except under CI=true, where that is a failure.

Facts about `transformers serve` 5.24.0 these tests pin (see openai_backend.py):
- greedy text equals the `transformers` backend's; `usage.completion_tokens` counts the EOS token;
- a stop string straddling the prompt's end stops it early (the backend resends without `stop`);
- sampling needs `do_sample` in the generation config; `top_k` is refused with HTTP 422;
- a server pinned to one model answers another model name with HTTP 400.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpproxy import Proxy

from jiuzhang.common.errors import ConfigError
from jiuzhang.generation import Generation, Generator, SamplingConfig, make_generator
from jiuzhang.generation.local_server import serve_available, serve_model
from jiuzhang.tiny.model import random_llama

PROMPTS = [
    "## Question\nMia has 3 pencils.\n\n## Solution\n",
    "Mia",
    "We compute 7",
    "pencils",
    "## Solution\nWe",
    "## Question\nq5\n",
    "Mia has 7",
    "7 + 2 =",
]
MAX_NEW = 12
STARTUP_LIMIT_S = 60.0


@dataclasses.dataclass(frozen=True)
class Server:
    """A running `transformers serve`: its /v1 URL, the model id it expects, how long it took."""

    base_url: str
    model: str
    model_dir: str
    startup_s: float
    log: Path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny random-init Llama whose greedy output ends in EOS for some prompts, not others.

    Untied embeddings keep the random model from copying its input. The EOS row of the output
    layer is set to 1.5x the row of the 4th token the first prompt generates, so EOS wins
    wherever that token would (a deterministic way to get both finish reasons).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root = tmp_path_factory.mktemp("openai-model")
    random_llama(root / "build", seed=1, tied=False)
    tokenizer = AutoTokenizer.from_pretrained(root / "build/model")
    model = AutoModelForCausalLM.from_pretrained(root / "build/model")
    enc = tokenizer(PROMPTS[0], return_tensors="pt")
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=4, do_sample=False)
    token = int(out[0, enc["input_ids"].shape[1] + 3])
    with torch.no_grad():
        model.lm_head.weight[tokenizer.eos_token_id] = 1.5 * model.lm_head.weight[token]
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    return str(root / "model")


def _get_json(url: str, timeout: float = 2.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """`transformers serve` pinned to the tiny model on a free port; always stopped afterwards."""
    missing = serve_available()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {missing}", pytrace=False)
        pytest.skip(missing)
    model_dir: str = request.getfixturevalue("model_dir")  # built only when it can be served
    tmp_path_factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve_model(model_dir, log_path, timeout_s=STARTUP_LIMIT_S) as running:
        print(f"\ntransformers serve ready in {running.startup_s:.1f}s at {running.base_url}")
        yield Server(running.base_url, running.model, model_dir, running.startup_s, log_path)


def _openai(server: Server, **options: object) -> Generator:
    return make_generator("openai", server.model, {"base_url": server.base_url, **options})


@pytest.fixture(scope="module")
def hf_greedy(model_dir: str) -> list[Generation]:
    """The transformers backend's greedy output (batched, left-padded) on PROMPTS."""
    generator = make_generator("transformers", model_dir, {"batch_size": 4})
    return generator.generate(PROMPTS, SamplingConfig(max_new_tokens=MAX_NEW))


def _proxied(server: Server, fail_first: int) -> Proxy:
    """A proxy that answers the first `fail_first` POSTs with 503, then forwards."""

    def warming_up(number: int, body: bytes) -> tuple[int, bytes] | None:
        return (503, b'{"error": {"message": "warming up"}}') if number <= fail_first else None

    return Proxy(server.base_url, warming_up)


# --- (a) one Generation per prompt, in order --------------------------------------------------


def test_server_starts_and_lists_the_pinned_model(server: Server) -> None:
    assert server.model == server.model_dir  # the positional model arg, verbatim
    assert server.startup_s < 30, f"transformers serve took {server.startup_s:.1f}s to start"


def test_concurrent_greedy_completions_keep_prompt_order(server: Server) -> None:
    sampling = SamplingConfig(max_new_tokens=MAX_NEW)
    together = _openai(server, concurrency=4).generate(PROMPTS, sampling)
    one_by_one = [_openai(server, concurrency=1).generate([p], sampling)[0] for p in PROMPTS]
    assert together == one_by_one
    assert len({g.text for g in together}) > 1, "outputs do not depend on the prompt"
    for g in together:
        assert 0 < g.n_tokens <= MAX_NEW and g.finish_reason in ("stop", "length")


# --- (b) greedy HTTP output equals the transformers backend's ---------------------------------


def test_greedy_text_equals_transformers_backend(
    server: Server, hf_greedy: list[Generation]
) -> None:
    served = _openai(server, concurrency=4).generate(
        PROMPTS, SamplingConfig(max_new_tokens=MAX_NEW)
    )
    assert [g.text for g in served] == [g.text for g in hf_greedy]
    assert [g.finish_reason for g in served] == [g.finish_reason for g in hf_greedy]
    assert {g.finish_reason for g in hf_greedy} == {"stop", "length"}, "both endings covered"
    for http_gen, local in zip(served, hf_greedy, strict=True):
        # The server's usage counts the EOS token; the transformers backend does not.
        assert http_gen.n_tokens == local.n_tokens + (local.finish_reason == "stop")


# --- (c) stop strings ------------------------------------------------------------------------


def _ascii_start(generations: list[Generation]) -> int:
    """Index of a prompt whose greedy text is long and starts with printable ASCII."""
    for i, g in enumerate(generations):
        if g.finish_reason == "length" and g.text[:1].isascii() and g.text[:1].isprintable():
            return i
    raise AssertionError(f"no usable greedy output: {generations}")


def test_stop_string_cuts_like_transformers_backend(
    server: Server, model_dir: str, hf_greedy: list[Generation]
) -> None:
    i = _ascii_start(hf_greedy)
    free = hf_greedy[i].text
    stop = next(m.group() for m in re.finditer(r"[ -~]{2}", free) if m.start() > 0)
    sampling = SamplingConfig(max_new_tokens=MAX_NEW, stop=(stop, "never appears"))
    [served] = _openai(server).generate([PROMPTS[i]], sampling)
    [local] = make_generator("transformers", model_dir, {}).generate([PROMPTS[i]], sampling)
    assert served.text == local.text == free[: free.index(stop)]
    assert served.finish_reason == local.finish_reason == "stop"
    assert served.n_tokens < hf_greedy[i].n_tokens  # the server stopped early


def test_stop_string_straddling_the_prompt_end_is_ignored(
    server: Server, hf_greedy: list[Generation]
) -> None:
    i = _ascii_start(hf_greedy)
    prompt, free = PROMPTS[i], hf_greedy[i].text
    stop = prompt[-2:] + free[0]  # matches only across the prompt/completion join
    assert stop not in free
    # What the server does by itself: it stops at the straddling match.
    body = {"model": server.model, "prompt": prompt, "max_tokens": MAX_NEW, "temperature": 0}
    raw = urllib.request.Request(
        server.base_url + "/completions",
        data=json.dumps({**body, "stop": [stop]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(raw, timeout=30) as response:
        reply = json.loads(response.read())
    assert reply["usage"]["completion_tokens"] < MAX_NEW
    # The backend notices and resends without `stop`, giving the full greedy text.
    [served] = _openai(server).generate(
        [prompt], SamplingConfig(max_new_tokens=MAX_NEW, stop=(stop,))
    )
    assert (served.text, served.finish_reason) == (free, "length")


# --- (d) retries -----------------------------------------------------------------------------


def test_http_503_is_retried_then_succeeds(server: Server, hf_greedy: list[Generation]) -> None:
    with _proxied(server, fail_first=2) as proxy:
        generator = make_generator(
            "openai",
            server.model,
            {"base_url": proxy.url + "/v1", "max_retries": 3, "backoff_s": 0.05, "api_key": "k1"},
        )
        start = time.monotonic()
        [g] = generator.generate([PROMPTS[0]], SamplingConfig(max_new_tokens=MAX_NEW))
        elapsed = time.monotonic() - start
    assert g.text == hf_greedy[0].text
    assert len(proxy.posts) == 3 and elapsed >= 0.05 + 0.1  # two backoffs: 0.05 s, 0.1 s
    assert all(h.get("Authorization") == "Bearer k1" for h in proxy.posts)


def test_http_503_gives_up_after_max_retries(server: Server) -> None:
    with _proxied(server, fail_first=100) as proxy:
        generator = _openai(server, base_url=proxy.url + "/v1", max_retries=2, backoff_s=0.05)
        with pytest.raises(RuntimeError, match=r"HTTP 503 .*after 3 attempts: warming up"):
            generator.generate(["Mia"], SamplingConfig(max_new_tokens=4))
    assert len(proxy.posts) == 3


def test_unreachable_url_fails_clearly_after_retries() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    generator = make_generator(
        "openai", "m", {"base_url": url, "max_retries": 2, "backoff_s": 0.05}
    )
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=re.escape(f"{url}/completions: unreachable after 3")):
        generator.generate(["a", "b"], SamplingConfig(max_new_tokens=4))
    assert time.monotonic() - start < 5


# --- (e) client errors fail at once ----------------------------------------------------------


def test_unknown_model_fails_at_once_with_status_and_message(server: Server) -> None:
    with _proxied(server, fail_first=0) as proxy:
        generator = make_generator(
            "openai", "no-such-model", {"base_url": proxy.url + "/v1", "backoff_s": 5.0}
        )
        start = time.monotonic()
        with pytest.raises(RuntimeError, match=r"HTTP 400 .*Server is pinned to .*no-such-model"):
            generator.generate(["Mia"], SamplingConfig(max_new_tokens=4))
    assert len(proxy.posts) == 1 and time.monotonic() - start < 5


def test_field_the_server_rejects_is_named(server: Server) -> None:
    sampling = SamplingConfig(temperature=1.0, top_k=5, max_new_tokens=4)
    with pytest.raises(RuntimeError, match=r"HTTP 422 .*top_k"):
        _openai(server).generate(["Mia"], sampling)


# --- sampling through transformers serve ------------------------------------------------------


def test_sampling_needs_do_sample_and_is_seeded(
    server: Server, hf_greedy: list[Generation]
) -> None:
    sampling = SamplingConfig(temperature=1.0, top_p=1.0, max_new_tokens=MAX_NEW, seed=3)
    prompts = PROMPTS[:4]
    # Without do_sample in the model's generation config, the server decodes greedily.
    plain = _openai(server, concurrency=1).generate(prompts, sampling)
    assert [g.text for g in plain] == [g.text for g in hf_greedy[:4]]
    sampler = _openai(
        server, concurrency=1, extra_body={"generation_config": json.dumps({"do_sample": True})}
    )
    first = sampler.generate(prompts, sampling)
    assert first == sampler.generate(prompts, sampling)  # same seed, same text (concurrency 1)
    assert first != sampler.generate(prompts, dataclasses.replace(sampling, seed=4))
    assert first != plain


# --- option validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"base_url": "127.0.0.1:8000/v1"}, "base_url must be an http"),
        ({"concurrency": 0}, "concurrency must be an integer >= 1"),
        ({"concurrency": 2.5}, "concurrency must be an integer"),
        ({"max_retries": -1}, "max_retries must be an integer >= 0"),
        ({"backoff_s": -0.1}, "backoff_s must be a number >= 0"),
        ({"timeout_s": 0}, "timeout_s must be a number > 0"),
        ({"extra_body": {"prompt": "x"}}, "extra_body may not set"),
        ({"extra_body": ["top_k", 5]}, "extra_body must be a mapping"),
        ({"api_key_env": "JIUZHANG_TEST_UNSET_KEY"}, "JIUZHANG_TEST_UNSET_KEY is unset"),
        ({"api_key": "a", "api_key_env": "B"}, "not both"),
    ],
)
def test_bad_options_raise_config_error(
    options: dict, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JIUZHANG_TEST_UNSET_KEY", raising=False)
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_generator("openai", "m", options)


def test_api_key_read_from_named_environment_variable(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIUZHANG_TEST_KEY", "from-env")
    with _proxied(server, fail_first=0) as proxy:
        generator = _openai(server, base_url=proxy.url + "/v1", api_key_env="JIUZHANG_TEST_KEY")
        generator.generate(["Mia"], SamplingConfig(max_new_tokens=2))
    assert [h.get("Authorization") for h in proxy.posts] == ["Bearer from-env"]
