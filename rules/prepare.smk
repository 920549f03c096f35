# Stage 1: filled synthesis prompts, `n_shards` JSONL shards per source.
if SOURCES:

    rule prepare_prompts:
        input:
            sources=lambda wc: data(config["sources"][wc.source]["paths"]),
            templates=expand(
                "{folder}/{level}.md", folder=config["prepare"]["templates"], level=LEVELS
            ),
        output:
            shards=expand("results/prompts/{{source}}/shard-{shard}.jsonl", shard=SHARDS),
            stats="results/prompts/{source}/stats.json",
        log:
            "logs/prepare/prepare_prompts/{source}.log",
        benchmark:
            "results/benchmarks/prepare/prepare_prompts/{source}.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("prepare_prompts", "threads")
        resources:
            mem_mb=res("prepare_prompts", "mem_mb"),
            runtime=res("prepare_prompts", "runtime"),
        params:
            paths=lambda wc: config["sources"][wc.source]["paths"],
            prepare=lambda wc: {
                "source": wc.source,
                "builder": config["sources"][wc.source]["builder"],
                "max_docs": config["sources"][wc.source]["max_docs"],
                "max_rows": config["sources"][wc.source]["max_rows"],
                "extract_size": config["prepare"]["extract_size"],
                "n_shards": config["prepare"]["n_shards"],
                "seed": config["seed"],
            },
        script:
            "../scripts/prepare_prompts.py"
