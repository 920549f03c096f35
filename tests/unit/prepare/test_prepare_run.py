"""run_prepare end to end: every builder from every format, caps, counts/manifests, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_prepare_sources import FORMATS, write_source

from jiuzhang.common.errors import DataError
from jiuzhang.common.manifest import manifest_path
from jiuzhang.prepare import BUILDERS, LEVELS, PrepareConfig, run_prepare
from jiuzhang.prepare import sources as sources_module
from jiuzhang.prepare.templates import template_files

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = template_files(REPO / "prompts/cot")


def _record(i: int) -> dict[str, Any]:
    """One record every builder can read (MathPile text, MMIQC fields)."""
    return {
        "text": f"Lead {i}.\n## Part A{i}\nalpha {i}\n\\section{{S{i}}}\n## Part B{i}\nbeta {i}",
        "subset": "mixed",
        "instruction": f"What is {i} + {i}?",
        "output": f"It is {2 * i}.",
        "source": "stackexchange-math" if i % 3 else "MATH",
    }


RECORDS = [_record(i) for i in range(40)]


def _run(
    out: Path, inputs: list[Path], builder: str, n_shards: int = 1, **kw: int
) -> tuple[dict[str, Any], list[Path]]:
    outputs = [out / f"shard-{i:05d}.jsonl" for i in range(n_shards)]
    cfg = PrepareConfig(source="src", builder=builder, n_shards=n_shards, **kw)
    counts = run_prepare(cfg, inputs=inputs, templates=TEMPLATES, outputs=outputs)
    return counts, outputs


def _rows(outputs: list[Path]) -> list[dict]:
    return [json.loads(line) for path in outputs for line in path.read_text().splitlines()]


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_builder_gives_the_same_rows_from_every_format(tmp_path: Path, builder: str) -> None:
    results = []
    for suffix in FORMATS:
        source = write_source(tmp_path / f"in{suffix}", RECORDS)
        _, outputs = _run(tmp_path / suffix, [source], builder, n_shards=2)
        results.append([p.read_bytes() for p in outputs])
    assert all(r == results[0] for r in results)
    rows = _rows(
        [tmp_path / ".jsonl" / "shard-00000.jsonl", tmp_path / ".jsonl" / "shard-00001.jsonl"]
    )
    expected = {"textbook": 80, "wiki": 320, "stack": 26, "web": 40, "arxiv": 80}[builder]
    assert len(rows) == expected
    assert all("<EXTRACT>" not in r["prompt"] for r in rows)


def test_counts_are_returned_and_written_beside_every_shard(tmp_path: Path) -> None:
    source = write_source(tmp_path / "in.jsonl", RECORDS)
    outputs = [tmp_path / f"shard-{i}.jsonl" for i in range(3)]
    stats = tmp_path / "stats.json"
    cfg = PrepareConfig(source="src", builder="stack", n_shards=3)
    counts = run_prepare(cfg, inputs=[source], templates=TEMPLATES, outputs=outputs, stats=stats)
    rows = _rows(outputs)
    assert counts["rows"] == len(rows) == 26
    assert counts["by_level"] == {lv: sum(r["level"] == lv for r in rows) for lv in LEVELS}
    assert list(counts["by_level"]) == list(LEVELS)
    assert (counts["records"], counts["documents"], counts["files"]) == (40, 26, 1)
    assert counts["shards"] == [9, 9, 8]
    for path in outputs:
        manifest = json.loads(manifest_path(path).read_text())
        shard_rows = _rows([path])
        assert manifest["counts"]["rows"] == len(shard_rows)
        assert manifest["counts"]["by_level"] == {
            lv: sum(r["level"] == lv for r in shard_rows) for lv in LEVELS
        }
        assert manifest["counts"]["source"] == counts
        assert manifest["params"]["max_rows"] == 0
    assert json.loads(stats.read_text()) == {"source": "src", "builder": "stack", **counts}


def test_max_rows_takes_the_first_rows_in_id_order_and_stops_reading(tmp_path: Path) -> None:
    source = write_source(tmp_path / "in.jsonl", RECORDS)
    _, full = _run(tmp_path / "full", [source], "wiki")
    counts, capped = _run(tmp_path / "cap", [source], "wiki", max_rows=20)
    all_rows, rows = _rows(full), _rows(capped)
    assert rows == all_rows[:20] == sorted(all_rows, key=lambda r: r["id"])[:20]
    assert counts["rows"] == 20 and counts["documents"] == 3  # 8 + 8 + 4 of the third
    # Reading stops at the cap: a broken line further on is never reached.
    broken = tmp_path / "broken.jsonl"
    broken.write_text(source.read_text() + "{not json\n")
    _, again = _run(tmp_path / "broken", [broken], "wiki", max_rows=20)
    assert _rows(again) == rows
    with pytest.raises(DataError, match=r"broken.jsonl:41: invalid JSON"):
        _run(tmp_path / "broken_all", [broken], "wiki")


def test_max_docs_counts_kept_records(tmp_path: Path) -> None:
    source = write_source(tmp_path / "in.jsonl", RECORDS)
    counts, outputs = _run(tmp_path / "o", [source], "stack", max_docs=4)
    assert counts["documents"] == 4 and counts["records"] == 6  # rows 0 and 3 are not stackexchange
    assert [r["id"] for r in _rows(outputs)] == [f"src-{d:06d}-000" for d in range(4)]


def test_caps_below_the_shard_count_are_an_error(tmp_path: Path) -> None:
    source = write_source(tmp_path / "in.jsonl", RECORDS)
    with pytest.raises(DataError, match=r"gave 2 prompts, fewer than n_shards=3"):
        _run(tmp_path / "o", [source], "web", n_shards=3, max_rows=2)
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    with pytest.raises(ValueError, match="max_docs and max_rows must be >= 0"):
        PrepareConfig(source="s", builder="web", max_rows=-1)


def test_folder_inputs_and_multiple_files_keep_document_order(tmp_path: Path) -> None:
    write_source(tmp_path / "src" / "part-0.jsonl.gz", RECORDS[:10])
    write_source(tmp_path / "src" / "part-1.parquet", RECORDS[10:])
    single = write_source(tmp_path / "all.jsonl", RECORDS)
    _, from_folder = _run(tmp_path / "a", [tmp_path / "src"], "arxiv", n_shards=2)
    _, from_file = _run(tmp_path / "b", [single], "arxiv", n_shards=2)
    assert [p.read_bytes() for p in from_folder] == [p.read_bytes() for p in from_file]
    manifest = json.loads(manifest_path(from_folder[0]).read_text())
    assert [Path(p).name for p in manifest["inputs"]["sources"]] == [
        "part-0.jsonl.gz",
        "part-1.parquet",
    ]


def test_bad_record_midway_writes_nothing(tmp_path: Path) -> None:
    records = [dict(r) for r in RECORDS]
    records[30]["text"] = 5
    source = write_source(tmp_path / "in.jsonl", records)
    out = tmp_path / "out"
    out.mkdir()
    (out / "shard-00000.jsonl").write_text("earlier\n")
    with pytest.raises(DataError, match=r"in.jsonl:31: field 'text' must be a string, got int"):
        _run(out, [source], "web", n_shards=2)
    assert sorted(p.name for p in out.iterdir()) == ["shard-00000.jsonl"]
    assert (out / "shard-00000.jsonl").read_text() == "earlier\n"


def test_missing_reader_library_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_source(tmp_path / "a.jsonl", RECORDS)
    (tmp_path / "b.parquet").write_bytes(b"PAR1")

    def no_module(name: str, package: str | None = None) -> None:
        raise ImportError(name)

    monkeypatch.setattr(sources_module.importlib, "import_module", no_module)
    with pytest.raises(DataError, match=r"b.parquet: reading .parquet files needs the 'pyarrow'"):
        _run(tmp_path / "o", [good, tmp_path / "b.parquet"], "web")
    assert not (tmp_path / "o").exists()


# --- determinism (SPEC §6.11) -----------------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_reruns_are_byte_identical_and_shard_counts_only_repartition(
    tmp_path: Path, builder: str
) -> None:
    source = write_source(tmp_path / "in.jsonl.gz", RECORDS)
    _, first = _run(tmp_path / "r1", [source], builder, n_shards=3, seed=11)
    _, second = _run(tmp_path / "r2", [source], builder, n_shards=3, seed=11)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [manifest_path(p).read_bytes() for p in first] == [
        manifest_path(p).read_bytes() for p in second
    ]
    _, one = _run(tmp_path / "n1", [source], builder, n_shards=1, seed=11)
    reference = _rows(one)
    assert len({r["id"] for r in reference}) == len(reference)  # ids are unique
    for n in (2, 3, 7):
        _, outputs = _run(tmp_path / f"n{n}", [source], builder, n_shards=n, seed=11)
        shards = [_rows([p]) for p in outputs]
        assert sorted(r["id"] for s in shards for r in s) == sorted(r["id"] for r in reference)
        for j, shard in enumerate(shards):  # row i -> shard i mod n, rows unchanged
            assert shard == reference[j::n]


def test_output_does_not_depend_on_reader_batching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_source(tmp_path / "in.parquet", RECORDS)
    monkeypatch.setattr(sources_module, "PARQUET_BATCH_ROWS", 3)
    _, small = _run(tmp_path / "small", [source], "textbook", n_shards=2)
    monkeypatch.setattr(sources_module, "PARQUET_BATCH_ROWS", 4096)
    _, large = _run(tmp_path / "large", [source], "textbook", n_shards=2)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in large]
