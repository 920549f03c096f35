"""Streaming source readers: JSONL / .gz / .zst / Parquet, folders, field checks, located errors."""

from __future__ import annotations

import gzip
import importlib
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from jiuzhang.common.errors import DataError
from jiuzhang.prepare import sources
from jiuzhang.prepare.builders import get_builder
from jiuzhang.prepare.sources import FieldSpec, ReadStats, iter_records, resolve_paths

TEXT = FieldSpec(fields=("text",), optional=("subset",))
STACK = get_builder("stack").spec


def write_source(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write records in the format the name asks for: .jsonl, .jsonl.gz, .jsonl.zst, .parquet."""
    records = list(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name.endswith(".parquet"):
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.Table.from_pylist(records), path, row_group_size=100)
        return path
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    elif name.endswith(".zst"):
        zstandard = pytest.importorskip("zstandard")
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def _installed(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


# The formats this environment can read (.jsonl.zst needs zstandard, .parquet needs pyarrow).
FORMATS = [
    ".jsonl",
    ".jsonl.gz",
    *([".jsonl.zst"] if _installed("zstandard") else []),
    *([".parquet"] if _installed("pyarrow.parquet") else []),
]
DOCS = [{"text": f"document {i}", "subset": "s"} for i in range(5)]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet"])
def test_every_format_reads_the_same_records(tmp_path: Path, suffix: str) -> None:
    path = write_source(tmp_path / f"src{suffix}", DOCS)
    stats = ReadStats()
    assert list(iter_records([path], TEXT, stats)) == DOCS
    assert (stats.files, stats.records, stats.kept) == (1, 5, 5)


def test_zstd_multi_frame_file_is_read_across_frames(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "multi.jsonl.zst"
    frames = [zstandard.ZstdCompressor().compress((json.dumps(d) + "\n").encode()) for d in DOCS]
    path.write_bytes(b"".join(frames))
    assert list(iter_records([path], TEXT)) == DOCS


def test_folders_expand_to_supported_files_in_sorted_order(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_source(folder / "b" / "part-1.jsonl.gz", [{"text": "b1"}])
    write_source(folder / "a.jsonl", [{"text": "a"}])
    write_source(folder / "b" / "part-0.jsonl", [{"text": "b0"}])
    write_source(folder / ".cache" / "hidden.jsonl", [{"text": "hidden"}])
    (folder / "README.md").write_text("not data")
    extra = write_source(tmp_path / "z.jsonl", [{"text": "z"}])
    assert [p.relative_to(tmp_path).as_posix() for p in resolve_paths([folder, extra])] == [
        "corpus/a.jsonl",
        "corpus/b/part-0.jsonl",
        "corpus/b/part-1.jsonl.gz",
        "z.jsonl",
    ]
    assert [r["text"] for r in iter_records([folder, extra], TEXT)] == ["a", "b0", "b1", "z"]


def test_unusable_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope.jsonl: file not found"):
        resolve_paths([tmp_path / "nope.jsonl"])
    (tmp_path / "data.json").write_text("[]")
    with pytest.raises(DataError, match=r"data.json: unsupported file type"):
        resolve_paths([tmp_path / "data.json"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(DataError, match=r"empty_dir: folder holds no"):
        resolve_paths([tmp_path / "empty_dir"])


@pytest.mark.parametrize(
    ("suffix", "module", "package"),
    [(".jsonl.zst", "zstandard", "zstandard"), (".parquet", "pyarrow.parquet", "pyarrow")],
)
def test_missing_optional_reader_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, module: str, package: str
) -> None:
    path = tmp_path / f"src{suffix}"
    path.write_bytes(b"whatever")
    real = importlib.import_module

    def fake_import(name: str, package_: str | None = None) -> ModuleType:
        if name == module:
            raise ImportError(name)
        return real(name, package_)

    monkeypatch.setattr(sources.importlib, "import_module", fake_import)
    with pytest.raises(DataError, match=rf"src{suffix}: .*needs the '{package}' package"):
        resolve_paths([path])


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('{"text": "ok"}\n{"text": \n', r"bad.jsonl:2: invalid JSON"),
        ('{"text": "ok"}\n\n["a list"]\n', r"bad.jsonl:3: expected a JSON object, got list"),
        ('{"text": "ok"}\n{"body": "x"}\n', r"bad.jsonl:2: missing field 'text'"),
        ('{"text": 12}\n', r"bad.jsonl:1: field 'text' must be a string, got int"),
        (
            '{"text": "ok"}\n{"text": null}\n',
            r"bad.jsonl:2: field 'text' must be a string, got null",
        ),
        ("\n  \n", r"bad.jsonl: empty file \(0 documents\)"),
    ],
)
def test_bad_jsonl_is_located(tmp_path: Path, lines: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(lines)
    with pytest.raises(DataError, match=message):
        list(iter_records([path], TEXT))


def test_bad_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(DataError, match=r"latin.jsonl:2: not UTF-8"):
        list(iter_records([path], TEXT))
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"text": "ok"}\n' * 1000)[:-30])
    with pytest.raises(DataError, match=r"cut.jsonl.gz:\d+: truncated file"):
        list(iter_records([gz], TEXT))
    data = bytearray(gzip.compress(b'{"text": "ok"}\n' * 1000))
    data[len(data) // 2 : len(data) // 2 + 8] = b"\xff" * 8
    gz.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"cut.jsonl.gz:\d+: corrupt gzip data"):
        list(iter_records([gz], TEXT))


def test_corrupt_zstd_is_located(tmp_path: Path) -> None:
    pytest.importorskip("zstandard")
    path = tmp_path / "bad.jsonl.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd garbage that is not a frame")
    with pytest.raises(DataError, match=r"bad.jsonl.zst:1: unreadable"):
        list(iter_records([path], TEXT))


def test_parquet_errors_name_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "PARQUET_BATCH_ROWS", 64)  # the bad row is in a later batch
    rows = [{"text": f"t{i}"} for i in range(300)]
    rows[250] = {"text": None}
    path = write_source(tmp_path / "nulls.parquet", rows)
    with pytest.raises(DataError, match=r"nulls.parquet: row 251: field 'text' must be a string"):
        list(iter_records([path], TEXT))
    other = write_source(tmp_path / "other.parquet", [{"body": "x"}])
    with pytest.raises(DataError, match=r"other.parquet: row 1: missing field 'text'.*body"):
        list(iter_records([other], TEXT))
    numbers = write_source(tmp_path / "numbers.parquet", [{"text": 3}])
    with pytest.raises(DataError, match=r"numbers.parquet: row 1: .* got int"):
        list(iter_records([numbers], TEXT))
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"garbage.parquet: row 1: unreadable"):
        list(iter_records([garbage], TEXT))


def test_empty_parquet_is_an_error(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"text": pa.array([], pa.string())}), path)
    with pytest.raises(DataError, match=r"empty.parquet: empty file"):
        list(iter_records([path], TEXT))


def test_parquet_reads_only_needed_columns_and_batch_size_is_invisible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"text": f"t{i}", "subset": "x", "blob": [i] * 3} for i in range(250)]
    path = write_source(tmp_path / "src.parquet", rows)
    monkeypatch.setattr(sources, "PARQUET_BATCH_ROWS", 7)
    small = list(iter_records([path], TEXT))
    monkeypatch.setattr(sources, "PARQUET_BATCH_ROWS", 1000)
    assert (
        small
        == list(iter_records([path], TEXT))
        == [{"text": r["text"], "subset": "x"} for r in rows]
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_stack_filter_runs_before_content_fields_are_checked(tmp_path: Path, suffix: str) -> None:
    records = [
        {"source": "MATH", "instruction": "kept?", "output": "no"},
        {"source": "stackexchange-math", "instruction": "Q", "output": "A"},
        {"source": "gsm8k", "instruction": None, "output": None},  # filtered out: not checked
    ]
    path = write_source(tmp_path / f"mmiqc{suffix}", records)
    stats = ReadStats()
    assert list(iter_records([path], STACK, stats)) == [
        {"source": "stackexchange-math", "instruction": "Q", "output": "A"}
    ]
    assert (stats.records, stats.kept) == (3, 1)


def test_stack_filter_field_is_required_on_every_row(tmp_path: Path) -> None:
    path = write_source(tmp_path / "mmiqc.jsonl", [{"instruction": "Q", "output": "A"}])
    with pytest.raises(DataError, match=r"mmiqc.jsonl:1: missing field 'source'"):
        list(iter_records([path], STACK))
    kept = write_source(
        tmp_path / "kept.jsonl", [{"source": "stackexchange", "instruction": "Q", "output": 5}]
    )
    with pytest.raises(DataError, match=r"kept.jsonl:1: field 'output' must be a string"):
        list(iter_records([kept], STACK))


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst", ".parquet"])
def test_reading_is_lazy(tmp_path: Path, suffix: str) -> None:
    # The first record comes out before the reader gets to the bad one near the end.
    good = [{"text": "x" * 100} for _ in range(5000)]
    path = write_source(tmp_path / f"big{suffix}", [*good, {"text": None}])
    records = iter_records([path], TEXT)
    assert next(records) == {"text": "x" * 100, "subset": ""}
    with pytest.raises(DataError, match=r"must be a string"):
        list(records)
