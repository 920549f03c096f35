# Stage 2b: generations -> parsed, filtered, deduplicated (input, output) corpus.
if SOURCES:

    rule build_corpus:
        input:
            generations=get_synth_shards(),
            failures=[f"{shard}.failures.jsonl" for shard in get_synth_shards()],
            benchmarks=local_files(decontam_sources()),
        output:
            corpus=CORPUS,
            stats="results/corpus/cot/stats.json",
        log:
            "logs/corpus/build_corpus/cot.log",
        benchmark:
            "results/benchmarks/corpus/build_corpus/cot.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("build_corpus", "threads")
        resources:
            mem_mb=res("build_corpus", "mem_mb"),
            runtime=res("build_corpus", "runtime"),
        params:
            corpus=config["corpus"],
            benchmarks=decontam_sources(),
        script:
            "../scripts/build_corpus.py"
