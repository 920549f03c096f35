"""The five prompt builders of SPEC §1.3: which fields each reads, how it cuts snippets, how many
prompts a snippet gives and at which level.

A builder turns one validated record (a mapping of string fields, see `sources.FieldSpec`) into
snippets. `all_levels` builders (wiki) emit one prompt per level in LEVELS order; the others emit
one prompt per snippet at a level that is a pure function of (seed, source, row id).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from jiuzhang.prepare.snippets import (
    arxiv_snippets,
    stack_snippets,
    textbook_snippets,
    web_snippets,
    wiki_snippets,
)
from jiuzhang.prepare.sources import FieldSpec

Snippets = Callable[[Mapping[str, str], int], list[str]]


@dataclasses.dataclass(frozen=True)
class Builder:
    """One source kind: the record fields it needs and its snippet rule (SPEC §1.3)."""

    name: str
    spec: FieldSpec
    snippets: Snippets
    all_levels: bool = False  # wiki: every snippet -> 8 prompts, LEVELS order
    strip_prompt: bool = False  # web: the filled prompt is stripped
    subset_field: str | None = None  # copied into each row's `subset` ("" when absent)


def _text(rule: Callable[[str, int], list[str]]) -> Snippets:
    def snippets(record: Mapping[str, str], extract_size: int) -> list[str]:
        return rule(record["text"], extract_size)

    snippets.__doc__ = f"`{rule.__name__}` applied to the record's `text`."
    return snippets


def _stack(record: Mapping[str, str], extract_size: int) -> list[str]:
    return stack_snippets(record["instruction"], record["output"], extract_size)


def is_stackexchange(record: Mapping[str, str]) -> bool:
    """MMIQC filter (SPEC §1.1): keep rows whose `source` contains `stackexchange`."""
    return "stackexchange" in record["source"]


_TEXT = FieldSpec(fields=("text",), optional=("subset",))

REGISTRY: dict[str, Builder] = {
    b.name: b
    for b in (
        Builder("textbook", _TEXT, _text(textbook_snippets), subset_field="subset"),
        Builder("wiki", _TEXT, _text(wiki_snippets), all_levels=True, subset_field="subset"),
        Builder(
            "stack",
            FieldSpec(
                fields=("instruction", "output"),
                filter_fields=("source",),
                keep=is_stackexchange,
            ),
            _stack,
            subset_field="source",
        ),
        Builder("web", _TEXT, _text(web_snippets), strip_prompt=True, subset_field="subset"),
        Builder("arxiv", _TEXT, _text(arxiv_snippets), subset_field="subset"),
    )
}
BUILDERS: tuple[str, ...] = tuple(REGISTRY)


def get_builder(name: str) -> Builder:
    """The builder called `name`; ValueError listing the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown builder {name!r}; known: {', '.join(BUILDERS)}") from None
