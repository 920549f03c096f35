"""Symbolic equivalence with a hard time limit that works in any thread or process.

Math-Verify (LaTeX -> SymPy, then SymPy comparisons) does the mathematics. Its own timeouts use
`signal.alarm`, which only works in the main thread, so they are switched off; instead every
check runs in one long-lived worker subprocess (`python -m jiuzhang.evaluation.symbolic`) that
answers JSON lines. A check that exceeds `timeout_s` kills the worker (a fresh one starts on the
next check) and counts as "not equivalent", so one pathological expression (`9^{9^{9^9}}`, a
huge determinant) never stalls a run. Answers are cached per (prediction, gold) pair.

Only the few answers that the fast string/number rules of `grade` cannot settle reach this
module, so the worker's start-up (about a second, for SymPy) is paid once per grading process,
and only if needed.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import OrderedDict

__all__ = ["SymbolicChecker", "default_checker"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 5.0
_CACHE_SIZE = 65536


class SymbolicChecker:
    """`equivalent(pred, gold)` through a worker subprocess, at most `timeout_s` per check."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.timeout_s = timeout_s
        self.timeouts = 0
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], bool] = OrderedDict()

    def equivalent(self, pred: str, gold: str) -> bool:
        """Whether `pred` and `gold` (LaTeX or plain math) denote the same value or object."""
        key = (pred, gold)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            result = self._ask(pred, gold)
            self._cache[key] = result
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return result

    def _ask(self, pred: str, gold: str) -> bool:
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps([pred, gold]) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._kill("the worker died")
            return False
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.timeouts += 1
                self._kill(f"timed out after {self.timeout_s:g}s on {pred[:80]!r} vs {gold[:80]!r}")
                return False
            ready, _, _ = select.select([proc.stdout], [], [], left)
            if ready:
                break
        line = proc.stdout.readline()
        if not line:
            self._kill("the worker exited")
            return False
        return bool(json.loads(line))

    def _worker(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "jiuzhang.evaluation.symbolic"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
        return self._proc

    def _kill(self, why: str) -> None:
        log.warning("symbolic check: %s; restarting the worker", why)
        self.close()

    def close(self) -> None:
        """Stop the worker (a later check starts a new one)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


_DEFAULT: SymbolicChecker | None = None
_DEFAULT_LOCK = threading.Lock()


def default_checker() -> SymbolicChecker:
    """The process-wide checker (created on first use, its worker stopped at exit)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = SymbolicChecker()
            atexit.register(_DEFAULT.close)
        return _DEFAULT


def _serve() -> None:  # pragma: no cover - runs in the worker subprocess
    """Worker loop: read `[pred, gold]` JSON lines, write `true`/`false` lines."""
    logging.disable(logging.WARNING)  # Math-Verify warns that its timeouts are off: we own them
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

    configs = [LatexExtractionConfig(), ExprExtractionConfig()]
    for line in sys.stdin:
        pred, gold = json.loads(line)
        try:
            gold_parsed = parse(f"${gold}$", configs, parsing_timeout=None)
            pred_parsed = parse(f"${pred}$", configs, parsing_timeout=None)
            same = bool(gold_parsed and pred_parsed) and verify(
                gold_parsed, pred_parsed, timeout_seconds=None
            )
        except Exception:  # any SymPy failure means "not shown equivalent"
            same = False
        sys.stdout.write("true\n" if same else "false\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
