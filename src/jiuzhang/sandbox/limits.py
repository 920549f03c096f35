"""What one sandboxed execution may use (`SandboxLimits`) and how it ended (`ExecResult`)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from jiuzhang.common.errors import ConfigError

STATUSES = ("ok", "error", "timeout", "memory", "output_limit", "killed")


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one execution; `SandboxLimits(**config_dict)` builds one from config.

    A value that is not a positive number raises ConfigError (a ValueError) naming the field.

    cpu_s: CPU seconds per process (RLIMIT_CPU, whole seconds rounded up; SIGXCPU then SIGKILL a
        second later). wall_s: wall-clock seconds for the whole execution, interpreter start
        included; the parent kills the sandbox when it passes. memory_mb: address space per
        process (RLIMIT_AS) and, where cgroups are writable, the RAM of all its processes together.
        file_mb: the largest file it may write (RLIMIT_FSIZE) and the size of each of its private
        tmpfs (working directory, /tmp, /dev/shm). nproc: processes and threads (RLIMIT_NPROC for a
        non-root uid, cgroup pids.max where writable). output_bytes: stdout kept; more is
        "output_limit".
    """

    cpu_s: float = 5.0
    wall_s: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 16
    nproc: int = 64
    output_bytes: int = 65536

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"SandboxLimits.{spec.name} must be a number, got {value!r}")
            if not math.isfinite(value) or value <= 0:
                raise ConfigError(f"SandboxLimits.{spec.name} must be > 0, got {value!r}")
            if spec.type == "int" and not isinstance(value, int):
                raise ConfigError(f"SandboxLimits.{spec.name} must be an integer, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """The limits as a plain dict (for metrics and logs)."""
        return asdict(self)


@dataclass(frozen=True)
class ExecResult:
    """How one execution ended.

    status: "ok", "error" (uncaught exception or non-zero exit), "timeout" (CPU or wall limit),
        "memory" (MemoryError or the memory limit), "output_limit" (stdout over the limit; the
        first bytes are kept) or "killed" (a signal, or the sandbox itself failed).
    stdout: the program's stdout, plus the shown value of a last expression, trailing whitespace
        stripped. error: the last traceback line ("NameError: name 'x' is not defined") or the
        reason ("wall time limit 10s exceeded"); "" when ok. wall_s: seconds from launch to end.
    """

    status: str
    stdout: str
    error: str
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return asdict(self)
