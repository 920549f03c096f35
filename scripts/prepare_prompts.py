"""Rule prepare_prompts: one source's MathPile-format files -> filled prompt shards."""

from jiuzhang.common.logs import log_to
from jiuzhang.prepare import PrepareConfig, run_prepare

with log_to(snakemake.log[0]):
    run_prepare(
        PrepareConfig.from_mapping(dict(snakemake.params.prepare)),
        inputs=list(snakemake.input.sources),
        templates=list(snakemake.input.templates),
        outputs=list(snakemake.output.shards),
    )
