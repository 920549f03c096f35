"""Snippet cutting rules of SPEC §1.3, with the original's section-splitting bug fixed.

Pure functions: text in, snippets out. `textbook` documents are split on level-2 markdown headers
and each section is fenced; `wiki` and `web` documents give one raw snippet of the whole (stripped)
text; `arxiv` documents are split on LaTeX `\\section{...}` commands; a `stack` record gives one
raw question + answer snippet. Every cut is to `extract_size` characters (SPEC §1.2: 1000).
"""

from __future__ import annotations

import re

FENCE = "```"
# A level-2 header line: "## title". `###` does not match because the third character must be space.
_H2 = re.compile(r"^##[ \t]+\S.*$", re.MULTILINE)
# SPEC §1.3 arxiv: the original's `re.split(r'\\section{.*?}', text)`: the command and its title
# (up to the first `}` on the line) are removed; `\\section*{` and `\\subsection{` do not match.
_LATEX_SECTION = re.compile(r"\\section\{.*?\}")


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


def web_snippets(text: str, extract_size: int) -> list[str]:
    """AutoMathText web: the same rule as wiki (stripped text cut to `extract_size`, raw)."""
    return wiki_snippets(text, extract_size)


def split_latex_sections(text: str) -> list[str]:
    """Split LaTeX on `\\section{...}` exactly as the original: keep non-empty stripped pieces.

    Text before the first `\\section{` is a piece of its own; the section titles are dropped.
    """
    pieces = (piece.strip() for piece in _LATEX_SECTION.split(text))
    return [piece for piece in pieces if piece]


def arxiv_snippets(text: str, extract_size: int) -> list[str]:
    """AutoMathText arxiv: one raw snippet per LaTeX section, each cut to `extract_size`."""
    return [piece[:extract_size] for piece in split_latex_sections(text)]


def stack_snippets(instruction: str, output: str, extract_size: int) -> list[str]:
    """MMIQC StackExchange: question and answer, each stripped and cut, joined by a blank line.

    A record whose question and answer are both blank gives no snippet.
    """
    question = instruction.strip()[:extract_size]
    solution = output.strip()[:extract_size]
    if not question and not solution:
        return []
    return [f"{question}\n\n{solution}"]
