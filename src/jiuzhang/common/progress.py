"""Progress of long loops as tqdm status lines in the rule's log.

A rule's log is a file, not a terminal, so a redrawn bar would be one endless line. `progress`
keeps tqdm's counting (rate, elapsed, ETA) and sends each status it draws to the logging system as
one INFO record, at most every `JIUZHANG_PROGRESS_S` seconds (default 30) plus a final line; a loop
that ends within that time logs nothing:

    INFO jiuzhang.progress: shard-00000.jsonl: 50%|#####     | 640/1280 [00:31<00:31, 20.4rows/s]
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterable
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")
_log = logging.getLogger("jiuzhang.progress")


def interval_s() -> float:
    """Seconds between two status lines (`JIUZHANG_PROGRESS_S`, default 30)."""
    return float(os.environ.get("JIUZHANG_PROGRESS_S", "30"))


class _LogStream(io.TextIOBase):
    """A file tqdm can draw to: every new non-empty status it writes becomes one log record."""

    def __init__(self) -> None:
        self._last = ""

    def write(self, text: str) -> int:
        status = text.strip("\r\n ")
        if status and status != self._last:  # close() redraws the final status
            _log.info("%s", status)
            self._last = status
        return len(text)


def progress(
    iterable: Iterable[T] | None = None,
    *,
    desc: str,
    total: int | None = None,
    unit: str = "rows",
    initial: int = 0,
) -> Any:
    """A tqdm over `iterable` (or for manual `update`) that reports to the log."""
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        unit=unit,
        initial=initial,
        file=_LogStream(),
        mininterval=interval_s(),
        maxinterval=max(interval_s(), 10.0),  # tqdm's monitor would force a line every 10 s
        delay=interval_s(),
        ncols=90,
        ascii=True,
    )
