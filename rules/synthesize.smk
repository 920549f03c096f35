# Stage 2a: the synthesis model writes problem + solution pairs, one resumable job per prompt shard.
rule synth_cot_shard:
    input:
        prompts="results/prompts/{source}/shard-{shard}.jsonl",
        model=SYNTHESIZER_DIR,
    output:
        generations="results/synth/cot/{source}/shard-{shard}.jsonl",
    log:
        "logs/synthesize/synth_cot_shard/{source}.{shard}.log",
    benchmark:
        "results/benchmarks/synthesize/synth_cot_shard/{source}.{shard}.tsv"
    conda:
        "../envs/vllm.yaml"
        if config["synthesis"]["backend"]["name"] == "vllm"
        else "../envs/cpu.yaml"
    threads: res("synth_cot_shard", "threads")
    resources:
        mem_mb=res("synth_cot_shard", "mem_mb"),
        runtime=res("synth_cot_shard", "runtime"),
        gpu=res("synth_cot_shard", "gpu"),
    params:
        sampling=config["synthesis"]["sampling"],
        backend=config["synthesis"]["backend"],
        rows_per_batch=config["synthesis"]["rows_per_batch"],
        samples_per_prompt=config["synthesis"]["samples_per_prompt"],
    script:
        "../scripts/synth_cot_shard.py"
