# Stage 2a: the synthesis model writes problem + solution pairs, one resumable job per prompt shard.
if SOURCES:

    rule synth_cot_shard:
        input:
            prompts="results/prompts/{source}/shard-{shard}.jsonl",
            model=SYNTHESIZER_DIR,
        output:
            generations="results/synth/cot/{source}/shard-{shard}.jsonl",
            failures="results/synth/cot/{source}/shard-{shard}.jsonl.failures.jsonl",
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
            gpu=model_gpus("synth_cot_shard", SYNTHESIZER.get("model")),
        params:
            shard_key=lambda wc: f"{wc.source}/{wc.shard}",
            sampling=config["synthesis"]["sampling"],
            backend=model_backend("synthesis", SYNTHESIZER.get("model")),
            rows_per_batch=config["synthesis"]["rows_per_batch"],
            samples_per_prompt=config["synthesis"]["samples_per_prompt"],
            max_failure_rate=config["synthesis"]["max_failure_rate"],
        script:
            "../scripts/synth_shard.py"


if KD and "teacher" in SYNTHESIZER:

    # Stage 2b (SPEC §2.5): the KD set, answered by a teacher behind an OpenAI-compatible API.
    rule kd_teacher:
        input:
            prompts=data(config["synthesizer"]["teacher"]["prompts"]),
        output:
            kd=config["synthesizer"]["kd_set"],
            failures=config["synthesizer"]["kd_set"] + ".failures.jsonl",
            usage=config["synthesizer"]["kd_set"] + ".usage.json",
        log:
            "logs/synthesize/kd_teacher/teacher.log",
        benchmark:
            "results/benchmarks/synthesize/kd_teacher/teacher.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("kd_teacher", "threads")
        resources:
            mem_mb=res("kd_teacher", "mem_mb"),
            runtime=res("kd_teacher", "runtime"),
        params:
            prompts=config["synthesizer"]["teacher"]["prompts"],
            teacher=config["synthesizer"]["teacher"],
        script:
            "../scripts/kd_teacher.py"
