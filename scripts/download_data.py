"""Rule download_data: a configured hub dataset snapshot -> data/<name>/ + verified listing."""

from jiuzhang.common.hub import run_download_data
from jiuzhang.common.logs import log_to

with log_to(snakemake.log[0]):
    run_download_data(
        spec=dict(snakemake.params.spec),
        out_dir=snakemake.params.folder,
        listing=snakemake.output.listing,
    )
