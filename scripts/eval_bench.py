"""Rule eval_bench: model x prompt type x benchmark -> predictions + metrics."""

from jiuzhang.common.logs import log_to
from jiuzhang.evaluation.run import run_eval

with log_to(snakemake.log[0]):
    run_eval(
        model=snakemake.input.model,
        model_name=snakemake.wildcards.model,
        prompt_type_name=snakemake.wildcards.ptype,
        benchmark=snakemake.wildcards.bench,
        bench_source=snakemake.params.source,
        template=snakemake.input.template,
        demos=snakemake.input.demos or None,
        shots=snakemake.params.shots,
        decoding=dict(snakemake.params.decoding),
        backend=snakemake.params.backend["name"],
        backend_options=dict(snakemake.params.backend["options"]),
        tool=dict(snakemake.params.tool),
        limit=snakemake.params.limit,
        preds_out=snakemake.output.preds,
        metrics_out=snakemake.output.metrics,
    )
