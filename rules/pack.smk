# Stage 3a (SPEC §3.1): a training set as a curriculum: each phase's corpora (weights, caps)
# shuffled with the seed, phases in order (pre-training, then SFT). data=train is the target's,
# data=control its raw-text control arm, data=pretrain-<model> the raw text a base pre-trains on.
if CURRICULA:

    rule prepare_train_data:
        input:
            corpora=get_train_data_inputs,
        output:
            data="results/train_data/{data}.jsonl",
            phases="results/train_data/{data}.phases.json",
        log:
            "logs/pack/prepare_train_data/{data}.log",
        benchmark:
            "results/benchmarks/pack/prepare_train_data/{data}.tsv"
        conda:
            "../envs/cpu.yaml"
        threads: res("prepare_train_data", "threads")
        resources:
            mem_mb=res("prepare_train_data", "mem_mb"),
            runtime=res("prepare_train_data", "runtime"),
        params:
            phases=get_train_data_phases,
            seed=config["seed"],
        script:
            "../scripts/prepare_train_data.py"


# Stage 3b: tokenize with the consuming model's tokenizer, mask the input's loss, pack fixed rows
# phase by phase, and the held-out rows apart. corpus=kd packs the KD set for the synthesizer;
# the others are the training sets above.
if PACKED:

    rule pack_corpus:
        input:
            unpack(get_pack_inputs),
        output:
            packed="results/packed/{corpus}/packed.safetensors",
            heldout="results/packed/{corpus}/heldout.safetensors",
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
