"""Worker processes that do not re-run the parent's main script."""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from typing import Any


@contextlib.contextmanager
def spawn_pool(
    processes: int, *, initializer: Callable[..., Any] | None = None, initargs: tuple = ()
) -> Iterator[Pool]:
    """A `spawn` Pool for package-level worker functions; terminated when the block ends.

    A spawned worker first imports the parent's main module by its file, to find functions
    pickled from it. Under Snakemake the main module is the rule script, and Snakemake points its
    `__file__` at `scripts/<rule>.py`, which has no `snakemake` object on its own: every worker
    died while starting, the pool started another, forever (seen in the paper-shaped rehearsal:
    `pack_corpus` with `threads: 2` never finished). The main module's file is hidden from the
    workers while the pool lives; they only run functions of importable modules.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is not None:
        del main.__file__
    try:
        pool = multiprocessing.get_context("spawn").Pool(processes, initializer, initargs)
        try:
            yield pool
        finally:
            pool.terminate()
            pool.join()
    finally:
        if path is not None:
            main.__file__ = path
