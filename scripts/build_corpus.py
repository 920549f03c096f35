"""Rule build_corpus: generation shards -> decontaminated, deduplicated corpus JSONL + stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.corpus import CorpusConfig, run_build_corpus

corpus = dict(snakemake.params.corpus)
corpus.pop("decontam_benchmarks")  # the rule resolved them into params.benchmarks
with log_to(snakemake.log[0]):
    run_build_corpus(
        CorpusConfig.from_mapping(corpus),
        generations=list(snakemake.input.generations),
        output=snakemake.output.corpus,
        stats=snakemake.output.stats,
        benchmarks=dict(snakemake.params.benchmarks),
        failures=list(snakemake.input.failures),
    )
