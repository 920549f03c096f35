"""OpenAI-compatible HTTP backend (`/v1/completions`, or `/v1/chat/completions` with
`api="chat"`): any served model, e.g. vLLM, `transformers serve`, or a hosted teacher model.
Requests run concurrently in threads; results keep prompt order; transient failures (HTTP
408/409/429/5xx, refused or dropped connections, timeouts) are retried with exponential backoff,
other HTTP errors fail at once with the server's message.

KD-teacher mode (SPEC §2.2, §2.5): client-side rate limits (`requests_per_minute`,
`tokens_per_minute`; token buckets shared by all request threads, every attempt counted) and cost
accounting (`usage()`: the server's `usage` token counts summed over every successful request,
priced with `price_per_1k_prompt` / `price_per_1k_completion`). `generate_each` returns a
per-prompt error instead of failing the batch, so a caller can record the failed prompts
without sending the others again.

Stdlib only (urllib). The API key is read once, here at the edge: `api_key`, or the environment
variable named by `api_key_env`; it is sent as `Authorization: Bearer <key>` and never logged.

What the text means, whatever the server:
- `text` is the completion cut at the earliest stop string (servers differ on whether they strip
  it), matched in the generated text only. `transformers serve` (5.24) also matches a stop string
  that straddles the end of the prompt and stops early; when a reply shows that, the request is
  sent again without `stop` and cut here, so the text is what the `transformers` backend gives.
- `finish_reason` is "length" only when the server says so and no stop string was found.
- `n_tokens` is the server's `usage.completion_tokens`: every generated token, the EOS token
  included (the `transformers` backend leaves EOS out), and only up to the stop string when the
  server stops there. A server that sends no usage gives 0.
- With `api="chat"` the prompt is sent as one user message (the server applies the model's chat
  template) and `text` is the reply message's content, cut at the earliest stop string likewise.

Measured against `transformers serve` 5.24.0 (see tests/integration/test_openai_backend.py):
greedy text equals the `transformers` backend's. Sampling there needs `do_sample: true` in the
model's generation_config.json, or `extra_body={"generation_config": '{"do_sample": true}'}`
(otherwise a temperature > 0 still decodes greedily), and `seed` reseeds the server's global
torch RNG, so sampled text is reproducible only with `concurrency=1`. It rejects `top_k` and
`repetition_penalty` (HTTP 422), which vLLM accepts; both are sent only when set.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from jiuzhang.common.errors import ConfigError
from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation.base import Generation, SamplingConfig, truncate_at_stop

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_MAX_BACKOFF_S = 30.0
# Request fields the backend sets from the model, prompt and `SamplingConfig`; `extra_body` may add
# any other field, not these.
_OWN_FIELDS = frozenset(
    {"model", "prompt", "messages", "stream", "max_tokens", "temperature", "top_p", "seed", "stop",
     "top_k", "repetition_penalty"}
)  # fmt: skip
_APIS = ("completions", "chat")
_V1_ENDPOINTS = ("/v1/completions", "/v1/chat/completions")
# Client-side estimate of a request's tokens before the reply says (OpenAI's rule of thumb).
_CHARS_PER_TOKEN = 4
# Rounding slack of the bucket level: time differences on a large monotonic clock are inexact, and
# a wait shorter than the clock's resolution would never end.
_BUCKET_SLACK = 1e-6


class TokenBucket:
    """A thread-safe token bucket: `per_minute` units a minute, refilled continuously.

    The bucket holds at most `capacity` units (default: one second's allowance, at least 1), so
    traffic is paced rather than sent in one burst. `acquire(n)` waits until the bucket holds
    `min(n, capacity)` units, then takes `n`; the level may go below zero (a request larger than
    the bucket is let through when it is full, and later requests wait for the debt to refill).
    Over any window of T seconds at most `capacity + per_minute * T / 60` units start, plus one
    request's overshoot. `adjust(delta)` corrects an estimate once the true cost is known.

    `clock` and `sleep` are injectable so tests can run it on a fake clock.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        capacity: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not per_minute > 0:
            raise ValueError(f"TokenBucket: per_minute must be > 0, got {per_minute!r}")
        self.rate = per_minute / 60.0  # units per second
        self.capacity = float(capacity) if capacity is not None else max(1.0, self.rate)
        if not self.capacity > 0:
            raise ValueError(f"TokenBucket: capacity must be > 0, got {capacity!r}")
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._level = self.capacity
        self._updated = clock()
        self.waited_s = 0.0  # total time callers spent waiting

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.capacity, self._level + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self, amount: float = 1.0) -> float:
        """Take `amount` units, waiting as long as needed; return the seconds waited."""
        need = min(float(amount), self.capacity)
        waited = 0.0
        while True:
            with self._lock:
                self._refill()
                if self._level >= need - _BUCKET_SLACK:
                    self._level -= amount
                    self.waited_s += waited
                    return waited
                delay = (need - self._level) / self.rate
            self._sleep(delay)
            waited += delay

    def adjust(self, delta: float) -> None:
        """Charge `delta` more units (a negative `delta` gives units back, up to `capacity`)."""
        with self._lock:
            self._refill()
            self._level = min(self.capacity, self._level - delta)

    @property
    def level(self) -> float:
        """Units available now (negative while in debt)."""
        with self._lock:
            self._refill()
            return self._level


class OpenAIGenerator:
    """Generate through an OpenAI-compatible completions (or chat completions) endpoint.

    Options (all validated; a bad value raises `ConfigError`):
        base_url: server root including the API prefix, e.g. `http://127.0.0.1:8000/v1`.
        api: `completions` (raw prompt, `/completions`; the default) or `chat` (the prompt as one
            user message, `/chat/completions`: hosted chat models such as a KD teacher).
        api_key / api_key_env: the bearer token, or the environment variable holding it.
        concurrency: requests in flight at once (threads).
        max_retries: retries of a transient failure before giving up (0 = try once).
        backoff_s: first wait before a retry; doubles each time, capped at 30 s.
        timeout_s: per-request socket timeout.
        requests_per_minute: client-side limit on requests started per minute, retries included
            (0 = unlimited).
        tokens_per_minute: client-side limit on tokens per minute (0 = unlimited). A request is
            charged `max_tokens + prompt characters / 4` before it is sent, corrected to the
            server's `usage.total_tokens` when the reply comes.
        price_per_1k_prompt / price_per_1k_completion: prices (any currency) per 1000 prompt /
            completion tokens, for the `cost` in `usage()` (0 = not priced).
        extra_body: server-specific fields added to every request (e.g. vLLM's `min_p`); not the
            ones set from `SamplingConfig`.
        batch_size: accepted for config symmetry with the other backends; unused.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str = "http://127.0.0.1:8000/v1",
        api: str = "completions",
        api_key: str = "",
        api_key_env: str = "",
        concurrency: int = 8,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        timeout_s: float = 120.0,
        requests_per_minute: float = 0,
        tokens_per_minute: float = 0,
        price_per_1k_prompt: float = 0.0,
        price_per_1k_completion: float = 0.0,
        extra_body: Mapping[str, Any] | None = None,
        batch_size: int = 0,
    ) -> None:
        if not isinstance(model, str) or not model:
            raise ConfigError(f"openai backend: model must be a non-empty string, got {model!r}")
        parsed = urllib.parse.urlparse(base_url) if isinstance(base_url, str) else None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(
                f"openai backend: base_url must be an http(s) URL such as "
                f"'http://127.0.0.1:8000/v1', got {base_url!r}"
            )
        if api not in _APIS:
            raise ConfigError(f"openai backend: api must be one of {list(_APIS)}, got {api!r}")
        _check_int("concurrency", concurrency, minimum=1)
        _check_int("max_retries", max_retries, minimum=0)
        _check_int("batch_size", batch_size, minimum=0)
        _check_number("backoff_s", backoff_s, minimum=0.0, inclusive=True)
        _check_number("timeout_s", timeout_s, minimum=0.0, inclusive=False)
        for name, value in (
            ("requests_per_minute", requests_per_minute),
            ("tokens_per_minute", tokens_per_minute),
            ("price_per_1k_prompt", price_per_1k_prompt),
            ("price_per_1k_completion", price_per_1k_completion),
        ):
            _check_number(name, value, minimum=0.0, inclusive=True)
        if not isinstance(api_key, str) or not isinstance(api_key_env, str):
            raise ConfigError("openai backend: api_key and api_key_env must be strings")
        if api_key and api_key_env:
            raise ConfigError("openai backend: give api_key or api_key_env, not both")
        if api_key_env:
            api_key = os.environ.get(api_key_env, "")
            if not api_key:
                raise ConfigError(f"openai backend: environment variable {api_key_env} is unset")
        if extra_body is not None and not isinstance(extra_body, Mapping):
            raise ConfigError(f"openai backend: extra_body must be a mapping, got {extra_body!r}")
        extra = dict(extra_body or {})
        if _OWN_FIELDS & extra.keys():
            raise ConfigError(
                f"openai backend: extra_body may not set {sorted(_OWN_FIELDS & extra.keys())}"
            )
        self.model = model
        self.api = api
        self.url = base_url.rstrip("/") + ("/chat/completions" if api == "chat" else "/completions")
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.backoff_s = float(backoff_s)
        self.timeout_s = float(timeout_s)
        self.extra_body = extra
        self.request_limit = TokenBucket(requests_per_minute) if requests_per_minute else None
        self.token_limit = TokenBucket(tokens_per_minute) if tokens_per_minute else None
        self.prices = (float(price_per_1k_prompt), float(price_per_1k_completion))
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._usage_lock = threading.Lock()
        self._counts = {"requests": 0, "failed_requests": 0, "prompt_tokens": 0,
                        "completion_tokens": 0}  # fmt: skip

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """Send one request per prompt, `concurrency` at a time; results keep prompt order.

        The first failure cancels the requests not yet started and is raised.
        """
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="openai")
        try:
            futures: list[Future[Generation]] = [
                pool.submit(self._one, prompt, sampling, seed_offset, index)
                for index, prompt in enumerate(prompts)
            ]
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def generate_each(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation | Exception]:
        """Like `generate` (same requests, same seeds), but every prompt is tried and a prompt
        whose request failed (after retries) gets its exception in place of a `Generation`."""
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="openai") as pool:
            futures = [
                pool.submit(self._one, prompt, sampling, seed_offset, index)
                for index, prompt in enumerate(prompts)
            ]
            wait(futures)
        results: list[Generation | Exception] = []
        for future in futures:
            exc = future.exception()
            if exc is not None and not isinstance(exc, Exception):
                raise exc  # KeyboardInterrupt and the like are not a prompt's failure
            results.append(exc if exc is not None else future.result())
        return results

    def usage(self) -> dict[str, Any]:
        """Totals so far: successful and failed requests, the server's prompt/completion token
        counts summed, their cost at the configured prices, time spent waiting on rate limits."""
        with self._usage_lock:
            counts = dict(self._counts)
        price_prompt, price_completion = self.prices
        cost = (
            counts["prompt_tokens"] * price_prompt + counts["completion_tokens"] * price_completion
        ) / 1000.0
        waits = [b.waited_s for b in (self.request_limit, self.token_limit) if b is not None]
        return {
            **counts,
            "total_tokens": counts["prompt_tokens"] + counts["completion_tokens"],
            "price_per_1k_prompt": price_prompt,
            "price_per_1k_completion": price_completion,
            "cost": round(cost, 10),
            "rate_limit_wait_s": round(sum(waits), 6),
        }

    def _count(self, **increments: int) -> None:
        with self._usage_lock:
            for name, value in increments.items():
                self._counts[name] += value

    def _body(self, prompt: str, sampling: SamplingConfig, seed: int, stop: bool) -> dict:
        """The request body for one prompt (`stop`: whether to send the stop strings)."""
        body: dict[str, Any] = {"model": self.model}
        if self.api == "chat":
            body["messages"] = [{"role": "user", "content": prompt}]
        else:
            body["prompt"] = prompt
        body.update(
            max_tokens=sampling.max_new_tokens,
            temperature=sampling.temperature,
            top_p=1.0 if sampling.greedy else sampling.top_p,
            seed=seed,
        )
        stops = [s for s in sampling.stop if s]
        if stop and stops:
            body["stop"] = stops
        if sampling.top_k > 0:
            body["top_k"] = sampling.top_k
        if sampling.repetition_penalty != 1.0:
            body["repetition_penalty"] = sampling.repetition_penalty
        return {**body, **self.extra_body}

    def _one(
        self, prompt: str, sampling: SamplingConfig, seed_offset: int, index: int
    ) -> Generation:
        seed = derive_seed(sampling.seed, seed_offset, index) % (2**31)
        choice, usage = self._complete(self._body(prompt, sampling, seed, stop=True))
        text, stopped = truncate_at_stop(choice["text"], sampling.stop)
        if (
            self.api == "completions"
            and not stopped
            and choice.get("finish_reason") != "length"
            and _straddles_prompt_end(prompt, choice["text"], sampling.stop)
        ):
            # The server matched a stop string across the end of the prompt and stopped early
            # (transformers serve does): regenerate without server-side stop and cut here.
            log.debug("stop string straddles the prompt end; resending without `stop`")
            choice, usage = self._complete(self._body(prompt, sampling, seed, stop=False))
            text, stopped = truncate_at_stop(choice["text"], sampling.stop)
        reason = "length" if choice.get("finish_reason") == "length" and not stopped else "stop"
        n_tokens = usage.get("completion_tokens", 0)
        if not isinstance(n_tokens, int):
            n_tokens = 0
        return Generation(text=text, finish_reason=reason, n_tokens=n_tokens)

    def _complete(self, body: dict) -> tuple[dict, dict]:
        """POST `body`; return the first choice (with a string `text`) and the usage mapping."""
        reply = self._post(body)
        choices = reply.get("choices") if isinstance(reply, dict) else None
        if not choices or not isinstance(choices[0], dict):
            raise RuntimeError(f"{self.url}: reply has no choices: {_clip(json.dumps(reply))}")
        choice = dict(choices[0])
        if self.api == "chat":
            message = choice.get("message")
            choice["text"] = (message.get("content") if isinstance(message, dict) else "") or ""
        else:
            choice["text"] = choice.get("text") or ""
        usage = reply.get("usage")
        return choice, usage if isinstance(usage, dict) else {}

    def _estimate_tokens(self, body: dict) -> int:
        """Tokens a request is charged before its reply: the completion budget plus the prompt's
        characters / 4 (the token-per-minute bucket is corrected once the reply says)."""
        if self.api == "chat":
            chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", ()))
        else:
            chars = len(body.get("prompt", ""))
        return int(body.get("max_tokens", 0)) + math.ceil(chars / _CHARS_PER_TOKEN)

    def _throttle(self, estimate: int) -> None:
        """Wait for the rate limits (if any) to allow one more request of `estimate` tokens."""
        if self.request_limit is not None:
            self.request_limit.acquire(1)
        if self.token_limit is not None:
            self.token_limit.acquire(estimate)

    def _account(self, reply: Any, estimate: int) -> None:
        """Add a successful reply's `usage` to the totals; correct the token bucket's charge."""
        usage = reply.get("usage") if isinstance(reply, dict) else None
        usage = usage if isinstance(usage, dict) else {}
        prompt_tokens = _count_field(usage, "prompt_tokens")
        completion_tokens = _count_field(usage, "completion_tokens")
        self._count(requests=1, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        if self.token_limit is not None and (prompt_tokens or completion_tokens):
            self.token_limit.adjust(prompt_tokens + completion_tokens - estimate)

    def _post(self, body: dict) -> Any:
        """POST JSON with retries on transient failures; return the decoded JSON reply."""
        data = json.dumps(body).encode("utf-8")
        estimate = self._estimate_tokens(body)
        delay = self.backoff_s
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(
                self.url, data=data, headers=self._headers, method="POST"
            )
            self._throttle(estimate)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    raw = response.read()
                try:
                    reply = json.loads(raw.decode("utf-8"))
                except ValueError:
                    raise RuntimeError(
                        f"{self.url}: reply is not JSON: {_clip(raw.decode('utf-8', 'replace'))}"
                    ) from None
                self._account(reply, estimate)
                return reply
            except urllib.error.HTTPError as exc:
                self._count(failed_requests=1)
                detail = _error_detail(exc)
                if exc.code not in _RETRY_STATUS:
                    hint = ""
                    if exc.code == 404 and not self.url.endswith(_V1_ENDPOINTS):
                        hint = " (base_url usually ends in /v1)"
                    raise RuntimeError(
                        f"{self.url}: HTTP {exc.code} {exc.reason}: {detail}{hint}"
                    ) from None
                if attempt == self.max_retries:
                    raise RuntimeError(
                        f"{self.url}: HTTP {exc.code} {exc.reason} after {attempt + 1} attempts: "
                        f"{detail}"
                    ) from None
                problem = f"HTTP {exc.code}"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                self._count(failed_requests=1)
                reason = getattr(exc, "reason", exc)
                if attempt == self.max_retries:
                    raise RuntimeError(
                        f"{self.url}: unreachable after {attempt + 1} attempts: {reason}"
                    ) from None
                problem = str(reason)
            log.warning(
                "%s: %s (attempt %d of %d), retrying in %.2fs",
                self.url,
                problem,
                attempt + 1,
                self.max_retries + 1,
                delay,
            )
            time.sleep(delay)
            delay = min(delay * 2, max(_MAX_BACKOFF_S, self.backoff_s))
        raise AssertionError("unreachable")


def _count_field(usage: Mapping[str, Any], name: str) -> int:
    """A non-negative integer token count from a `usage` mapping (0 when absent or malformed)."""
    value = usage.get(name, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _straddles_prompt_end(prompt: str, text: str, stop: Sequence[str]) -> bool:
    """Whether a stop string occurs across the join of `prompt` and `text` (not inside `text`)."""
    for s in stop:
        if len(s) > 1 and s in prompt[len(prompt) - (len(s) - 1) :] + text[: len(s) - 1]:
            return True
    return False


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's message from an error reply: OpenAI `error.message`, FastAPI `detail`, text."""
    try:
        raw = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        payload = json.loads(raw)
    except ValueError:
        return _clip(raw.strip())
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and "message" in error:
            return _clip(str(error["message"]))
        if "detail" in payload:
            return _clip(str(payload["detail"]))
        if isinstance(error, str):
            return _clip(error)
    return _clip(raw.strip())


def _clip(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _check_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"openai backend: {name} must be an integer >= {minimum}, got {value!r}")


def _check_number(name: str, value: object, *, minimum: float, inclusive: bool) -> None:
    ok = False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ok = value >= minimum if inclusive else value > minimum
    if not ok:
        bound = f">= {minimum}" if inclusive else f"> {minimum}"
        raise ConfigError(f"openai backend: {name} must be a number {bound}, got {value!r}")
