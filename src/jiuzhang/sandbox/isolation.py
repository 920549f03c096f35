"""Command lines that start the runner under bubblewrap or util-linux `unshare`.

bwrap: a new mount, pid, network, ipc and uts namespace (and a user namespace when not root) with
an empty root filesystem holding only read-only binds of /usr and the interpreter's prefixes, the
runner file, a private /proc and /dev, and size-limited tmpfs for the working directory, /tmp and
/dev/shm. As root the runner drops to a fresh unprivileged uid, so RLIMIT_NPROC binds.

unshare: new network, pid, mount, ipc and uts namespaces only. The program runs as root on the
host's filesystem: it cannot reach the network or see or signal host processes, but it can read
and write host files. The runner mounts private tmpfs on its working directory and /dev/shm.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

RUNNER = Path(__file__).with_name("_runner.py")
SANDBOX_HOME = "/home/sandbox"
SANDBOX_RUNNER = "/run/jz/runner.py"
SANDBOX_CGROUPS = "/run/jz/cgroup"
MODES = ("bwrap", "unshare")


@dataclass
class Launch:
    """How to start one execution: the argv and the runner's part of the request."""

    argv: list[str]
    workdir: str
    tmpfs: list[tuple[str, int]] = field(default_factory=list)
    cgroup_procs: list[str] = field(default_factory=list)
    init: bool = False
    cwd: str = "/"


def is_root() -> bool:
    """Whether this process is root (the sandbox then drops the program to another uid)."""
    return os.geteuid() == 0


def minimal_env(home: str, tmpdir: str) -> dict[str, str]:
    """The whole environment of a sandboxed program: nothing inherited from the parent."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": tmpdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }


@functools.lru_cache(maxsize=8)
def interpreter_dirs(python: str) -> tuple[str, ...]:
    """The directories `python` needs (its prefixes and real location), outside /usr."""
    probe = (
        "import json, os, sys; print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix,"
        " sys.base_exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]))"
    )
    out = subprocess.run(
        [python, "-I", "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    dirs: list[str] = []
    for raw in json.loads(out):
        path = os.path.normpath(raw)
        real = os.path.realpath(path)
        for candidate in (path, real):
            if candidate not in dirs and not _under(candidate, "/usr"):
                dirs.append(candidate)
    dirs.sort(key=len)
    kept: list[str] = []
    for path in dirs:
        if not any(_under(path, parent) for parent in kept):
            kept.append(path)
    return tuple(kept)


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def bwrap_command(
    bwrap: str,
    python: str,
    *,
    file_bytes: int,
    cgroup_dirs: list[Path],
) -> Launch:
    """The bwrap argv for one execution (cgroup dirs are bound writable for the runner to join)."""
    # --as-pid-1: the runner is pid 1 itself and forks the program; bwrap's own pid-1 reaper
    # would outlive bwrap as a zombie for the host's init to collect.
    argv = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--as-pid-1"]
    if is_root():
        # The runner needs only these to drop to its uid; the program then has no capability.
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv.append("--unshare-user")
    argv += ["--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv"]
    for key, value in minimal_env(SANDBOX_HOME, "/tmp").items():
        argv += ["--setenv", key, value]
    argv += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        host = Path("/") / name
        if host.is_symlink():
            argv += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            argv += ["--ro-bind", str(host), str(host)]
    argv += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for mount in ("/tmp", "/dev/shm"):
        argv += ["--perms", "1777", "--size", str(file_bytes), "--tmpfs", mount]
    binds = list(interpreter_dirs(python))
    # Directories bwrap creates on its own get mode 0700 (so /root would hide the interpreter
    # from the program's uid): make every parent of a mount point explicitly, world-traversable.
    made: set[str] = {"/usr", "/dev", "/proc", "/tmp"}
    for target in [*binds, SANDBOX_HOME, SANDBOX_RUNNER, f"{SANDBOX_CGROUPS}/x"]:
        for parent in _ancestors(target):
            if parent not in made:
                made.add(parent)
                argv += ["--perms", "0755", "--dir", parent]
    argv += ["--perms", "1777", "--size", str(file_bytes), "--tmpfs", SANDBOX_HOME]
    for path in binds:
        argv += ["--ro-bind", path, path]
    argv += ["--ro-bind", str(RUNNER), SANDBOX_RUNNER]
    procs = []
    for path in cgroup_dirs:
        inside = f"{SANDBOX_CGROUPS}/{path.parent.name}"
        argv += ["--bind", str(path), inside]
        procs.append(f"{inside}/cgroup.procs")
    argv += ["--chdir", SANDBOX_HOME, "--", python, "-I", "-B", SANDBOX_RUNNER]
    return Launch(argv=argv, workdir=SANDBOX_HOME, cgroup_procs=procs, init=True)


def unshare_command(
    unshare: str,
    python: str,
    *,
    workdir: str,
    file_bytes: int,
    cgroup_dirs: list[Path],
) -> Launch:
    """The `unshare` argv for one execution; the runner is pid 1 and forks the program."""
    argv: list[str] = []
    setpriv = shutil.which("setpriv")
    if setpriv:
        # unshare has no --die-with-parent: this makes it die (and --kill-child kill the
        # namespace) when the thread that started it goes away.
        argv += [setpriv, "--pdeathsig", "KILL", "--"]
    argv += [unshare]
    if not is_root():
        argv += ["--user", "--map-root-user"]
    argv += ["--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--mount-proc"]
    argv += ["--", python, "-I", "-B", str(RUNNER)]
    tmpfs = [(workdir, file_bytes)]
    if os.path.isdir("/dev/shm"):
        tmpfs.append(("/dev/shm", file_bytes))
    return Launch(
        argv=argv,
        workdir=workdir,
        tmpfs=tmpfs,
        cgroup_procs=[str(path / "cgroup.procs") for path in cgroup_dirs],
        init=True,
        cwd=workdir,
    )
