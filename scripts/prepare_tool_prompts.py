"""Rule prepare_tool_prompts: seed texts + exemplars -> tool-synthesis prompt shards + stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.prepare.tool import ToolPrepareConfig, run_prepare_tool

with log_to(snakemake.log[0]):
    run_prepare_tool(
        ToolPrepareConfig.from_mapping(dict(snakemake.params.prepare)),
        seeds=list(snakemake.params.seeds),
        exemplars=snakemake.params.exemplars,
        template=snakemake.input.template,
        outputs=list(snakemake.output.shards),
        stats=snakemake.output.stats,
    )
