"""Atomic writes, located JSONL errors, reproducible gzip, derived seeds."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import atomic_path, load_jsonl, read_jsonl, write_jsonl
from jiuzhang.common.seeding import derive_seed, stable_choice


def test_atomic_path_keeps_old_file_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_directory_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "model"
    with atomic_path(target, directory=True) as tmp:
        (tmp / "a").write_text("1")
    assert (target / "a").read_text() == "1"
    assert oct(target.stat().st_mode & 0o777) != oct(0o700)  # not left private like mkdtemp


def test_jsonl_round_trip_and_gzip_is_reproducible(tmp_path: Path) -> None:
    rows = [{"text": "α + β", "n": 1}, {"text": "x", "n": 2}]
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    assert write_jsonl(first, rows) == 2
    write_jsonl(second, rows)
    assert first.read_bytes() == second.read_bytes()
    assert load_jsonl(first) == rows
    assert gzip.decompress(first.read_bytes()).decode().count("\n") == 2


def test_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n\n[1, 2]\n')
    with pytest.raises(DataError, match=r"bad.jsonl:3: expected a JSON object"):
        list(read_jsonl(bad))
    bad.write_text('{"a": 1}\n{"b": 2}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:2: missing field 'a'"):
        list(read_jsonl(bad, required=["a"]))
    with pytest.raises(DataError, match=r"nope.jsonl: file not found"):
        list(read_jsonl(tmp_path / "nope.jsonl"))


def test_truncated_gzip_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl.gz"
    write_jsonl(path, [{"text": "x" * 1000}] * 50)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match=r"t.jsonl.gz:\d+: truncated file"):
        list(read_jsonl(path))
    path.write_bytes(b"\x1f\x8b\x08\x00 not deflate data at all")
    with pytest.raises(DataError, match=r"t.jsonl.gz:1: corrupt gzip data"):
        list(read_jsonl(path))


def test_derived_seeds_are_stable_and_distinct() -> None:
    assert derive_seed(42, "wiki", "row-1") == derive_seed(42, "wiki", "row-1")
    assert derive_seed(42, "wiki", "row-1") != derive_seed(42, "wiki", "row-2")
    assert stable_choice("abc", 1, "x") == stable_choice("abc", 1, "x")
