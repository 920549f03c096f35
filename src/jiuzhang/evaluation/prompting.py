r"""Prompt types (SPEC §5.2-5.4, with the names users of the original know) and prompt building.

- `jiuzhang`: `## Question\n{question}\n\n## Solution\n`; stops at `\n\n## Question`.
- `jiuzhang_tora`: `## Question\n{question}\n\n## Code Solution\n`; also stops at "```output"
  and `\n\n---`; its ```python blocks run in the sandbox (`toolloop`).
- `cot`: `Question: {question}\nAnswer: `; stops at `\n\nQuestion:` and a blank-line separator.

Templates live in `prompts/eval/<type>.md`. Only `jiuzhang_tora` executes code (the original
also ran code for `jiuzhang`, SPEC §6.24). Few-shot demos come from `<fewshot dir>/<family>.jsonl`
rows `{question, answer}`; a demo is the template filled with its question followed by its
answer; demos and the test prompt are joined by a blank-line separator, and trailing spaces of
the whole prompt are dropped, as the original did. Benchmark families: GSM8K-like sets share
`gsm8k` demos, MATH sets share `math`, CARP has its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jiuzhang.common.errors import ConfigError, DataError
from jiuzhang.common.io import read_jsonl

__all__ = [
    "DEMO_FAMILY",
    "PLACEHOLDER",
    "PROMPT_TYPES",
    "PromptType",
    "build_prompt",
    "load_demos",
    "load_template",
]

PLACEHOLDER = "{question}"
SEPARATOR = "\n\n\n"


@dataclass(frozen=True)
class PromptType:
    """How a prompt type stops generation and whether the model's code is executed."""

    name: str
    stop: tuple[str, ...]
    tool: bool = False  # run ```python blocks in the sandbox and feed the output back
    title: str = ""  # what it is, for people reading a report


PROMPT_TYPES: dict[str, PromptType] = {
    "jiuzhang": PromptType("jiuzhang", stop=("\n\n## Question",), title="zero-shot reasoning"),
    "jiuzhang_tora": PromptType(
        "jiuzhang_tora",
        stop=("```output", "\n\n## Question", "\n\n---"),
        tool=True,
        title="tool-integrated (Python)",
    ),
    "cot": PromptType("cot", stop=("\n\nQuestion:", SEPARATOR), title="few-shot chain of thought"),
}

DEMO_FAMILY: dict[str, str] = {
    "gsm8k": "gsm8k",
    "svamp": "gsm8k",
    "asdiv": "gsm8k",
    "mawps": "gsm8k",
    "math": "math",
    "math-oai": "math",
    "carp_en": "carp_en",
}
"""Benchmark -> few-shot demo file stem."""


def prompt_type(name: str) -> PromptType:
    """The named prompt type; ConfigError listing the known ones."""
    try:
        return PROMPT_TYPES[name]
    except KeyError:
        raise ConfigError(f"unknown prompt type {name!r}; known: {sorted(PROMPT_TYPES)}") from None


def load_template(path: str | os.PathLike[str]) -> str:
    """Read an eval prompt template verbatim; it must contain `{question}` exactly once."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read eval template ({exc.strerror})") from None
    if text.count(PLACEHOLDER) != 1:
        raise ConfigError(f"{path}: eval template must contain {PLACEHOLDER} exactly once")
    return text


def load_demos(path: str | os.PathLike[str], shots: int) -> list[tuple[str, str]]:
    """The first `shots` `(question, answer)` demos of a JSONL file (fewer is an error)."""
    demos: list[tuple[str, str]] = []
    for lineno, row in read_jsonl(path, required=("question", "answer")):
        if not all(isinstance(row[k], str) and row[k].strip() for k in ("question", "answer")):
            raise DataError(f"{path}:{lineno}: 'question' and 'answer' must be non-empty strings")
        demos.append((row["question"].strip(), row["answer"].strip()))
        if len(demos) == shots:
            return demos
    raise DataError(f"{path}: {shots} demos requested, the file has {len(demos)}")


def build_prompt(template: str, question: str, demos: Sequence[tuple[str, str]] = ()) -> str:
    """Demos (template + answer) and the test question, joined by blank lines."""
    head, tail = template.split(PLACEHOLDER)
    blocks = [head + q + tail + a for q, a in demos]
    blocks.append(head + question + tail)
    return SEPARATOR.join(blocks).rstrip(" ")
