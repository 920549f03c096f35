# Stage 3a (SPEC §3.1): the target's training data as a curriculum: each phase's corpora
# (weights, caps) shuffled with the seed, phases in order (pre-training, then SFT).
if TARGET:

    rule prepare_train_data:
        input:
            corpora=train_data_inputs(),
        output:
            data=TRAIN_DATA,
            phases=TRAIN_PHASES,
        log:
            "logs/pack/prepare_train_data/train.log",
        benchmark:
            "results/benchmarks/pack/prepare_train_data/train.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("prepare_train_data", "threads")
        resources:
            mem_mb=res("prepare_train_data", "mem_mb"),
            runtime=res("prepare_train_data", "runtime"),
        params:
            phases=train_phases(),
            seed=config["seed"],
        script:
            "../scripts/prepare_train_data.py"


# Stage 3b: tokenize with the consuming model's tokenizer, mask the input's loss, pack fixed rows
# phase by phase. corpus=kd packs the KD set for the synthesizer; corpus=train the target's data.
if PACKED:

    rule pack_corpus:
        input:
            unpack(get_pack_inputs),
        output:
            packed="results/packed/{corpus}/packed.safetensors",
            stats="results/packed/{corpus}/packed.stats.json",
        log:
            "logs/pack/pack_corpus/{corpus}.log",
        benchmark:
            "results/benchmarks/pack/pack_corpus/{corpus}.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("pack_corpus", "threads")
        resources:
            mem_mb=res("pack_corpus", "mem_mb"),
            runtime=res("pack_corpus", "runtime"),
        params:
            pack=get_pack_params,
            corpus=get_pack_corpus,
            phases=get_pack_phases,
        script:
            "../scripts/pack_corpus.py"
