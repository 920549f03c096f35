"""Error types that name the file (and line) at fault, so a failed job says what to fix."""


class DataError(ValueError):
    """Bad input data: malformed JSONL, a missing field, an empty shard, too few surviving rows."""


class ConfigError(ValueError):
    """A configuration value that cannot work (checked beyond what the JSON schema can say)."""
