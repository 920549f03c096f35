# Tool (code) synthesis, SPEC §1.5-1.6 and §2.3-2.4: only when `tool_synthesis` is configured.
if TOOL:

    rule prepare_tool_prompts:
        input:
            seeds=data(TOOL["seeds"]),
            exemplars=data(TOOL["exemplars"]),
            template=TOOL["template"],
        output:
            shards=expand("results/prompts/tool/shard-{tshard}.jsonl", tshard=TOOL_SHARDS),
            stats="results/prompts/tool/stats.json",
        log:
            "logs/prepare/prepare_tool_prompts/tool.log",
        benchmark:
            "results/benchmarks/prepare/prepare_tool_prompts/tool.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("prepare_tool_prompts", "threads")
        resources:
            mem_mb=res("prepare_tool_prompts", "mem_mb"),
            runtime=res("prepare_tool_prompts", "runtime"),
        params:
            seeds=TOOL["seeds"],
            exemplars=TOOL["exemplars"],
            prepare={
                "seed_chars": TOOL["seed_chars"],
                "n_shards": TOOL["n_shards"],
                "max_seeds": TOOL["max_seeds"],
                "seed": config["seed"],
            },
        script:
            "../scripts/prepare_tool_prompts.py"

    rule synth_tool_shard:
        input:
            prompts="results/prompts/tool/shard-{tshard}.jsonl",
            model=SYNTHESIZER_DIR,
        output:
            generations="results/synth/tool/shard-{tshard}.jsonl",
            failures="results/synth/tool/shard-{tshard}.jsonl.failures.jsonl",
        log:
            "logs/synthesize/synth_tool_shard/{tshard}.log",
        benchmark:
            "results/benchmarks/synthesize/synth_tool_shard/{tshard}.tsv"
        conda:
            "../envs/vllm.yaml"
            if config["synthesis"]["backend"]["name"] == "vllm"
            else "../envs/cpu.yaml"
        threads: res("synth_tool_shard", "threads")
        resources:
            mem_mb=res("synth_tool_shard", "mem_mb"),
            runtime=res("synth_tool_shard", "runtime"),
            gpu=model_gpus("synth_tool_shard", SYNTHESIZER.get("model")),
        params:
            shard_key=lambda wc: f"tool/{wc.tshard}",
            sampling=TOOL["sampling"],
            backend=model_backend("synthesis", SYNTHESIZER.get("model")),
            rows_per_batch=TOOL["rows_per_batch"],
            samples_per_prompt=1,
            max_failure_rate=TOOL["max_failure_rate"],
        script:
            "../scripts/synth_shard.py"

    rule build_tool_corpus:
        input:
            generations=get_tool_shards(),
            failures=[f"{shard}.failures.jsonl" for shard in get_tool_shards()],
            benchmarks=local_files(decontam_sources()),
        output:
            corpus=TOOL_CORPUS,
            stats="results/corpus/tool/stats.json",
        log:
            "logs/corpus/build_tool_corpus/tool.log",
        benchmark:
            "results/benchmarks/corpus/build_tool_corpus/tool.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("build_tool_corpus", "threads")
        resources:
            mem_mb=res("build_tool_corpus", "mem_mb"),
            runtime=res("build_tool_corpus", "runtime"),
        params:
            corpus={
                **TOOL["corpus"],
                "dedup": config["corpus"]["dedup"],
                "decontam": config["corpus"]["decontam"],
            },
            benchmarks=decontam_sources(),
        script:
            "../scripts/build_tool_corpus.py"
