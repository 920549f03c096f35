"""Rule eval_bench: model x prompt type x benchmark -> predictions + metrics."""

from jiuzhang.common.logs import log_to
from jiuzhang.evaluation.run import run_eval

with log_to(snakemake.log[0]):
    run_eval(
        model=snakemake.input.model,
        model_name=snakemake.wildcards.model,
        prompt_type=snakemake.wildcards.ptype,
        benchmark=snakemake.wildcards.bench,
        bench_file=snakemake.input.data,
        template=snakemake.input.template,
        decoding=dict(snakemake.params.decoding),
        backend=snakemake.params.backend["name"],
        backend_options=dict(snakemake.params.backend["options"]),
        limit=snakemake.params.limit,
        preds_out=snakemake.output.preds,
        metrics_out=snakemake.output.metrics,
    )
