"""Snippet cutting rules of SPEC §1.3, with the original's section-splitting bug fixed.

Pure functions: text in, snippets out. `textbook` documents are split on level-2 markdown headers
and each section is fenced; `wiki` documents give one raw snippet of the whole (stripped) text.
"""

from __future__ import annotations

import re

FENCE = "```"
# A level-2 header line: "## title". `###` does not match because the third character must be space.
_H2 = re.compile(r"^##[ \t]+\S.*$", re.MULTILINE)


def split_sections(text: str) -> list[str]:
    """Split a markdown document into level-2 sections (header line included, stripped).

    Text before the first header is dropped, as in the original; unlike the original (SPEC §1.3
    quirk b), a document that starts with a header keeps its first section. A document without any
    level-2 header is one section.
    """
    starts = [m.start() for m in _H2.finditer(text)]
    if not starts:
        stripped = text.strip()
        return [stripped] if stripped else []
    bounds = [*starts, len(text)]
    sections = (text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False))
    return [s for s in sections if s]


def textbook_snippets(text: str, extract_size: int) -> list[str]:
    """One fenced snippet per section, each section cut to `extract_size` characters."""
    return [f"{FENCE}\n{section[:extract_size]}\n{FENCE}" for section in split_sections(text)]


def wiki_snippets(text: str, extract_size: int) -> list[str]:
    """The whole stripped text cut to `extract_size` characters, raw (no fence)."""
    stripped = text.strip()
    return [stripped[:extract_size]] if stripped else []
