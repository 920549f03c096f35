"""Rule consolidate_zero3: sharded ZeRO-3 checkpoint -> Hugging Face model folder."""

from jiuzhang.common.logs import log_to
from jiuzhang.train.consolidate import run_consolidate

with log_to(snakemake.log[0]):
    run_consolidate(shards=snakemake.input.shards, output=snakemake.output.model)
