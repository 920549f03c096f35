"""Logging set-up for rule scripts: everything goes to the rule's log file (and stderr)."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from jiuzhang.common.errors import ConfigError, DataError

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextlib.contextmanager
def log_to(path: str | os.PathLike[str] | None, level: int = logging.INFO) -> Iterator[None]:
    """Send log records to `path` during the block; exceptions are logged, then raised.

    A DataError or ConfigError is logged as its one-line message and ends the process with exit
    status 1 (SystemExit, no traceback): this is for rule scripts and CLIs, not library code.
    """
    root = logging.getLogger()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # emptied, then appended to: a child process may write to the same file meanwhile
        # (jiuzhang.generation.engine_env), and appends never overwrite each other
        Path(path).write_bytes(b"")
        handlers.append(logging.FileHandler(path, mode="a", encoding="utf-8"))
    formatter = logging.Formatter(_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    old_level = root.level
    root.setLevel(level)
    try:
        yield
    except (DataError, ConfigError) as exc:
        # Bad input or config: the message names the file (and line) or key, so the log gets that
        # one line, and the script exits 1 without a traceback. Anything else keeps its traceback.
        logging.getLogger("jiuzhang").error("%s", " ".join(str(exc).splitlines()))
        raise SystemExit(1) from None
    except SystemExit:  # a deliberate exit (e.g. a child process's status): already logged
        raise
    except BaseException:
        logging.getLogger("jiuzhang").exception("job failed")
        raise
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(old_level)
