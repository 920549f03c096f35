"""OpenAI-compatible HTTP backend (`/v1/completions`): any served model, e.g. vLLM or
`transformers serve`. Requests run concurrently; transient failures are retried with backoff.

The API key is read once by the caller (config or environment at the edge) and passed in.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from jiuzhang.common.seeding import derive_seed
from jiuzhang.generation.base import Generation, SamplingConfig, truncate_at_stop

log = logging.getLogger(__name__)
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class OpenAIGenerator:
    """Generate through an OpenAI-compatible completions endpoint."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str = "http://127.0.0.1:8000/v1",
        api_key: str = "",
        concurrency: int = 8,
        max_retries: int = 5,
        timeout_s: float = 120.0,
        batch_size: int = 0,  # accepted for config symmetry
    ) -> None:
        self.model = model
        self.url = base_url.rstrip("/") + "/completions"
        self.api_key = api_key
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.timeout_s = timeout_s

    def generate(
        self, prompts: Sequence[str], sampling: SamplingConfig, *, seed_offset: int = 0
    ) -> list[Generation]:
        """Send one request per prompt, `concurrency` at a time; results keep prompt order."""
        jobs = [(i, p) for i, p in enumerate(prompts)]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(
                pool.map(lambda job: self._one(job[1], sampling, seed_offset, job[0]), jobs)
            )

    def _one(
        self, prompt: str, sampling: SamplingConfig, seed_offset: int, index: int
    ) -> Generation:
        body = {
            "model": self.model,
            "prompt": prompt,
            "max_tokens": sampling.max_new_tokens,
            "temperature": sampling.temperature,
            "top_p": 1.0 if sampling.greedy else sampling.top_p,
            "seed": derive_seed(sampling.seed, seed_offset, index) % (2**31),
        }
        if sampling.stop:
            body["stop"] = list(sampling.stop)
        if sampling.top_k > 0:
            body["top_k"] = sampling.top_k
        if sampling.repetition_penalty != 1.0:
            body["repetition_penalty"] = sampling.repetition_penalty
        reply = self._post(body)
        choice = reply["choices"][0]
        text, stopped = truncate_at_stop(choice.get("text") or "", sampling.stop)
        reason = "length" if choice.get("finish_reason") == "length" and not stopped else "stop"
        n_tokens = int((reply.get("usage") or {}).get("completion_tokens", 0))
        return Generation(text=text, finish_reason=reason, n_tokens=n_tokens)

    def _post(self, body: dict) -> dict:
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        delay = 1.0
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code not in _RETRY_STATUS or attempt == self.max_retries:
                    detail = exc.read().decode("utf-8", "replace")[:500]
                    raise RuntimeError(f"{self.url}: HTTP {exc.code}: {detail}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.max_retries:
                    raise RuntimeError(f"{self.url}: unreachable after retries ({exc})") from None
            log.warning("request failed (attempt %d), retrying in %.1fs", attempt + 1, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")
