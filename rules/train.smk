# Stage 4: Trainer + DeepSpeed ZeRO under torchrun (GPUs on a cluster; gloo ranks on CPU).


# The synthesis model: `synthesizer.base` fine-tuned on the KD set (the stage the original lacked).
rule train_synthesizer:
    input:
        model=model_dir(config["synthesizer"]["base"]),
        packed=packed_file("kd"),
    output:
        model=directory(SYNTHESIZER_DIR),
        manifest=manifest(SYNTHESIZER_DIR),
    log:
        "logs/train/train_synthesizer/synthesizer.log",
    benchmark:
        "results/benchmarks/train/train_synthesizer/synthesizer.tsv"
    conda:
        "../envs/train.yaml"
    threads: res("train_synthesizer", "threads")
    resources:
        mem_mb=res("train_synthesizer", "mem_mb"),
        runtime=res("train_synthesizer", "runtime"),
        gpu=res("train_synthesizer", "gpu"),
        nodes=res("train_synthesizer", "nodes"),
    params:
        nproc=config["synthesizer"]["train"]["nproc_per_node"],
        train=train_config_json("synthesizer"),
    shell:
        "torchrun --standalone --nproc-per-node {params.nproc} -m jiuzhang.train"
        " --base {input.model} --packed {input.packed} --output {output.model}"
        " --config {params.train:q} > {log} 2>&1"


# The JiuZhang model: continued pre-training of `target.base` on the synthesized corpus.
rule train_cpt:
    input:
        model=model_dir(config["target"]["base"]),
        packed=packed_file("cot"),
    output:
        model=directory(TARGET_DIR),
        manifest=manifest(TARGET_DIR),
    log:
        f"logs/train/train_cpt/{TARGET_NAME}.log",
    benchmark:
        f"results/benchmarks/train/train_cpt/{TARGET_NAME}.tsv"
    conda:
        "../envs/train.yaml"
    threads: res("train_cpt", "threads")
    resources:
        mem_mb=res("train_cpt", "mem_mb"),
        runtime=res("train_cpt", "runtime"),
        gpu=res("train_cpt", "gpu"),
        nodes=res("train_cpt", "nodes"),
    params:
        nproc=config["target"]["train"]["nproc_per_node"],
        train=train_config_json("target"),
    shell:
        "torchrun --standalone --nproc-per-node {params.nproc} -m jiuzhang.train"
        " --base {input.model} --packed {input.packed} --output {output.model}"
        " --config {params.train:q} > {log} 2>&1"
