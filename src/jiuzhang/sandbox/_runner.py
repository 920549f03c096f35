"""The program that runs inside the sandbox: set limits, drop privileges, run the code, report.

Standalone on purpose (standard library only, never imports `jiuzhang`): under bubblewrap it is
bound read-only as a single file and run with `python -I`, so the project's source is not visible.

Protocol. The parent writes one `marshal`-ed dict (format version 2, which any Python 3 reads; it
needs no import, unlike json) to stdin and closes it:

    {"code": str, "show_last_expr": bool, "meta_fd": int, "rlimits": {"RLIMIT_CPU": [soft, hard],
     ...}, "uid": int | None, "cgroups": [path of a cgroup.procs file, ...],
     "tmpfs": [[path, size_bytes], ...], "workdir": str, "init": bool}

The runner then reopens stdin on /dev/null, joins the cgroups, mounts the private tmpfs (unshare
mode) and, as pid 1 of the sandbox's pid namespace, forks: the parent stays a minimal init (it
reaps, and exits with the program's status, which kills everything left in the namespace; signals
sent to pid 1 from inside its namespace, RLIMIT_CPU's included, would be ignored). The child sets
the rlimits, drops to `uid` (bubblewrap as root) and runs the code. The program's stdout is fd 1;
on `meta_fd` the runner writes the line "started" before the program and, after it, the line
"result<TAB>status<TAB>error" (status: "ok", "error", "memory" or "timeout"). A sandbox that dies
without writing it is classified by the parent from its exit status (128 + signal when killed).
"""

from __future__ import annotations

import _ast  # the C module behind `ast`: builtin, so free to import
import _signal as signal  # `signal` without its enum wrappers: saves ms at every start
import builtins
import marshal
import os
import resource
import sys

_MS_NOSUID = 2
_MS_NODEV = 4
_ERROR_CHARS = 2000


class CpuTimeExceeded(BaseException):
    """Raised by the SIGXCPU handler (a BaseException: `except Exception` does not catch it)."""


def _on_sigxcpu(signum: int, frame: object) -> None:
    raise CpuTimeExceeded("cpu time limit exceeded")


def _no_input(*args: object, **kwargs: object) -> str:
    raise RuntimeError("input() is not available")


def _mount_tmpfs(path: str, size: int) -> None:
    """Mount a private size-limited tmpfs on `path` (needs a private mount namespace and root)."""
    import ctypes  # only here: unshare mode

    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={size},mode=1777".encode()
    rc = libc.mount(b"tmpfs", path.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options)
    if rc != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount tmpfs on {path}: {os.strerror(errno)}")


def _exception_line(exc: BaseException) -> str:
    """The last line of the traceback, e.g. "NameError: name 'x' is not defined"."""
    try:
        import traceback  # only on failure: it costs a few ms at every start

        lines = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
        line = lines[-1] if lines else type(exc).__name__
    except BaseException:  # a hostile __str__ (or no memory left) must not break the report
        line = type(exc).__name__
    return line[:_ERROR_CHARS]


def _print_traceback() -> None:
    """The current exception's traceback to stderr (kept in the parent's debug log)."""
    try:
        import traceback

        traceback.print_exc()
    except BaseException:
        pass


def _exit_status(status: int) -> int:
    """Exit code for a waited-for status: the child's code, or 128 + signal like a shell."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


def _be_init() -> None:
    """Fork; the parent stays pid 1, reaps everything and exits with the child's status."""
    child = os.fork()
    if child == 0:
        return
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
        signal.signal(signum, signal.SIG_IGN)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        if pid == child:
            # Leaving pid 1 kills every other process of the namespace.
            os._exit(_exit_status(status))


def _set_rlimits(rlimits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in rlimits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


def _drop_privileges(uid: int) -> None:
    """Become `uid` for good (bwrap has set no_new_privs, so no setuid binary gives root back)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _split_last_expr(code: str, show_last_expr: bool) -> tuple[object, object]:
    """Compile `code`; if asked and its last statement is an expression, compile that apart."""
    tree = compile(code, "<code>", "exec", _ast.PyCF_ONLY_AST)
    if show_last_expr and tree.body and isinstance(tree.body[-1], _ast.Expr):
        last = _ast.Expression(body=tree.body[-1].value)
        tree.body = tree.body[:-1]
        return compile(tree, "<code>", "exec"), compile(last, "<code>", "eval")
    return compile(tree, "<code>", "exec"), None


def _run_user_code(code: str, show_last_expr: bool) -> dict[str, str]:
    """Run the program in a fresh `__main__`-like namespace and classify how it ended."""
    main = type(sys)("__main__")
    main.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = main  # so pickle (multiprocessing) finds the program's functions
    namespace = main.__dict__
    try:
        body, last = _split_last_expr(code, show_last_expr)
        exec(body, namespace)  # running this code is the whole point
        if last is not None:
            value = eval(last, namespace)
            if value is not None:
                print(value)
    except SystemExit as exc:
        if exc.code is None or exc.code == 0:
            return {"status": "ok", "error": ""}
        return {"status": "error", "error": f"SystemExit: {exc.code}"[:_ERROR_CHARS]}
    except CpuTimeExceeded:
        return {"status": "timeout", "error": ""}
    except MemoryError as exc:
        namespace.clear()  # free what the program held, so reporting has memory to work with
        _print_traceback()
        return {"status": "memory", "error": _exception_line(exc)}
    except BaseException as exc:  # report every other failure
        _print_traceback()
        return {"status": "error", "error": _exception_line(exc)}
    return {"status": "ok", "error": ""}


def _report(meta_fd: int, *fields: str) -> bool:
    """Write one tab-separated line to the parent; False when that failed (fd closed)."""
    line = "\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields) + "\n"
    try:
        os.write(meta_fd, line.encode("utf-8", "replace"))
    except BaseException:
        return False
    return True


def main() -> None:
    """Read the request, confine this process, run the code and write the outcome."""
    request = marshal.loads(sys.stdin.buffer.read())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    meta_fd: int = request["meta_fd"]
    os.set_inheritable(meta_fd, False)

    for procs in request["cgroups"]:
        with open(procs, "w") as handle:
            handle.write("0")
    for path, size in request["tmpfs"]:
        _mount_tmpfs(path, size)
    os.chdir(request["workdir"])
    if request["init"] and os.getpid() == 1:
        _be_init()

    _set_rlimits(request["rlimits"])
    if request["uid"] is not None:
        _drop_privileges(request["uid"])
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    builtins.input = _no_input
    sys.argv = ["<code>"]
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    _report(meta_fd, "started")
    outcome = _run_user_code(request["code"], request["show_last_expr"])
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # the hard limit still applies
    try:
        sys.stdout.flush()
    except BaseException:  # a closed or broken stdout is the program's doing
        pass
    try:
        sys.stderr.flush()
    except BaseException:
        pass
    # Without a report the parent classifies by exit status: make that a failure, not "ok".
    os._exit(0 if _report(meta_fd, "result", outcome["status"], outcome["error"]) else 70)


if __name__ == "__main__":
    main()
