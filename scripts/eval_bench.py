"""Rule eval_bench: model x prompt type x benchmark -> predictions + metrics."""

from jiuzhang.common.logs import log_to
from jiuzhang.generation.engine_env import run_job

with log_to(snakemake.log[0]):
    backend = snakemake.params.backend
    run_job(  # in the vLLM environment when the backend is vllm
        backend,
        "jiuzhang.evaluation.run:run_eval",
        dict(
            model=snakemake.input.model,
            model_name=snakemake.wildcards.model,
            prompt_type_name=snakemake.wildcards.ptype,
            benchmark=snakemake.wildcards.bench,
            bench_source=snakemake.params.source,
            template=snakemake.input.template,
            demos=snakemake.input.demos or None,
            shots=snakemake.params.shots,
            decoding=dict(snakemake.params.decoding),
            backend=backend["name"],
            backend_options=dict(backend["options"]),
            tool=dict(snakemake.params.tool),
            limit=snakemake.params.limit,
            samples=dict(snakemake.params.samples) if snakemake.params.samples else None,
            samples_out=snakemake.output.get("samples"),
            preds_out=snakemake.output.preds,
            metrics_out=snakemake.output.metrics,
        ),
        log_path=snakemake.log[0],
    )
