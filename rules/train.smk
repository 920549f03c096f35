# Stage 4: Trainer + DeepSpeed ZeRO, one torchrun per node (srun across nodes on SLURM; gloo
# ranks on CPU). ZeRO-3 runs write the sharded checkpoint; consolidate_zero3 makes the model.


# A base pre-trained on raw text (`models.<name>.pretrain`) before any other rule uses the name:
# ZeRO-2, no stable checkpoint kept.
if PRETRAINED:

    rule pretrain_base:
        input:
            model=lambda wc: raw_model_dir(wc.model),
            packed=packed_file("pretrain-{model}"),
            heldout=heldout_file("pretrain-{model}"),
        output:
            model=directory("results/pretrain/{model}/model"),
            manifest=manifest("results/pretrain/{model}/model"),
        log:
            "logs/train/pretrain_base/{model}.log",
        benchmark:
            "results/benchmarks/train/pretrain_base/{model}.tsv"
        wildcard_constraints:
            model="|".join(PRETRAINED),
        conda:
            "../envs/train.yaml"
        threads: res("pretrain_base", "threads")
        resources:
            **train_gpus("pretrain_base"),
            mem_mb=res("pretrain_base", "mem_mb"),
            runtime=res("pretrain_base", "runtime"),
        params:
            nproc=lambda wc: train_nproc(f"pretrain-{wc.model}"),
            train=lambda wc: train_config_json(f"pretrain-{wc.model}"),
        shell:
            "python -m jiuzhang.train.launch --nproc {params.nproc} --"
            " --base {input.model} --packed {input.packed} --heldout {input.heldout}"
            " --output {output.model} --config {params.train:q} > {log} 2>&1"


# The synthesis model: `synthesizer.base` fine-tuned on the KD set (the stage the original lacked).
if KD:

    rule train_synthesizer:
        input:
            model=model_dir(config["synthesizer"]["base"]),
            packed=packed_file("kd"),
            heldout=heldout_file("kd"),
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
            nproc=train_nproc("synthesizer"),
            train=train_config_json("synthesizer"),
            stable=lambda wc, output: stable_arg(output),
        shell:
            "python -m jiuzhang.train.launch --nproc {params.nproc} --"
            " --base {input.model} --packed {input.packed} --heldout {input.heldout}"
            " --output {output.model} --config {params.train:q} {params.stable} > {log} 2>&1"


# The JiuZhang model: continued pre-training of `target.base` on the curriculum's packed rows;
# train_control is the same run (settings, steps, seed) on raw text, as target.control.name.
if TARGET:

    rule train_cpt:
        input:
            model=model_dir(config["target"]["base"]),
            packed=lambda wc: packed_file(arm_set(wc.arm)),
            heldout=lambda wc: heldout_file(arm_set(wc.arm)),
        output:
            **train_outputs("target", "{arm}"),
        log:
            "logs/train/train_cpt/{arm}.log",
        benchmark:
            "results/benchmarks/train/train_cpt/{arm}.tsv"
        wildcard_constraints:
            arm=re.escape(TARGET_NAME),
        conda:
            "../envs/train.yaml"
        threads: res("train_cpt", "threads")
        resources:
            **train_gpus("train_cpt"),
            mem_mb=res("train_cpt", "mem_mb"),
            runtime=res("train_cpt", "runtime"),
        params:
            nproc=train_nproc("target"),
            train=train_config_json("target"),
            stable=lambda wc, output: stable_arg(output),
        shell:
            "python -m jiuzhang.train.launch --nproc {params.nproc} --"
            " --base {input.model} --packed {input.packed} --heldout {input.heldout}"
            " --output {output.model} --config {params.train:q} {params.stable} > {log} 2>&1"

    if CONTROL:

        use rule train_cpt as train_control with:
            wildcard_constraints:
                arm=re.escape(CONTROL_NAME),


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
