"""Rule report_table: metrics JSONs -> table.md + table.csv + table.svg."""

from jiuzhang.common.logs import log_to
from jiuzhang.report import run_report_table

with log_to(snakemake.log[0]):
    run_report_table(
        metrics=list(snakemake.input.metrics),
        models=list(snakemake.params.models),
        prompt_types=list(snakemake.params.prompt_types),
        md_out=snakemake.output.md,
        csv_out=snakemake.output.csv,
        svg_out=snakemake.output.svg,
        html_out=snakemake.output.html,
        predictions=list(snakemake.input.predictions),
        references=snakemake.params.references,
        pairs=snakemake.params.pairs,
    )
