# Stage 4: Trainer + DeepSpeed ZeRO, one torchrun per node (srun across nodes on SLURM; gloo
# ranks on CPU). ZeRO-3 runs write the sharded checkpoint; consolidate_zero3 makes the model.


# The synthesis model: `synthesizer.base` fine-tuned on the KD set (the stage the original lacked).
if KD:

    rule train_synthesizer:
        input:
            model=model_dir(config["synthesizer"]["base"]),
            packed=packed_file("kd"),
        output:
            **train_outputs("synthesizer"),
        log:
            "logs/train/train_synthesizer/synthesizer.log",
        benchmark:
            "results/benchmarks/train/train_synthesizer/synthesizer.tsv"
        conda:
            "../envs/train.yaml"
        threads: res("train_synthesizer", "threads")
        resources:
            **train_gpus("train_synthesizer"),
            mem_mb=res("train_synthesizer", "mem_mb"),
            runtime=res("train_synthesizer", "runtime"),
        params:
            nproc=config["synthesizer"]["train"]["nproc_per_node"],
            train=train_config_json("synthesizer"),
            stable=lambda wc, output: stable_arg(output),
        shell:
            "python -m jiuzhang.train.launch --nproc {params.nproc} --"
            " --base {input.model} --packed {input.packed} --output {output.model}"
            " --config {params.train:q} {params.stable} > {log} 2>&1"


# The JiuZhang model: continued pre-training of `target.base` on the curriculum's packed rows.
if TARGET:

    rule train_cpt:
        input:
            model=model_dir(config["target"]["base"]),
            packed=packed_file("train"),
        output:
            **train_outputs("target"),
        log:
            f"logs/train/train_cpt/{TARGET_NAME}.log",
        benchmark:
            f"results/benchmarks/train/train_cpt/{TARGET_NAME}.tsv"
        conda:
            "../envs/train.yaml"
        threads: res("train_cpt", "threads")
        resources:
            **train_gpus("train_cpt"),
            mem_mb=res("train_cpt", "mem_mb"),
            runtime=res("train_cpt", "runtime"),
        params:
            nproc=config["target"]["train"]["nproc_per_node"],
            train=train_config_json("target"),
            stable=lambda wc, output: stable_arg(output),
        shell:
            "python -m jiuzhang.train.launch --nproc {params.nproc} --"
            " --base {input.model} --packed {input.packed} --output {output.model}"
            " --config {params.train:q} {params.stable} > {log} 2>&1"


# ZeRO-3 (SPEC §4.4, §6.17): the sharded checkpoint -> one Hugging Face model folder.
if ZERO3_DIRS:

    rule consolidate_zero3:
        input:
            shards="{run}/zero3",
        output:
            model=directory("{run}/model"),
            manifest=manifest("{run}/model"),
        log:
            "logs/train/consolidate_zero3/{run}.log",
        wildcard_constraints:
            run="|".join(ZERO3_DIRS),
        conda:
            "../envs/train.yaml"
        threads: res("consolidate_zero3", "threads")
        resources:
            mem_mb=res("consolidate_zero3", "mem_mb"),
            runtime=res("consolidate_zero3", "runtime"),
        script:
            "../scripts/consolidate_zero3.py"
