"""The summary table in the paper's column order (SPEC §5.8): GSM8k, MATH, SVAMP, ASDiv, MAWPS,
CARP, Avg; MATH is MATH-500 (`math-oai`). Avg is the plain mean of the six, and only shown when all
six are present. Reads `metrics.json` files, writes `table.md`, `table.csv` and a bar chart
`table.svg`; with several prompt types, each (model, prompt type) is a row.
"""

from __future__ import annotations

import csv
import html
import io
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from jiuzhang.common.errors import DataError
from jiuzhang.common.io import load_jsonl, read_json, write_text
from jiuzhang.common.manifest import write_manifest
from jiuzhang.evaluation.benchmarks import PAPER_COLUMNS
from jiuzhang.evaluation.intervals import paired_difference, wilson
from jiuzhang.report import paper
from jiuzhang.report.plot import bar_chart_svg

log = logging.getLogger(__name__)
REQUIRED_KEYS = ("model", "prompt_type", "benchmark", "accuracy", "n")


Metrics = list[tuple[str, dict]]  # (path, document) of each metrics file


def counts_of(docs: Metrics) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """(model, prompt type) -> {benchmark: (correct, n)}."""
    counts: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for _, doc in docs:
        correct = doc.get("correct", round(doc["accuracy"] * doc["n"] / 100))
        counts.setdefault((doc["model"], doc["prompt_type"]), {})[doc["benchmark"]] = (
            int(correct),
            int(doc["n"]),
        )
    return counts


def intervals_markdown(
    counts: Mapping[tuple[str, str], Mapping[str, tuple[int, int]]],
    models: Sequence[str],
    ptypes: Sequence[str],
) -> str:
    """A markdown table of n and the 95 % Wilson interval behind every score of the table."""
    columns = list(PAPER_COLUMNS)
    header = ["Model", *PAPER_COLUMNS.values()]
    rows = []
    for model in models:
        for ptype in ptypes:
            cells = counts.get((model, ptype), {})
            label = model if len(ptypes) == 1 else f"{model} ({ptype})"
            row = [label]
            for column in columns:
                if column not in cells:
                    row.append("-")
                    continue
                correct, n = cells[column]
                low, high = wilson(correct, n)
                row.append(f"{low:.1f}-{high:.1f} (n={n})")
            rows.append(row)
    return to_markdown(header, rows)


def _outcomes(
    docs: Metrics, predictions: Sequence[str]
) -> dict[tuple[str, str, str], dict[str, bool]]:
    """(model, prompt type, benchmark) -> {item id: correct}, from the `predictions.jsonl`
    beside each metrics file (each must be among `predictions`, the job's declared inputs)."""
    known = {str(Path(p)) for p in predictions}
    outcomes = {}
    for path, doc in docs:
        preds = str(Path(path).with_name("predictions.jsonl"))
        if preds not in known:
            raise DataError(f"{path}: its predictions {preds} are not among the table's inputs")
        rows = load_jsonl(preds)
        outcomes[doc["model"], doc["prompt_type"], doc["benchmark"]] = {
            str(r["id"]): bool(r["correct"]) for r in rows
        }
    return outcomes


def default_pairs(
    models: Sequence[str], extra: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """(arm, reference) pairs: each model after the first against the first, then `extra`
    (e.g. the synthesized arm against its raw-text control), without repeats."""
    pairs = [(model, models[0]) for model in models[1:]]
    return pairs + [p for p in extra if p not in pairs and p[0] in models and p[1] in models]


def paired_table(
    outcomes: Mapping[tuple[str, str, str], Mapping[str, bool]],
    pairs: Sequence[tuple[str, str]],
    ptypes: Sequence[str],
) -> tuple[list[str], list[list[str]]]:
    """Per (arm, reference) pair and benchmark, on the items both answered: the arm's accuracy
    minus the reference's, in points, and its 95 % paired bootstrap interval."""
    header = ["Difference", *PAPER_COLUMNS.values()]
    rows = []
    for model, reference in pairs:
        for ptype in ptypes:
            label = f"{model} - {reference}" + ("" if len(ptypes) == 1 else f" ({ptype})")
            cells = [label]
            for bench in PAPER_COLUMNS:
                first = outcomes.get((reference, ptype, bench))
                second = outcomes.get((model, ptype, bench))
                if not first or not second:
                    cells.append("-")
                    continue
                items = sorted(set(first) & set(second))
                diff, low, high = paired_difference(
                    [first[i] for i in items], [second[i] for i in items]
                )
                cells.append(f"{diff:+.1f} [{low:+.1f}, {high:+.1f}]")
            rows.append(cells)
    return header, rows


def sampling_table(
    docs: Metrics, models: Sequence[str], ptypes: Sequence[str]
) -> tuple[list[str], list[list[str]]] | None:
    """pass@1, pass@n and maj@n per benchmark with their 95 % bootstrap intervals, for the
    metrics that have samples (`evaluation.samples`); None when none has."""
    sampled = {
        (d["model"], d["prompt_type"], d["benchmark"]): d["samples"]
        for _, d in docs
        if d.get("samples")
    }
    if not sampled:
        return None
    header = ["Sampled", *PAPER_COLUMNS.values()]
    rows = []
    n = max(s["n"] for s in sampled.values())
    for model in models:
        for ptype in ptypes:
            label = model if len(ptypes) == 1 else f"{model} ({ptype})"
            for name, k in (("pass@k", 1), ("pass@k", n), ("maj@k", n)):
                cells = [f"{label}: {name.replace('k', str(k))}"]
                for bench in PAPER_COLUMNS:
                    got = sampled.get((model, ptype, bench))
                    if not got or str(k) not in got[name]:
                        cells.append("-")
                        continue
                    low, high = got[f"{name} ci95"][str(k)]
                    cells.append(f"{got[name][str(k)]:.1f} [{low:.1f}, {high:.1f}]")
                if any(c != "-" for c in cells[1:]):
                    rows.append(cells)
    return header, rows


_HTML_STYLE = (
    ".jz{font-family:sans-serif;font-size:14px}.jz table{border-collapse:collapse;margin:6px 0}"
    ".jz th,.jz td{border:1px solid #ccc;padding:4px 8px;text-align:right}.jz th:first-child,"
    ".jz td:first-child{text-align:left}.jz tr.paper td{color:#555}.jz tr.delta td{color:#555;"
    "font-style:italic}.jz small{color:#666;font-size:11px;white-space:nowrap}"
    ".jz h4{margin:10px 0 2px}.jz .scroll{overflow-x:auto}"
)


PAIRED_TITLE = (
    "Paired differences on the same items, in points, with 95 % intervals (paired bootstrap, "
    "2,000 resamples, seed 0); an interval that holds 0 is no evidence of a difference"
)
SAMPLING_TITLE = (
    "Sampled completions: unbiased pass@k and maj@k (majority over the first k samples' answers, "
    "grouped by the grader's equivalence), in %, with 95 % intervals (bootstrap over items)"
)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["<table>", "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in header) + "</tr>"]
    lines += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return [*lines, "</table>"]


def to_html(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    docs: Metrics,
    models: Sequence[str],
    ptypes: Sequence[str],
    notes: Sequence[str],
    paired: tuple[list[str], list[list[str]]] | None = None,
    sampled: tuple[list[str], list[list[str]]] | None = None,
) -> str:
    """The table as an HTML fragment (a page of its own, and embeddable in the report's first
    screen; ASCII only, styles scoped to it): under each of our scores its 95 % Wilson interval,
    n, and how many answers were missing or cut by the token limit; the paper's rows and the
    differences set apart; then the paired differences and the sampled scores."""
    labels = _row_labels(models, ptypes)
    cells_of = {(d["model"], d["prompt_type"], d["benchmark"]): d for _, d in docs}
    columns = list(PAPER_COLUMNS)
    lines = [
        f"<style>{_HTML_STYLE}</style>",
        "<div class='jz'><div class='scroll'><table>",
        "<tr>" + "".join(f"<th>{html.escape(cell)}</th>" for cell in header) + "</tr>",
    ]
    for row in rows:
        key = labels.get(row[0])
        kind = "" if key else (" class='paper'" if ": paper" in row[0] else " class='delta'")
        cells = [f"<td>{html.escape(row[0])}</td>"]
        for i, cell in enumerate(row[1:]):
            extra = ""
            doc = cells_of.get((*key, columns[i])) if key and i < len(columns) else None
            if doc is not None:
                correct = doc.get("correct", round(doc["accuracy"] * doc["n"] / 100))
                low, high = wilson(int(correct), int(doc["n"]))
                extra = (
                    f"<br><small>{low:.1f}&ndash;{high:.1f}, n={doc['n']}<br>"
                    f"no answer {doc.get('no_answer', '?')}<br>"
                    f"cut {doc.get('truncated', '?')}</small>"
                )
            cells.append(f"<td>{html.escape(cell)}{extra}</td>")
        lines.append(f"<tr{kind}>" + "".join(cells) + "</tr>")
    lines.append("</table></div>")
    lines += [f"<p>{html.escape(note)}</p>" for note in notes]
    for title, table in ((PAIRED_TITLE, paired), (SAMPLING_TITLE, sampled)):
        if table and table[1]:
            lines += [f"<h4>{html.escape(title)}</h4><div class='scroll'>", *_html_table(*table)]
            lines.append("</div>")
    lines.append("</div>")
    text = "\n".join(lines) + "\n"
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def read_metrics(metrics_files: Sequence[str]) -> Metrics:
    """(path, document) of each metrics file, checked for the keys the table needs."""
    docs = []
    for path in metrics_files:
        doc = read_json(path)
        missing = [k for k in REQUIRED_KEYS if k not in doc]
        if missing:
            raise DataError(f"{path}: metrics file lacks {missing}")
        docs.append((path, doc))
    return docs


def scores_of(docs: Metrics) -> dict[tuple[str, str], dict[str, float]]:
    """(model, prompt type) -> {benchmark: accuracy}."""
    table: dict[tuple[str, str], dict[str, float]] = {}
    for _, doc in docs:
        table.setdefault((doc["model"], doc["prompt_type"]), {})[doc["benchmark"]] = float(
            doc["accuracy"]
        )
    return table


def _cells(scores: Mapping[str, float], columns: Sequence[str], dash: str = "-") -> list[str]:
    """One decimal per benchmark, then Avg: the mean of all six, or the given "avg"."""
    cells = [f"{scores[c]:.1f}" if c in scores else dash for c in columns]
    present = [scores[c] for c in columns if c in scores]
    if "avg" in scores:
        avg = f"{scores['avg']:.1f}"
    else:
        avg = f"{sum(present) / len(present):.1f}" if len(present) == len(columns) else dash
    return [*cells, avg]


def _mean(scores: Mapping[str, float], columns: Sequence[str]) -> float | None:
    present = [scores[c] for c in columns if c in scores]
    return sum(present) / len(present) if len(present) == len(columns) else None


def table_rows(
    table: Mapping[tuple[str, str], Mapping[str, float]],
    models: Sequence[str],
    ptypes: Sequence[str],
    references: Mapping[str, str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Header and formatted rows (one decimal, '-' where a benchmark was not run).

    With `references` (model -> row of the paper's table), every `jiuzhang` row is followed by
    the paper's numbers and the difference (ours - paper) per cell; a model without a paper row
    gets those two rows blank."""
    columns = list(PAPER_COLUMNS)
    header = ["Model", *PAPER_COLUMNS.values(), "Avg"]
    rows = []
    for model in models:
        for ptype in ptypes:
            scores = table.get((model, ptype), {})
            label = model if len(ptypes) == 1 else f"{model} ({ptype})"
            rows.append([label, *_cells(scores, columns)])
            if references is None or ptype != paper.PROMPT_TYPE:
                continue
            row_name = references.get(model)
            theirs = dict(paper.paper_scores(row_name)) if row_name else {}
            rows.append([f"{label}: paper ({row_name or 'no row'})", *_cells(theirs, columns, "")])
            ours = {**scores, "avg": _mean(scores, columns)}
            deltas = [
                f"{ours[c] - theirs[c]:+.1f}" if ours.get(c) is not None and c in theirs else ""
                for c in [*columns, "avg"]
            ]
            rows.append([f"{label}: ours - paper", *deltas])
    return header, rows


def _row_labels(models: Sequence[str], ptypes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The table's row label of each (model, prompt type) of ours."""
    return {
        (model if len(ptypes) == 1 else f"{model} ({ptype})"): (model, ptype)
        for model in models
        for ptype in ptypes
    }


def to_csv(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    counts: Mapping[tuple[str, str], Mapping[str, tuple[int, int]]],
    models: Sequence[str],
    ptypes: Sequence[str],
) -> str:
    """The table as CSV: the paper's columns, then per benchmark n and the 95 % Wilson interval
    of our scores (blank on the paper's rows and differences)."""
    labels = _row_labels(models, ptypes)
    extra = [f"{name} {part}" for name in PAPER_COLUMNS.values() for part in ("n", "low", "high")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*header, *extra])
    for row in rows:
        cells = counts.get(labels.get(row[0], ("", "")), {})
        more = []
        for bench in PAPER_COLUMNS:
            if bench not in cells:
                more += ["", "", ""]
                continue
            correct, n = cells[bench]
            low, high = wilson(correct, n)
            more += [str(n), f"{low:.1f}", f"{high:.1f}"]
        writer.writerow([*row, *more])
    return buffer.getvalue()


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
    references: Mapping[str, str] | None = None,
    html_out: str | None = None,
    predictions: Sequence[str] = (),
    pairs: Sequence[Sequence[str]] | None = None,
) -> str:
    """Write the markdown and CSV tables (and the SVG chart); return the markdown.

    `references` (model -> row of the paper's table; may be empty) adds the paper's numbers and
    the differences (see `table_rows`); None leaves them out. The paired differences compare
    each model with the first, and each of `pairs` ((arm, reference), e.g. the synthesized arm
    against its raw-text control)."""
    docs = read_metrics(metrics)  # read once: scores, counts and item outcomes come from it
    table = scores_of(docs)
    counts = counts_of(docs)
    header, rows = table_rows(table, models, prompt_types, references)
    markdown = to_markdown(header, rows)
    notes = ["MATH = MATH-500 (math-oai); accuracy in %, greedy decoding."]
    if references is not None:
        notes.append(
            f"Paper rows: {paper.SOURCE}, compared on the {paper.PROMPT_TYPE} prompt type; "
            "blank where the paper has no row for the model or did not report the benchmark."
        )
    note = "".join(f"\n{n}\n" for n in notes) + (
        "\n95 % intervals (Wilson score) and the number of items behind each score:\n\n"
        + intervals_markdown(counts, models, prompt_types)
    )
    paired = None
    if predictions and len(models) > 1:
        pairs = default_pairs(models, [tuple(p) for p in pairs or ()])
        paired = paired_table(_outcomes(docs, predictions), pairs, prompt_types)
        note += f"\n{PAIRED_TITLE}:\n\n" + to_markdown(*paired)
    sampled = sampling_table(docs, models, prompt_types)
    if sampled:
        note += f"\n{SAMPLING_TITLE}:\n\n" + to_markdown(*sampled)
    write_text(md_out, markdown + note)
    if html_out:
        notes.append(
            "Under each score: its 95 % interval (Wilson score), the items behind it, and the "
            "answers that were missing (no final answer found) or cut at the token limit."
        )
        write_text(
            html_out, to_html(header, rows, docs, models, prompt_types, notes, paired, sampled)
        )
    write_text(csv_out, to_csv(header, rows, counts, models, prompt_types))
    if svg_out:  # our scores only: the chart compares models, the table compares with the paper
        _, ours = table_rows(table, models, prompt_types)
        write_text(svg_out, bar_chart_svg(header, ours, "Accuracy (%), greedy; MATH = MATH-500"))
    write_manifest(
        md_out,
        inputs={"metrics": list(metrics), "predictions": list(predictions)},
        outputs=[csv_out, *(p for p in (svg_out, html_out) if p)],
        params={
            "models": list(models),
            "prompt_types": list(prompt_types),
            "references": None if references is None else dict(references),
            **({"paper_source": paper.SOURCE} if references is not None else {}),
        },
        counts={"rows": len(rows)},
    )
    log.info("table:\n%s", markdown)
    return markdown
