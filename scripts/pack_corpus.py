"""Rule pack_corpus: corpus JSONL (+ curriculum phases) + model tokenizer -> packed rows,
held-out rows, stats."""

from jiuzhang.common.logs import log_to
from jiuzhang.pack import PackConfig, run_pack

with log_to(snakemake.log[0]):
    run_pack(
        PackConfig.from_mapping(dict(snakemake.params.pack)),
        corpus=snakemake.params.corpus,
        tokenizer=snakemake.input.model,
        output=snakemake.output.packed,
        stats=snakemake.output.stats,
        phases=snakemake.params.phases,
        heldout_output=snakemake.output.heldout,
        workers=snakemake.threads,
    )
