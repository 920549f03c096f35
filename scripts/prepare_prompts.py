"""Rule prepare_prompts: one source's files -> filled prompt shards + stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.prepare import PrepareConfig, run_prepare

with log_to(snakemake.log[0]):
    run_prepare(
        PrepareConfig.from_mapping(dict(snakemake.params.prepare)),
        inputs=list(snakemake.params.paths),
        templates=list(snakemake.input.templates),
        outputs=list(snakemake.output.shards),
        stats=snakemake.output.stats,
    )
