#!/usr/bin/env python3
"""Build the bad-input corpus of the failure tests (see README.md for the cases and messages).

Every file is small and hand-written here; nothing is copied from a real data set. The texts are
harmless arithmetic notes: only the damage matters (a cut gzip stream, a broken JSON line, a
number where a string belongs, an empty file, a model folder without weights). Running the
script twice writes the same bytes (gzip without name or mtime).

Regenerate with:  python tests/data/bad/build_cases.py
Standard library only. The config overlays in config/ are written by hand, not by this script.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

NOTES = [
    "## Halves\n\nTo halve an even number, split it into two equal groups. Half of 14 is 7, "
    "because 7 + 7 = 14. An odd number such as 9 cannot be split into two equal whole groups.",
    "## Doubling\n\nDoubling a number adds it to itself: double 6 is 6 + 6 = 12. Doubling twice "
    "is the same as multiplying by four, so doubling 6 twice gives 24.",
    "## Place value\n\nIn 352 the digit 3 stands for three hundreds, 5 for five tens and 2 for "
    "two ones, so 352 = 300 + 50 + 2. Moving a digit one place left makes it worth ten times more.",
    "## Remainders\n\nSharing 17 pencils among 5 children gives each child 3 pencils, with 2 "
    "left over, because 5 x 3 = 15 and 17 - 15 = 2. The 2 is called the remainder.",
    "## Perimeter\n\nThe perimeter of a rectangle is the distance around it. A rectangle 4 cm "
    "long and 3 cm wide has perimeter 4 + 3 + 4 + 3 = 14 cm.",
    "## Order of operations\n\nIn 2 + 3 x 4 the multiplication is done first: 3 x 4 = 12, then "
    "2 + 12 = 14. Brackets change the order: (2 + 3) x 4 = 20.",
    "## Even and odd\n\nA number is even when its last digit is 0, 2, 4, 6 or 8. The sum of two "
    "odd numbers is always even, for example 7 + 9 = 16.",
    "## Fractions of a set\n\nOne third of 12 apples is 4 apples: split the 12 into 3 equal "
    "groups and take one group. Two thirds of 12 is therefore 8.",
]


def line(record: object) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def gz(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def sources() -> dict[str, bytes]:
    """Raw text shards for a `textbook` source ({text} records)."""
    good = [line({"text": note, "subset": "notes"}) for note in NOTES]
    full = gz("".join(good))
    return {
        # The compressed stream cut in the middle: the first lines decode, then it just ends.
        "truncated.jsonl.gz": full[: len(full) // 2],
        # Line 3 is a record whose closing brace is missing.
        "invalid_json.jsonl": "".join(
            [good[0], good[1], '{"text": "## Tens\\n\\nTen ones make one ten."\n', good[2]]
        ).encode(),
        # Line 2 holds a number where the text belongs.
        "wrong_type.jsonl": "".join([good[0], line({"text": 42, "subset": "notes"})]).encode(),
        "empty.jsonl": b"",
    }


def problem(question: str, answer: str) -> dict[str, str]:
    return {"problem": question, "solution": f"Work it out step by step: $\\boxed{{{answer}}}$."}


def benchmarks() -> dict[str, bytes]:
    """Files in the `math` benchmark layout ({problem, solution} with a boxed answer)."""
    first = line(problem("What is $7 \\times 8$?", "56"))
    second = line(problem("What is $81 \\div 9$?", "9"))
    return {
        # Line 2 ends before its closing brace.
        "math_invalid_json.jsonl": (
            first + '{"problem": "What is $2 + 2$?", "solution": "4"\n'
        ).encode(),
        # Line 2: the problem is a number, not text.
        "math_wrong_type.jsonl": (
            first + line({"problem": 12, "solution": "$\\boxed{12}$"})
        ).encode(),
        "math_empty.jsonl": b"",
        "math_ok.jsonl": (first + second).encode(),  # the control: this one loads
    }


def model_config() -> bytes:
    """A Llama config.json with no weights beside it."""
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 16,
        "intermediate_size": 32,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "vocab_size": 300,
    }
    return (json.dumps(config, indent=2) + "\n").encode()


def main() -> None:
    files = {
        **{f"source/{name}": data for name, data in sources().items()},
        **{f"bench/{name}": data for name, data in benchmarks().items()},
        "model/no_weights/config.json": model_config(),
    }
    for name, data in files.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
