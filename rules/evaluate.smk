# Stage 5: one score file + predictions (+ samples) per (model, prompt type, benchmark):
# eval_bench for the base models, eval_target and eval_control for the trained ones.
if EVALUATION:

    rule eval_bench:
        input:
            model=get_model_dir,
            data=get_bench_file,
            template=get_eval_template,
            demos=get_eval_demos,
        output:
            **eval_sample_outputs(),
            preds="results/eval/{model}/{ptype}/{bench}/predictions.jsonl",
            metrics="results/eval/{model}/{ptype}/{bench}/metrics.json",
            # n sampled completions per item (evaluation.samples): pass@k and maj@k
        log:
            "logs/evaluate/eval_bench/{model}.{ptype}.{bench}.log",
        benchmark:
            "results/benchmarks/evaluate/eval_bench/{model}.{ptype}.{bench}.tsv"
        wildcard_constraints:
            model=names_pattern(m for m in EVAL_MODELS if m in BASE_MODELS),
        conda:
            "../envs/vllm.yaml"
            if config["evaluation"]["backend"]["name"] == "vllm"
            else "../envs/cpu.yaml"
        threads: res("eval_bench", "threads")
        resources:
            mem_mb=res("eval_bench", "mem_mb"),
            runtime=res("eval_bench", "runtime"),
            gpu=lambda wc: model_gpus("eval_bench", wc.model),
        params:
            source=bench_source,
            shots=eval_shots,
            decoding=config["evaluation"]["decoding"],
            backend=lambda wc: model_backend("evaluation", wc.model),
            tool=config["evaluation"]["tool"],
            limit=config["evaluation"]["limit"],
            samples=config["evaluation"].get("samples"),
        script:
            "../scripts/eval_bench.py"

    # The trained models' evaluations under names of their own (the rule graph tells them apart).
    if TARGET_NAME in EVAL_MODELS:

        use rule eval_bench as eval_target with:
            wildcard_constraints:
                model=re.escape(TARGET_NAME),

    if CONTROL_NAME in EVAL_MODELS:

        use rule eval_bench as eval_control with:
            wildcard_constraints:
                model=re.escape(CONTROL_NAME),
