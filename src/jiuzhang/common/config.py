"""Frozen dataclass configs built from (already schema-validated) config mappings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from jiuzhang.common.errors import ConfigError

T = TypeVar("T", bound="FromMapping")


class FromMapping:
    """Mixin for `@dataclass(frozen=True)` configs: `from_mapping` rejects unknown keys."""

    @classmethod
    def from_mapping(cls: type[T], values: Mapping[str, Any]) -> T:
        """Build from a mapping; a key that is not a field is an error naming it."""
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - names)
        if unknown:
            raise ConfigError(f"{cls.__name__}: unknown keys {unknown}")
        return cls(**dict(values))
