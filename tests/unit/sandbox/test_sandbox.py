"""Normal behaviour of the sandbox: REPL-like last expression, errors, limits, parallel runs.

Runs on the isolation "auto" picks (bwrap where installed); `test_both_modes_*` repeat the basics
on every mode that works here (under CI=true a missing mode fails instead of skipping).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError
from jiuzhang.sandbox import ExecResult, Sandbox, SandboxLimits
from jiuzhang.sandbox import sandbox as sandbox_module

LIMITS = SandboxLimits(cpu_s=2, wall_s=4, memory_mb=1024, file_mb=4, nproc=32, output_bytes=4096)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(LIMITS, workers=4)


def _mode_sandbox(mode: str) -> Sandbox:
    try:
        return Sandbox(LIMITS, isolation=mode, workers=2)
    except ConfigError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"sandbox isolation {mode} must work under CI: {exc}")
        pytest.skip(str(exc))


def _ok(result: ExecResult, stdout: str) -> None:
    assert (result.status, result.stdout, result.error) == ("ok", stdout, ""), result


# -- show_last_expr --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "stdout"),
    [
        ("print('a')", "a"),  # print's None is not shown again
        ("1 + 1", "2"),
        ("x = 5\nx", "5"),
        ("print(3)\nNone", "3"),  # a None value is not shown
        ("def f():\n    pass\nf()", ""),
        ("print('a')\n'b'", "a\nb"),
        ("xs = [1, 2]\n(sum(xs) +\n  len(xs))", "5"),  # multiline last expression
        ("for i in range(2):\n    i", ""),  # the last statement is a loop, not an expression
        ("x = 1", ""),
        ("", ""),
    ],
)
def test_last_expression_is_shown_like_a_repl(sandbox: Sandbox, code: str, stdout: str) -> None:
    _ok(sandbox.run(code), stdout)


def test_show_last_expr_off(sandbox: Sandbox) -> None:
    _ok(sandbox.run("print(1)\n2 + 2", show_last_expr=False), "1")


def test_sympy_and_numpy_import_and_work(sandbox: Sandbox) -> None:
    code = "import sympy as sp\nx = sp.symbols('x')\nsp.solve(x**2 - 4, x)"
    _ok(sandbox.run(code), "[-2, 2]")
    _ok(sandbox.run("import numpy as np\nint((np.arange(4) ** 2).sum())"), "14")


def test_functions_pickle_for_multiprocessing(sandbox: Sandbox) -> None:
    code = (
        "import multiprocessing as mp\ndef sq(v):\n    return v * v\n"
        "with mp.Pool(2) as pool:\n    print(pool.map(sq, [1, 2, 3]))"
    )
    _ok(sandbox.run(code), "[1, 4, 9]")


def test_trailing_whitespace_is_stripped(sandbox: Sandbox) -> None:
    _ok(sandbox.run("print('  a  ')\nprint()\nprint('\\t')"), "  a")


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("1 / 0", "ZeroDivisionError: division by zero"),
        ("x", "NameError: name 'x' is not defined"),
        ("def f(:\n    pass", "SyntaxError: invalid syntax"),
        ("raise ValueError('bad value')", "ValueError: bad value"),
        ("{}['k']", "KeyError: 'k'"),
        ("class Oops(Exception):\n    pass\nraise Oops('no')", "Oops: no"),
        ("import sys\nsys.exit(2)", "SystemExit: 2"),
        ("import os\nos._exit(3)", "exit status 3"),
    ],
)
def test_errors_report_the_last_traceback_line(sandbox: Sandbox, code: str, error: str) -> None:
    result = sandbox.run(code)
    assert (result.status, result.error) == ("error", error), result


def test_output_before_an_error_is_kept(sandbox: Sandbox) -> None:
    result = sandbox.run("print('before')\n1 / 0")
    assert (result.status, result.stdout) == ("error", "before")


def test_clean_exits_are_ok(sandbox: Sandbox) -> None:
    _ok(sandbox.run("import sys\nprint('x')\nsys.exit(0)"), "x")
    _ok(sandbox.run("import sys\nsys.exit()"), "")


def test_input_is_rejected_and_stdin_is_empty(sandbox: Sandbox) -> None:
    result = sandbox.run("name = input('name? ')")
    assert result.status == "error" and "input() is not available" in result.error, result
    _ok(sandbox.run("import sys\nrepr(sys.stdin.read())"), "''")


def test_signal_death_is_killed(sandbox: Sandbox) -> None:
    result = sandbox.run("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")
    assert (result.status, result.error) == ("killed", "killed by signal SIGSEGV"), result


# -- limits ----------------------------------------------------------------------------------


def test_cpu_limit(sandbox: Sandbox) -> None:
    result = sandbox.run("print('start')\nwhile True:\n    pass")
    assert result.status == "timeout" and "cpu time limit 2s" in result.error, result
    assert result.stdout == "start"
    assert result.wall_s < LIMITS.wall_s


def test_wall_limit(sandbox: Sandbox) -> None:
    result = sandbox.run("import time\nprint('start')\ntime.sleep(60)")
    assert (result.status, result.error) == ("timeout", "wall time limit 4s exceeded"), result
    assert result.stdout == "start"
    assert LIMITS.wall_s <= result.wall_s < LIMITS.wall_s + 1.0


def test_memory_limit(sandbox: Sandbox) -> None:
    result = sandbox.run("block = bytearray(4 << 30)")
    assert (result.status, result.error) == ("memory", "MemoryError"), result


def test_output_limit_keeps_the_first_bytes(sandbox: Sandbox) -> None:
    result = sandbox.run("for i in range(100_000):\n    print(f'{i:09d}')")
    assert result.status == "output_limit" and "4096 bytes" in result.error, result
    assert result.stdout.startswith("000000000\n000000001")
    assert len(result.stdout) <= LIMITS.output_bytes


def test_file_size_limit(sandbox: Sandbox) -> None:
    result = sandbox.run("open('big', 'wb').write(b'x' * (5 << 20))")
    assert result.status == "error", result
    assert "File too large" in result.error or "No space left" in result.error, result


# -- environment -----------------------------------------------------------------------------


def test_fresh_empty_workdir_and_clean_env(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JZ_PARENT_ONLY", "1")
    code = (
        "import os\nprint(sorted(os.listdir('.')))\nopen('left.txt', 'w').write('x')\n"
        "print('JZ_PARENT_ONLY' in os.environ, os.environ['HOME'] == os.getcwd())"
    )
    first, second = sandbox.run(code), sandbox.run(code)
    _ok(first, "[]\nFalse True")
    _ok(second, "[]\nFalse True")  # the first run's file is gone


def test_nothing_left_in_tmp_or_shm(sandbox: Sandbox) -> None:
    def ours() -> set[str]:  # only names this test's program or the sandbox could leave
        names = {f"tmp/{n}" for n in os.listdir(tempfile.gettempdir()) if n.startswith("jz")}
        if os.path.isdir("/dev/shm"):
            names |= {f"shm/{n}" for n in os.listdir("/dev/shm") if n.startswith(("jz", "sem."))}
        return names

    before = ours()
    code = (
        "import os, tempfile\nos.makedirs('ro/sub')\nopen('ro/sub/f', 'w').write('x')\n"
        "os.chmod('ro/sub', 0o500)\nos.chmod('ro', 0o500)\n"
        "open(os.path.join(tempfile.gettempdir(), 'jz_t.txt'), 'w').write('x')\n"
        "open('/dev/shm/jz_t.txt', 'w').write('x')\n"
        "import multiprocessing\nlock = multiprocessing.Lock()"  # a POSIX semaphore in /dev/shm
    )
    result = sandbox.run(code)
    assert result.status == "ok", result
    assert ours() <= before


def test_result_is_json_ready(sandbox: Sandbox) -> None:
    data = sandbox.run("print('é')").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"status", "stdout", "error", "wall_s"} and data["stdout"] == "é"


# -- run_many --------------------------------------------------------------------------------


def test_run_many_keeps_order_and_runs_in_parallel(sandbox: Sandbox) -> None:
    codes = [f"import time\ntime.sleep(1)\n{i}" for i in range(4)]
    start = time.monotonic()
    results = sandbox.run_many(codes)
    elapsed = time.monotonic() - start
    assert [r.stdout for r in results] == ["0", "1", "2", "3"]
    assert elapsed < 3.0, f"4 x sleep(1) with 4 workers took {elapsed:.1f}s"


def test_run_many_mixed_outcomes_in_order(sandbox: Sandbox) -> None:
    codes = [f"import time\ntime.sleep({(7 - i) / 20})\n{i}" for i in range(8)] + ["1/0"]
    results = sandbox.run_many(codes)
    assert [r.stdout for r in results[:8]] == [str(i) for i in range(8)]
    assert results[8].status == "error"
    assert sandbox.run_many([]) == []


# -- configuration ---------------------------------------------------------------------------


def test_isolation_property(sandbox: Sandbox) -> None:
    assert sandbox.isolation in ("bwrap", "unshare")
    assert sandbox.workers == 4 and sandbox.limits == LIMITS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cpu_s", 0),
        ("wall_s", -1.0),
        ("memory_mb", 0),
        ("file_mb", 1.5),
        ("nproc", "64"),
        ("output_bytes", True),
        ("wall_s", float("nan")),
    ],
)
def test_bad_limits_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        SandboxLimits(**{field: value})  # type: ignore[arg-type]


def test_limits_from_a_config_mapping() -> None:
    limits = SandboxLimits(**{"cpu_s": 3, "wall_s": 6.5, "memory_mb": 512})
    assert (limits.cpu_s, limits.wall_s, limits.memory_mb, limits.nproc) == (3, 6.5, 512, 64)
    with pytest.raises(TypeError):
        SandboxLimits(**{"cpu": 3})  # type: ignore[arg-type]


def test_bad_sandbox_settings() -> None:
    with pytest.raises(ConfigError, match="isolation"):
        Sandbox(isolation="docker")
    with pytest.raises(ConfigError, match="workers"):
        Sandbox(workers=0)
    with pytest.raises(ConfigError, match="python"):
        Sandbox(python="/nonexistent/python")


def test_unavailable_isolation_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_module, "_probe_cache", {})
    monkeypatch.setenv("PATH", str(Path(tempfile.gettempdir()) / "jz-no-such-dir"))
    with pytest.raises(ConfigError, match="bwrap not found"):
        Sandbox(isolation="bwrap")
    with pytest.raises(ConfigError, match="no sandbox isolation works"):
        Sandbox(isolation="auto")


@pytest.mark.parametrize("mode", ["bwrap", "unshare"])
def test_both_modes_basics(mode: str) -> None:
    sandbox = _mode_sandbox(mode)
    assert sandbox.isolation == mode
    results = sandbox.run_many(
        ["import sympy\nsympy.factor(sympy.Symbol('x')**2 - 1)", "x", "while True:\n    pass"]
    )
    _ok(results[0], "(x - 1)*(x + 1)")
    assert (results[1].status, results[2].status) == ("error", "timeout")


def test_unshare_warns_that_it_cannot_hide_files(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="jiuzhang.sandbox"):
        sandbox = _mode_sandbox("unshare")
    assert sandbox.isolation == "unshare"
    assert "cannot hide files" in caplog.text
