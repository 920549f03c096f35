"""Rules synth_cot_shard, synth_tool_shard: one prompt shard -> generations (resumable)."""

from jiuzhang.common.logs import log_to
from jiuzhang.synthesize import run_synth_shard

with log_to(snakemake.log[0]):
    run_synth_shard(
        prompts=snakemake.input.prompts,
        model=snakemake.input.model,
        output=snakemake.output.generations,
        sampling=dict(snakemake.params.sampling),
        backend=snakemake.params.backend["name"],
        backend_options=dict(snakemake.params.backend["options"]),
        shard_key=snakemake.params.shard_key,
        rows_per_batch=snakemake.params.rows_per_batch,
        samples_per_prompt=snakemake.params.samples_per_prompt,
        max_failure_rate=snakemake.params.max_failure_rate,
    )
