"""Per-execution cgroup v1 groups (pids and memory), when this process may create them.

A sandboxed program joins its groups itself (the runner writes to `cgroup.procs` before it drops
privileges), so every process it starts is counted from the first fork on: `pids.max` bounds a
fork bomb even for root, and `memory.limit_in_bytes` bounds the memory of all its processes
together (RLIMIT_AS only bounds each one). Where the hierarchy is absent or not writable (no root,
cgroup v2 only) the sandbox runs without them and relies on rlimits and the pid namespace.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
PREFIX = "jz-sandbox-"
CONTROLLERS = ("pids", "memory")
_counter = itertools.count()


def available(controller: str) -> bool:
    """Whether this process can create a child group under the v1 `controller` hierarchy."""
    root = CGROUP_ROOT / controller
    return (root / "cgroup.procs").is_file() and os.access(root, os.W_OK)


@dataclass
class CgroupSet:
    """The groups of one execution; `procs` are the `cgroup.procs` files the runner joins."""

    dirs: list[Path] = field(default_factory=list)

    @property
    def procs(self) -> list[Path]:
        """The `cgroup.procs` file of each group."""
        return [path / "cgroup.procs" for path in self.dirs]

    @classmethod
    def create(cls, *, pids_max: int | None, memory_bytes: int | None) -> CgroupSet:
        """Make the groups that are available; a failure leaves that controller out."""
        name = f"{PREFIX}{os.getpid()}-{next(_counter)}"
        groups = cls()
        if pids_max is not None and available("pids"):
            groups._make(CGROUP_ROOT / "pids" / name, {"pids.max": str(pids_max)})
        if memory_bytes is not None and available("memory"):
            settings = {"memory.limit_in_bytes": str(memory_bytes)}
            if (CGROUP_ROOT / "memory" / "memory.memsw.limit_in_bytes").exists():
                settings["memory.memsw.limit_in_bytes"] = str(memory_bytes)
            groups._make(CGROUP_ROOT / "memory" / name, settings)
        return groups

    def _make(self, path: Path, settings: dict[str, str]) -> None:
        try:
            path.mkdir()
        except OSError as exc:
            log.debug("cannot create cgroup %s: %s", path, exc)
            return
        try:
            for key, value in settings.items():
                (path / key).write_text(value)
        except OSError as exc:
            log.debug("cannot configure cgroup %s: %s", path, exc)
            _remove(path)
            return
        self.dirs.append(path)

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of the memory group for exceeding its limit."""
        for path in self.dirs:
            control = path / "memory.oom_control"
            if not control.exists():
                continue
            try:
                fields = dict(line.split(" ", 1) for line in control.read_text().splitlines())
                if "oom_kill" in fields:
                    if int(fields["oom_kill"]) > 0:
                        return True
                elif int((path / "memory.failcnt").read_text()) > 0:
                    return True
            except (OSError, ValueError):
                pass
        return False

    def destroy(self) -> None:
        """Kill whatever is still in the groups, then remove them."""
        for path in self.dirs:
            _remove(path)
        self.dirs = []


def sweep_stale() -> None:
    """Remove the groups of sandbox parents that died without cleaning up (their pid is gone)."""
    for controller in CONTROLLERS:
        root = CGROUP_ROOT / controller
        if not available(controller):
            continue
        for path in root.glob(f"{PREFIX}*"):
            owner = path.name[len(PREFIX) :].split("-")[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                log.info("removing stale sandbox cgroup %s", path)
                _remove(path)


def _members(path: Path) -> list[int]:
    try:
        return [int(pid) for pid in (path / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _remove(path: Path, timeout_s: float = 5.0) -> None:
    """SIGKILL every member and rmdir the group (a group with members cannot be removed)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for pid in _members(path):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                log.warning("could not remove cgroup %s: %s", path, exc)
                return
            time.sleep(0.01)
