"""The HTTP backend's client-side rate limits: the token bucket on a fake clock (deterministic),
one real-time check that it holds under concurrent threads, and the backend's option checks and
usage/cost arithmetic."""

from __future__ import annotations

import threading
import time

import pytest

from jiuzhang.common.errors import ConfigError
from jiuzhang.generation import make_generator
from jiuzhang.generation.openai_backend import OpenAIGenerator, TokenBucket


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _bucket(per_minute: float, **kwargs: float) -> tuple[TokenBucket, FakeClock]:
    clock = FakeClock()
    return TokenBucket(per_minute, clock=clock, sleep=clock.sleep, **kwargs), clock


def test_requests_per_minute_paces_requests() -> None:
    bucket, clock = _bucket(60)  # one a second; holds one second's worth: 1
    starts = []
    for _ in range(5):
        bucket.acquire()
        starts.append(clock.now - 100.0)
    assert starts == pytest.approx([0, 1, 2, 3, 4])
    assert bucket.waited_s == pytest.approx(4.0)


def test_idle_time_refills_up_to_the_capacity_only() -> None:
    bucket, clock = _bucket(600)  # 10/s, capacity 10
    assert bucket.capacity == 10
    for _ in range(10):
        assert bucket.acquire() == 0.0  # a full bucket: 10 at once
    clock.now += 3600  # an idle hour refills 10, not 36000
    assert bucket.level == pytest.approx(10)
    for _ in range(10):
        bucket.acquire()
    assert clock.sleeps == []
    assert bucket.acquire() == pytest.approx(0.1)


def test_large_request_goes_through_a_full_bucket_and_leaves_a_debt() -> None:
    bucket, clock = _bucket(600)  # tokens: 10/s, capacity 10
    assert bucket.acquire(25) == 0.0  # larger than the bucket: let through when full
    assert bucket.level == pytest.approx(-15)
    assert bucket.acquire(5) == pytest.approx(2.0)  # debt 15 + 5 needed -> 2 s
    assert bucket.acquire(30) == pytest.approx(1.0)  # needs a full bucket (10) again
    # Long-run rate holds: 60 tokens taken, 3 s waited, 10 to start with, 10/s.
    assert clock.now - 100.0 == pytest.approx(3.0)


def test_adjust_refunds_an_overestimate_and_charges_an_underestimate() -> None:
    bucket, _ = _bucket(600)
    bucket.acquire(8)  # estimate 8
    bucket.adjust(-6)  # the reply said 2
    assert bucket.level == pytest.approx(8)
    bucket.adjust(+20)  # another said 20 more than estimated
    assert bucket.level == pytest.approx(-12)
    bucket.adjust(-1000)  # refunds never exceed the capacity
    assert bucket.level == pytest.approx(10)


def test_explicit_capacity_allows_a_burst() -> None:
    bucket, clock = _bucket(60, capacity=3)
    for _ in range(3):
        assert bucket.acquire() == 0.0
    assert bucket.acquire() == pytest.approx(1.0)
    assert clock.now - 100.0 == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs", [{"per_minute": 0}, {"per_minute": 60, "capacity": 0}])
def test_bucket_rejects_non_positive_settings(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="must be > 0"):
        TokenBucket(**kwargs)


def test_concurrent_threads_never_exceed_the_rate() -> None:
    """Real clock, 8 threads: 200/s with a 200 bucket; 400 units take >= 1 s, and no thread
    loses an acquisition."""
    bucket = TokenBucket(200 * 60)
    taken: list[float] = []
    lock = threading.Lock()
    start = time.monotonic()

    def worker() -> None:
        for _ in range(50):
            bucket.acquire()
            with lock:
                taken.append(time.monotonic() - start)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    assert len(taken) == 400
    assert 0.95 <= elapsed < 3.0
    # In every window [t, t + 0.5 s): at most capacity + rate x 0.5 = 300 starts.
    taken.sort()
    assert max(sum(t <= x < t + 0.5 for x in taken) for t in taken) <= 300


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"requests_per_minute": -1}, "requests_per_minute must be a number >= 0"),
        ({"tokens_per_minute": "100"}, "tokens_per_minute must be a number >= 0"),
        ({"price_per_1k_prompt": -0.5}, "price_per_1k_prompt must be a number >= 0"),
        ({"price_per_1k_completion": None}, "price_per_1k_completion must be a number >= 0"),
        ({"api": "responses"}, "api must be one of ['completions', 'chat']"),
        ({"extra_body": {"messages": []}}, "extra_body may not set ['messages']"),
    ],
)
def test_teacher_options_are_validated(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        make_generator("openai", "m", options)


def test_limits_are_off_by_default_and_usage_starts_at_zero() -> None:
    generator = make_generator("openai", "m", {})
    assert isinstance(generator, OpenAIGenerator)
    assert generator.request_limit is None and generator.token_limit is None
    assert generator.usage() == {
        "requests": 0,
        "failed_requests": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "total_tokens": 0,
        "price_per_1k_prompt": 0.0,
        "price_per_1k_completion": 0.0,
        "cost": 0.0,
        "rate_limit_wait_s": 0.0,
    }


def test_usage_sums_replies_and_prices_them() -> None:
    generator = OpenAIGenerator(
        "m", tokens_per_minute=6000, price_per_1k_prompt=2.5, price_per_1k_completion=10.0
    )
    body = generator._body("x" * 40, _sampling(max_new_tokens=50), seed=1, stop=True)
    estimate = generator._estimate_tokens(body)
    assert estimate == 50 + 10  # completion budget + 40 characters / 4
    generator.token_limit.acquire(estimate)
    level = generator.token_limit.level
    generator._account({"usage": {"prompt_tokens": 12, "completion_tokens": 30}}, estimate)
    generator._account({"usage": {"prompt_tokens": 8, "completion_tokens": 20}}, estimate)
    generator._account({"choices": []}, estimate)  # a server that sends no usage
    usage = generator.usage()
    assert (usage["requests"], usage["prompt_tokens"], usage["completion_tokens"]) == (3, 20, 50)
    assert usage["cost"] == pytest.approx(20 * 2.5 / 1000 + 50 * 10.0 / 1000)
    # The first reply's 42 tokens replaced its estimate of 60: 18 came back to the bucket.
    assert generator.token_limit.level >= level + 18 - 1e-6


def test_chat_body_sends_the_prompt_as_one_user_message() -> None:
    generator = OpenAIGenerator("m", api="chat", base_url="http://h:1/v1")
    assert generator.url == "http://h:1/v1/chat/completions"
    body = generator._body("Solve 1+1.", _sampling(max_new_tokens=5), seed=3, stop=True)
    assert body["messages"] == [{"role": "user", "content": "Solve 1+1."}]
    assert "prompt" not in body and body["max_tokens"] == 5
    assert generator._estimate_tokens(body) == 5 + 3


def _sampling(**kwargs: object):  # noqa: ANN202
    from jiuzhang.generation import SamplingConfig

    return SamplingConfig(**kwargs)
