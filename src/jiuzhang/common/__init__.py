"""Shared helpers: atomic I/O, JSONL reading with located errors, manifests, seeds."""

from jiuzhang.common.errors import ConfigError, DataError

__all__ = ["ConfigError", "DataError"]
