"""spawn_pool under a Snakemake-style main script (its __file__ points at a file that fails)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
__file__ = {broken!r}  # what Snakemake's preamble does: the rule script's own path
from jiuzhang.common.hashing import text_sha256
from jiuzhang.common.processes import spawn_pool

with spawn_pool(2) as pool:
    print(pool.map(text_sha256, ["a", "b"]) == [text_sha256("a"), text_sha256("b")])
"""


def test_workers_do_not_run_the_rule_script(tmp_path: Path) -> None:
    broken = tmp_path / "rule_script.py"
    broken.write_text("snakemake.input  # NameError outside Snakemake\n")
    main = tmp_path / "tmp_preamble.py"
    main.write_text(SCRIPT.format(broken=str(broken)))
    proc = subprocess.run(
        [sys.executable, str(main)], capture_output=True, text=True, timeout=120
    )  # before: the workers died on start and were replaced forever
    assert proc.returncode == 0 and proc.stdout.strip() == "True", proc.stderr[-2000:]
