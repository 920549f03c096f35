"""Rule kd_teacher: filled prompts -> teacher completions (the KD set), usage and cost."""

from jiuzhang.common.logs import log_to
from jiuzhang.synthesize import run_teacher

teacher = dict(snakemake.params.teacher)
with log_to(snakemake.log[0]):
    run_teacher(
        prompts=snakemake.params.prompts,
        model=teacher["model"],
        output=snakemake.output.kd,
        sampling=dict(teacher["sampling"]),
        backend=teacher["backend"]["name"],
        backend_options=dict(teacher["backend"]["options"]),
        rows_per_batch=teacher["rows_per_batch"],
        max_failure_rate=teacher["max_failure_rate"],
    )
