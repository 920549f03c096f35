"""Rule prepare_train_data: curriculum phases of corpora -> one shuffled JSONL + phase sidecar."""

from jiuzhang.common.logs import log_to
from jiuzhang.pack.curriculum import run_prepare_train_data

with log_to(snakemake.log[0]):
    run_prepare_train_data(
        [dict(p) for p in snakemake.params.phases],
        output=snakemake.output.data,
        sidecar=snakemake.output.phases,
        seed=snakemake.params.seed,
    )
