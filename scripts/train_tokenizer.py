"""Rule train_tokenizer: texts -> byte-level BPE tokenizer folder."""

from jiuzhang.common.logs import log_to
from jiuzhang.train.model_init import run_train_tokenizer

with log_to(snakemake.log[0]):
    run_train_tokenizer(
        texts=list(snakemake.params.texts),
        fields=list(snakemake.params.fields),
        vocab_size=snakemake.params.vocab_size,
        out_dir=snakemake.output.tokenizer,
    )
