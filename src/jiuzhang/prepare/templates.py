"""Synthesis prompt templates: eight difficulty levels, one markdown file each (SPEC §1.4).

A template holds the literal placeholder `<EXTRACT>`, replaced by the snippet. Users point the
config at their own folder; a missing level file or placeholder is an error naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from jiuzhang.common.errors import ConfigError

LEVELS: tuple[str, ...] = ("college", "middle", "grade", "high", "amc8", "amc10", "amc12", "aime")
PLACEHOLDER = "<EXTRACT>"


def template_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The eight template paths of a folder, in LEVELS order."""
    return [Path(folder) / f"{level}.md" for level in LEVELS]


def load_templates(paths: list[str | os.PathLike[str]]) -> dict[str, str]:
    """Read level templates (file stem = level), stripped; each must contain `<EXTRACT>`."""
    templates: dict[str, str] = {}
    for path in map(Path, paths):
        if path.stem not in LEVELS:
            raise ConfigError(f"{path}: template name must be one of {', '.join(LEVELS)}")
        try:
            text = path.read_text("utf-8").strip()
        except FileNotFoundError:
            raise ConfigError(f"{path}: template file not found") from None
        if PLACEHOLDER not in text:
            raise ConfigError(f"{path}: template lacks the {PLACEHOLDER} placeholder")
        templates[path.stem] = text
    missing = [level for level in LEVELS if level not in templates]
    if missing:
        raise ConfigError(f"templates missing for levels: {', '.join(missing)}")
    return templates


def fill(template: str, snippet: str) -> str:
    """Replace every `<EXTRACT>` with the snippet."""
    return template.replace(PLACEHOLDER, snippet)


def ordered(templates: Mapping[str, str]) -> list[tuple[str, str]]:
    """(level, template) pairs in LEVELS order."""
    return [(level, templates[level]) for level in LEVELS]
