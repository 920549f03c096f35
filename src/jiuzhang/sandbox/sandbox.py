"""`Sandbox`: run model-written Python in a confined, limited, throwaway process.

Each `run` starts a fresh interpreter under bubblewrap (or, weaker, util-linux `unshare`; see
`isolation`), sends it the code on stdin, reads its stdout up to the output limit, enforces the
wall-clock limit, and afterwards kills whatever is left (the pid namespace dies with its first
process; per-execution cgroups are swept and removed) and removes its working directory.
"""

from __future__ import annotations

import logging
import marshal
import math
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import ConfigError
from jiuzhang.sandbox import cgroups
from jiuzhang.sandbox import isolation as iso
from jiuzhang.sandbox.cgroups import CgroupSet
from jiuzhang.sandbox.limits import ExecResult, SandboxLimits

log = logging.getLogger(__name__)

ISOLATIONS = ("auto", "bwrap", "unshare")
WORKDIR_PREFIX = "jz-sandbox-"
NOFILE = 512
STDERR_KEPT = 64 * 1024
STDERR_MAX = 4 * 1024 * 1024
MEMORY_SLACK_MB = 64
# Fresh per-execution uids (as root under bwrap): far above real users and the usual subuid
# ranges, below 2**31 for tools that read uids as signed ints.
UID_BASE = 1_800_000_000
UID_SPAN = 1 << 26
UNSHARE_WARNING = (
    "sandbox isolation is 'unshare', which cannot hide files: programs see the host filesystem "
    "with this process's permissions (root's when run as root) and can read and write host "
    "files; they cannot reach the network or see host processes. Install bubblewrap "
    "(apt-get install bubblewrap) for file isolation."
)

_uids_lock = threading.Lock()
_uids_in_use: set[int] = set()
_probe_lock = threading.Lock()
_probe_cache: dict[tuple[str, str, bool], str | None] = {}


def _allocate_uid() -> int:
    with _uids_lock:
        while True:
            uid = UID_BASE + secrets.randbelow(UID_SPAN)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def _release_uid(uid: int | None) -> None:
    if uid is not None:
        with _uids_lock:
            _uids_in_use.discard(uid)


@dataclass
class _Outcome:
    """What the parent saw of one execution, before classification."""

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    meta: bytearray = field(default_factory=bytearray)
    stopped: str | None = None  # "wall" | "output" | "stderr" when the parent killed it
    stderr_seen: int = 0
    returncode: int | None = None
    cpu_s: float = 0.0


class Sandbox:
    """Runs Python code in separate confined processes, one fresh process per program.

    isolation: "bwrap", "unshare" or "auto" (bwrap when it works here, else unshare with a
    warning); ConfigError when the one asked for does not work. workers: how many programs
    `run_many` runs at once (default: the number of CPUs). python: the interpreter (default: this
    one); under bwrap its prefixes are bound read-only, so its site-packages import inside.
    """

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),  # noqa: B008 - frozen, so sharing is safe
        *,
        isolation: str = "auto",
        workers: int | None = None,
        python: str | None = None,
    ) -> None:
        if not isinstance(limits, SandboxLimits):
            raise ConfigError(f"limits must be a SandboxLimits, got {type(limits).__name__}")
        if isolation not in ISOLATIONS:
            raise ConfigError(f"sandbox isolation must be one of {ISOLATIONS}, got {isolation!r}")
        if workers is not None and (isinstance(workers, bool) or workers < 1):
            raise ConfigError(f"sandbox workers must be >= 1, got {workers!r}")
        self._limits = limits
        self._workers = workers or os.cpu_count() or 1
        self._python = python or sys.executable
        if not os.access(self._python, os.X_OK):
            raise ConfigError(f"sandbox python {self._python!r} is not an executable")
        cgroups.sweep_stale()
        _sweep_stale_workdirs()
        self._isolation = self._choose(isolation)
        if self._isolation == "unshare":
            log.warning(UNSHARE_WARNING)
            if iso.is_root() and not cgroups.available("pids"):
                log.warning(
                    "sandbox: no writable pids cgroup (v1) and programs run as root: a fork bomb "
                    "is bounded only by the wall time limit"
                )
        log.info(
            "sandbox: isolation=%s workers=%d python=%s limits=%s",
            self._isolation,
            self._workers,
            self._python,
            limits.to_dict(),
        )

    @property
    def isolation(self) -> str:
        """The isolation actually in use: "bwrap" or "unshare"."""
        return self._isolation

    @property
    def limits(self) -> SandboxLimits:
        """The limits every execution runs under."""
        return self._limits

    @property
    def workers(self) -> int:
        """How many executions `run_many` runs at once."""
        return self._workers

    # -- choosing the isolation --------------------------------------------------------------

    def _choose(self, isolation: str) -> str:
        if isolation != "auto":
            problem = self._problem(isolation)
            if problem:
                raise ConfigError(f"sandbox isolation {isolation!r} is not available: {problem}")
            return isolation
        problems = []
        for mode in isolation_modes():
            problem = self._problem(mode)
            if problem is None:
                if problems:
                    log.warning("sandbox: %s", "; ".join(problems))
                return mode
            problems.append(f"{mode} does not work here: {problem}")
        raise ConfigError("no sandbox isolation works here: " + "; ".join(problems))

    def _problem(self, mode: str) -> str | None:
        """Why `mode` does not work here (None when it does), found by running a program once."""
        key = (mode, self._python, iso.is_root())
        with _probe_lock:
            if key not in _probe_cache:
                _probe_cache[key] = self._probe(mode)
            return _probe_cache[key]

    def _probe(self, mode: str) -> str | None:
        tool = "bwrap" if mode == "bwrap" else "unshare"
        if shutil.which(tool) is None:
            hint = " (apt-get install bubblewrap)" if tool == "bwrap" else " (util-linux)"
            return f"{tool} not found on PATH{hint}"
        try:
            iso.interpreter_dirs(self._python)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            return f"cannot inspect interpreter {self._python}: {exc}"
        probe_limits = SandboxLimits(wall_s=60.0, cpu_s=30.0)
        result = self._execute("print(6 * 7)", True, mode, probe_limits)
        if result.status != "ok" or result.stdout != "42":
            return f"a test program gave {result.status} {result.error!r} {result.stdout!r}"
        return None

    # -- running -----------------------------------------------------------------------------

    def run(self, code: str, *, show_last_expr: bool = True) -> ExecResult:
        """Run one program; see `ExecResult` for how its end is reported."""
        return self._execute(code, show_last_expr, self._isolation, self._limits)

    def run_many(self, codes: Sequence[str], *, show_last_expr: bool = True) -> list[ExecResult]:
        """Run programs, up to `workers` at once; results in input order."""
        if not codes:
            return []
        with ThreadPoolExecutor(max_workers=min(self._workers, len(codes))) as pool:
            return list(pool.map(lambda code: self.run(code, show_last_expr=show_last_expr), codes))

    def _execute(
        self, code: str, show_last_expr: bool, mode: str, limits: SandboxLimits
    ) -> ExecResult:
        file_bytes = limits.file_mb << 20
        started = time.monotonic()
        uid = _allocate_uid() if mode == "bwrap" and iso.is_root() else None
        groups = CgroupSet.create(
            pids_max=limits.nproc + 2,
            memory_bytes=(limits.memory_mb + 3 * limits.file_mb + MEMORY_SLACK_MB) << 20,
        )
        workdir: str | None = None
        try:
            if mode == "bwrap":
                launch = iso.bwrap_command(
                    shutil.which("bwrap") or "bwrap",
                    self._python,
                    file_bytes=file_bytes,
                    cgroup_dirs=groups.dirs,
                )
                env = {}
            else:
                workdir = tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-")
                launch = iso.unshare_command(
                    shutil.which("unshare") or "unshare",
                    self._python,
                    workdir=workdir,
                    file_bytes=file_bytes,
                    cgroup_dirs=groups.dirs,
                )
                env = iso.minimal_env(workdir, workdir)
            request = {
                "code": code,
                "show_last_expr": show_last_expr,
                "rlimits": _rlimits(limits),
                "uid": uid,
                "cgroups": launch.cgroup_procs,
                "tmpfs": launch.tmpfs,
                "workdir": launch.workdir,
                "init": launch.init,
            }
            outcome = _launch(launch, env, request, limits, started)
            oom = groups.oom_killed()
        finally:
            groups.destroy()
            _release_uid(uid)
            if workdir is not None:
                _remove_tree(workdir)
        return _classify(outcome, oom, limits, time.monotonic() - started)


def isolation_modes() -> tuple[str, ...]:
    """The isolation modes in order of preference."""
    return iso.MODES


def _rlimits(limits: SandboxLimits) -> dict[str, list[int]]:
    cpu = max(1, math.ceil(limits.cpu_s))
    return {
        "RLIMIT_CPU": [cpu, cpu + 1],
        "RLIMIT_AS": [limits.memory_mb << 20] * 2,
        "RLIMIT_FSIZE": [limits.file_mb << 20] * 2,
        "RLIMIT_NPROC": [limits.nproc] * 2,
        "RLIMIT_NOFILE": [NOFILE] * 2,
        "RLIMIT_CORE": [0, 0],
    }


def _launch(
    launch: iso.Launch,
    env: dict[str, str],
    request: dict[str, Any],
    limits: SandboxLimits,
    started: float,
) -> _Outcome:
    """Start the sandbox, feed it the request, collect its output, enforce wall time and output."""
    meta_read, meta_write = os.pipe()
    request["meta_fd"] = meta_write
    payload = marshal.dumps(request, 2)
    outcome = _Outcome()
    try:
        proc = subprocess.Popen(
            launch.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(meta_write,),
            env=env,
            cwd=launch.cwd,
            start_new_session=True,
        )
    except BaseException:
        os.close(meta_read)
        os.close(meta_write)
        raise
    os.close(meta_write)
    deadline = started + limits.wall_s
    try:
        _pump(proc, payload, meta_read, outcome, limits, deadline)
        _reap(proc, outcome, deadline)
    finally:
        if proc.returncode is None:
            _kill(proc)
            _reap(proc, outcome, None)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        os.close(meta_read)
    return outcome


def _pump(
    proc: subprocess.Popen[bytes],
    payload: bytes,
    meta_read: int,
    outcome: _Outcome,
    limits: SandboxLimits,
    deadline: float,
) -> None:
    """Write the request, read stdout/stderr/meta until they close or a limit is passed."""
    assert proc.stdin and proc.stdout and proc.stderr
    sinks = {
        proc.stdout.fileno(): outcome.stdout,
        proc.stderr.fileno(): outcome.stderr,
        meta_read: outcome.meta,
    }
    with selectors.DefaultSelector() as selector:
        stdin = proc.stdin.fileno()
        os.set_blocking(stdin, False)
        selector.register(stdin, selectors.EVENT_WRITE)
        for fd in sinks:
            selector.register(fd, selectors.EVENT_READ)
        sent = 0
        while sinks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                outcome.stopped = "wall"
                return
            for key, _ in selector.select(timeout=min(remaining, 0.5)):
                fd = key.fd
                if fd == stdin:
                    try:
                        sent += os.write(fd, payload[sent : sent + 65536])
                    except (BrokenPipeError, BlockingIOError) as exc:
                        if isinstance(exc, BlockingIOError):
                            continue
                        sent = len(payload)
                    if sent >= len(payload):
                        selector.unregister(fd)
                        proc.stdin.close()
                    continue
                data = os.read(fd, 65536)
                if not data:
                    selector.unregister(fd)
                    del sinks[fd]
                    continue
                sink = sinks[fd]
                if fd == proc.stderr.fileno():
                    if len(sink) < STDERR_KEPT:
                        sink += data[: STDERR_KEPT - len(sink)]
                    outcome.stderr_seen += len(data)
                    if outcome.stderr_seen > max(STDERR_MAX, limits.output_bytes):
                        outcome.stopped = "stderr"
                        return
                    continue
                sink += data
                if fd == proc.stdout.fileno() and len(sink) > limits.output_bytes:
                    outcome.stopped = "output"
                    return
                if fd == meta_read and len(sink) > STDERR_KEPT:
                    del sink[STDERR_KEPT:]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the sandbox's process group; its pid namespace dies with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(proc: subprocess.Popen[bytes], outcome: _Outcome, deadline: float | None) -> None:
    """Wait for the sandbox (killing it at `deadline`) and record its status and CPU time."""
    if outcome.stopped is not None:
        _kill(proc)
    while True:
        pid, status, usage = os.wait4(proc.pid, 0 if deadline is None else os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            outcome.returncode = proc.returncode
            outcome.cpu_s = usage.ru_utime + usage.ru_stime
            return
        if deadline is not None and time.monotonic() >= deadline:
            outcome.stopped = outcome.stopped or "wall"
            _kill(proc)
            deadline = None
            continue
        time.sleep(0.002)


def _remove_tree(path: str) -> None:
    """Remove a working directory, also when the program made parts of it read-only."""

    def make_writable(function: Any, target: str, excinfo: Any) -> None:
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
        except OSError:
            pass
        function(target)

    try:
        shutil.rmtree(path, onerror=make_writable)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove sandbox workdir %s: %s", path, exc)


def _sweep_stale_workdirs() -> None:
    """Remove unshare-mode working directories whose parent process died before cleaning up."""
    for path in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        owner = path.name[len(WORKDIR_PREFIX) :].split("-")[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            _remove_tree(str(path))


def _meta(outcome: _Outcome) -> tuple[bool, dict[str, str] | None]:
    """Whether the runner started the program, and the result it reported (if any)."""
    started, result = False, None
    for line in outcome.meta.decode("utf-8", "replace").splitlines():
        fields = line.split("\t")
        if fields == ["started"]:
            started = True
        elif len(fields) == 3 and fields[0] == "result":
            result = {"status": fields[1], "error": fields[2]}
    return started, result


def _classify(outcome: _Outcome, oom: bool, limits: SandboxLimits, wall_s: float) -> ExecResult:
    """Turn what the parent saw into an ExecResult."""
    raw = bytes(outcome.stdout[: limits.output_bytes])
    stdout = raw.decode("utf-8", "replace").rstrip()
    started, result = _meta(outcome)
    cpu_limit = f"cpu time limit {limits.cpu_s:g}s exceeded"
    if outcome.stopped == "wall":
        status, error = "timeout", f"wall time limit {limits.wall_s:g}s exceeded"
    elif outcome.stopped == "output":
        status, error = "output_limit", f"output limit of {limits.output_bytes} bytes exceeded"
    elif outcome.stopped == "stderr":
        status, error = "output_limit", "stderr limit exceeded"
    elif result is not None and result["status"] in ("ok", "error", "memory", "timeout"):
        status, error = result["status"], result["error"]
        if status == "timeout":
            error = cpu_limit
    elif not started:
        status = "killed"
        error = "sandbox failed to start: " + _last_line(outcome.stderr)
        log.error("sandbox failed to start (exit %s): %s", outcome.returncode, _tail(outcome))
    else:
        code = outcome.returncode if outcome.returncode is not None else 1
        signum = -code if code < 0 else code - 128 if code > 128 else 0
        if code == 0:
            status, error = "ok", ""
        elif oom:
            status, error = "memory", f"memory limit {limits.memory_mb} MB exceeded"
        elif signum == signal.SIGXCPU or (
            signum == signal.SIGKILL and outcome.cpu_s >= math.ceil(limits.cpu_s) - 0.05
        ):
            status, error = "timeout", cpu_limit
        elif signum:
            status, error = "killed", f"killed by signal {_signal_name(signum)}"
        else:
            status, error = "error", f"exit status {code}"
    if status != "ok" and outcome.stderr:
        log.debug("sandboxed program ended %s (%s); stderr: %s", status, error, _tail(outcome))
    return ExecResult(status=status, stdout=stdout, error=error, wall_s=round(wall_s, 4))


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _last_line(data: bytearray) -> str:
    lines = bytes(data).decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def _tail(outcome: _Outcome) -> str:
    return bytes(outcome.stderr[-2000:]).decode("utf-8", "replace")
