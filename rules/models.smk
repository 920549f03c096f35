# Base models: a tokenizer and random-init Llamas built by the DAG (tiny default), or hub downloads.


# A byte-level BPE tokenizer trained on the configured texts (for `init` models).
rule train_tokenizer:
    input:
        texts=data(config["tokenizer"]["texts"]),
    output:
        tokenizer=directory(TOKENIZER_DIR),
        manifest=manifest(TOKENIZER_DIR),
    log:
        "logs/models/train_tokenizer/tokenizer.log",
    benchmark:
        "results/benchmarks/models/train_tokenizer/tokenizer.tsv"
    conda:
        "../envs/cpu.yaml"
    threads: res("train_tokenizer", "threads")
    resources:
        mem_mb=res("train_tokenizer", "mem_mb"),
        runtime=res("train_tokenizer", "runtime"),
    params:
        texts=config["tokenizer"]["texts"],
        vocab_size=config["tokenizer"]["vocab_size"],
        fields=config["tokenizer"]["fields"],
    script:
        "../scripts/train_tokenizer.py"


# A random-init Llama in Hugging Face format, tokenizer included.
rule init_model:
    input:
        tokenizer=TOKENIZER_DIR,
    output:
        model=directory("results/models/{model}"),
        manifest=manifest("results/models/{model}"),
    log:
        "logs/models/init_model/{model}.log",
    benchmark:
        "results/benchmarks/models/init_model/{model}.tsv"
    conda:
        "../envs/cpu.yaml"
    threads: res("init_model", "threads")
    resources:
        mem_mb=res("init_model", "mem_mb"),
        runtime=res("init_model", "runtime"),
    params:
        arch=lambda wc: BASE_MODELS[wc.model]["init"],
        seed=lambda wc: config["seed"],
    script:
        "../scripts/init_model.py"


# A hub model snapshot (weights, config, tokenizer) for `hub` models; resumable download, every
# file checked against the hub tree; the listing (commit, files, sha256) is its provenance.
rule download_model:
    output:
        model=directory(hub_model_dir("{model}")),
        manifest=manifest(hub_model_dir("{model}")),
        listing=hub_model_listing("{model}"),
    log:
        "logs/models/download_model/{model}.log",
    benchmark:
        "results/benchmarks/models/download_model/{model}.tsv"
    conda:
        "../envs/cpu.yaml"
    threads: res("download_model", "threads")
    resources:
        mem_mb=res("download_model", "mem_mb"),
        runtime=res("download_model", "runtime"),
    params:
        repo_id=lambda wc: BASE_MODELS[wc.model]["hub"],
        revision=lambda wc: BASE_MODELS[wc.model].get("revision", "main"),
    script:
        "../scripts/download_model.py"


# A hub dataset snapshot from `downloads` (MathPile, MMIQC, AutoMathText, MMOS, corpora):
# resumable, pinned to the commit its revision resolves to, every file checked against the hub
# tree. The files stay in data/{download}/ across failed runs so a rerun resumes them.
if DOWNLOADS:

    rule download_data:
        output:
            listing=download_listing("{download}"),
        log:
            "logs/prepare/download_data/{download}.log",
        benchmark:
            "results/benchmarks/prepare/download_data/{download}.tsv"
        wildcard_constraints:
            download="|".join(DOWNLOADS),
        conda:
            "../envs/cpu.yaml"
        threads: res("download_data", "threads")
        resources:
            mem_mb=res("download_data", "mem_mb"),
            runtime=res("download_data", "runtime"),
        params:
            spec=lambda wc: DOWNLOADS[wc.download],
            folder=lambda wc: download_folder(wc.download),
        script:
            "../scripts/download_data.py"
