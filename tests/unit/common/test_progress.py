"""Progress lines in rule logs: tqdm's status as log records, silent for short loops."""

from __future__ import annotations

import logging

import pytest

from jiuzhang.common.logs import log_to
from jiuzhang.common.progress import progress


def test_long_loop_logs_status_lines_with_counts(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JIUZHANG_PROGRESS_S", "0")
    log = tmp_path / "rule.log"
    with log_to(log):
        bar = progress(desc="shard-00000.jsonl", total=40, initial=10)
        for _ in range(3):
            bar.update(10)
        bar.close()
    lines = [line for line in log.read_text().splitlines() if "jiuzhang.progress" in line]
    assert lines and "\r" not in log.read_text()
    assert "shard-00000.jsonl: 100%" in lines[-1] and "40/40" in lines[-1]


def test_short_loop_logs_nothing(monkeypatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("JIUZHANG_PROGRESS_S", "30")
    with caplog.at_level(logging.INFO, logger="jiuzhang.progress"):
        assert sum(progress(range(100), desc="quick")) == 4950
    assert not caplog.records
