"""Rule build_tool_corpus: tool generations -> executed, verified, cleaned corpus + stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.corpus.tool import ToolCorpusConfig, run_build_tool_corpus

with log_to(snakemake.log[0]):
    run_build_tool_corpus(
        ToolCorpusConfig.from_mapping(dict(snakemake.params.corpus)),
        generations=list(snakemake.input.generations),
        output=snakemake.output.corpus,
        stats=snakemake.output.stats,
        benchmarks=dict(snakemake.params.benchmarks),
        failures=list(snakemake.input.failures),
    )
