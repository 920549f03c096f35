"""The summary table in the paper's column order (SPEC §5.8): GSM8k, MATH, SVAMP, ASDiv, MAWPS,
CARP, Avg; MATH is MATH-500 (`math-oai`). Avg is the plain mean of the six, and only shown when all
six are present. Reads `metrics.json` files, writes `table.md`, `table.csv` and a bar chart
`table.svg`; with several prompt types, each (model, prompt type) is a row.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping, Sequence

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import read_json, write_text
from jiuzhang.common.manifest import write_manifest
from jiuzhang.evaluation.benchmarks import PAPER_COLUMNS
from jiuzhang.report.plot import bar_chart_svg

log = logging.getLogger(__name__)
REQUIRED_KEYS = ("model", "prompt_type", "benchmark", "accuracy", "n")


def collect(metrics_files: Sequence[str]) -> dict[tuple[str, str], dict[str, float]]:
    """(model, prompt type) -> {benchmark: accuracy} from metrics files."""
    table: dict[tuple[str, str], dict[str, float]] = {}
    for path in metrics_files:
        doc = read_json(path)
        missing = [k for k in REQUIRED_KEYS if k not in doc]
        if missing:
            raise DataError(f"{path}: metrics file lacks {missing}")
        table.setdefault((doc["model"], doc["prompt_type"]), {})[doc["benchmark"]] = float(
            doc["accuracy"]
        )
    return table


def table_rows(
    table: Mapping[tuple[str, str], Mapping[str, float]],
    models: Sequence[str],
    ptypes: Sequence[str],
) -> tuple[list[str], list[list[str]]]:
    """Header and formatted rows (one decimal, '-' where a benchmark was not run)."""
    columns = list(PAPER_COLUMNS)
    header = ["Model", *PAPER_COLUMNS.values(), "Avg"]
    rows = []
    for model in models:
        for ptype in ptypes:
            scores = table.get((model, ptype), {})
            label = model if len(ptypes) == 1 else f"{model} ({ptype})"
            cells = [f"{scores[c]:.1f}" if c in scores else "-" for c in columns]
            present = [scores[c] for c in columns if c in scores]
            avg = f"{sum(present) / len(present):.1f}" if len(present) == len(columns) else "-"
            rows.append([label, *cells, avg])
    return header, rows


def to_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-style markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def run_report_table(
    *,
    metrics: Sequence[str],
    models: Sequence[str],
    prompt_types: Sequence[str],
    md_out: str,
    csv_out: str,
    svg_out: str | None = None,
) -> str:
    """Write the markdown and CSV tables (and the SVG chart); return the markdown."""
    header, rows = table_rows(collect(metrics), models, prompt_types)
    markdown = to_markdown(header, rows)
    note = "\nMATH = MATH-500 (`math-oai`); accuracy in %, greedy decoding.\n"
    write_text(md_out, markdown + note)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(csv_out, buffer.getvalue())
    if svg_out:
        write_text(svg_out, bar_chart_svg(header, rows, "Accuracy (%), greedy; MATH = MATH-500"))
    write_manifest(
        md_out,
        inputs={"metrics": list(metrics)},
        outputs=[csv_out, *([svg_out] if svg_out else [])],
        params={"models": list(models), "prompt_types": list(prompt_types)},
        counts={"rows": len(rows)},
    )
    log.info("table:\n%s", markdown)
    return markdown
