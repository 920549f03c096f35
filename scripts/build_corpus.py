"""Rule build_corpus: generation shards -> corpus JSONL + stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.corpus import CorpusConfig, run_build_corpus

with log_to(snakemake.log[0]):
    run_build_corpus(
        CorpusConfig.from_mapping(dict(snakemake.params.corpus)),
        generations=list(snakemake.input.generations),
        output=snakemake.output.corpus,
        stats=snakemake.output.stats,
    )
