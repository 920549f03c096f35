"""Rule download_model: a hub id -> local model snapshot (checksummed)."""

from jiuzhang.common.logs import log_to
from jiuzhang.train.model_init import run_download_model

with log_to(snakemake.log[0]):
    run_download_model(
        repo_id=snakemake.params.repo_id,
        revision=snakemake.params.revision,
        out_dir=snakemake.output.model,
        listing=snakemake.output.listing,
    )
