"""Rule init_model: tokenizer -> random-init Llama folder (HF format)."""

from jiuzhang.common.logs import log_to
from jiuzhang.train.model_init import run_init_model

with log_to(snakemake.log[0]):
    run_init_model(
        arch=dict(snakemake.params.arch),
        tokenizer=snakemake.input.tokenizer,
        out_dir=snakemake.output.model,
        seed=snakemake.params.seed,
    )
