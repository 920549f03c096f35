"""Rule report_figures: metrics, stats and training logs -> the report's SVG figures."""

from jiuzhang.common.logs import log_to
from jiuzhang.report.figures import run_report_figures

stats = snakemake.params.stats
with log_to(snakemake.log[0]):
    run_report_figures(
        metrics=list(snakemake.input.metrics),
        models=list(snakemake.params.models),
        prompt_types=list(snakemake.params.prompt_types),
        benchmarks=list(snakemake.params.benchmarks),
        prompt_stats=dict(stats["prompts"]),
        corpus_stats=dict(stats["corpora"]),
        packed_stats=dict(stats["packed"]),
        trained=dict(stats["trained"]),
        scores_out=list(snakemake.output.get("scores", [])),
        funnel_out=snakemake.output.get("funnel"),
        packing_out=snakemake.output.get("packing"),
        loss_out=snakemake.output.get("loss"),
    )
