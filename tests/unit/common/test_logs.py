"""log_to: a DataError/ConfigError is one logged line and exit status 1; other errors keep their
traceback and propagate."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.logs import log_to


@pytest.mark.parametrize("error", [DataError, ConfigError])
def test_expected_errors_are_one_line_and_exit_1(tmp_path: Path, error: type) -> None:
    log = tmp_path / "job.log"
    with pytest.raises(SystemExit) as info, log_to(log):
        raise error("data/a.jsonl:3: invalid JSON (Expecting value)\n(second line)")
    assert info.value.code == 1
    lines = log.read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(
        " ERROR jiuzhang: data/a.jsonl:3: invalid JSON (Expecting value) (second line)"
    )


def test_unexpected_errors_keep_their_traceback(tmp_path: Path) -> None:
    log = tmp_path / "job.log"
    with pytest.raises(KeyError), log_to(log):
        raise KeyError("boom")
    text = log.read_text()
    assert "job failed" in text and "Traceback (most recent call last)" in text
