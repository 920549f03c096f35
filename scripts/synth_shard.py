"""Rules synth_cot_shard, synth_tool_shard: one prompt shard -> generations (resumable)."""

from jiuzhang.common.logs import log_to
from jiuzhang.generation.engine_env import run_job

with log_to(snakemake.log[0]):
    backend = snakemake.params.backend
    run_job(  # in the vLLM environment when the backend is vllm
        backend,
        "jiuzhang.synthesize:run_synth_shard",
        dict(
            prompts=snakemake.input.prompts,
            model=snakemake.input.model,
            output=snakemake.output.generations,
            sampling=dict(snakemake.params.sampling),
            backend=backend["name"],
            backend_options=dict(backend["options"]),
            shard_key=snakemake.params.shard_key,
            rows_per_batch=snakemake.params.rows_per_batch,
            samples_per_prompt=snakemake.params.samples_per_prompt,
            max_failure_rate=snakemake.params.max_failure_rate,
        ),
        log_path=snakemake.log[0],
    )
