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
        wildcard_constraints:
            data="train",
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

    # One rule name per role, so the rule graph tells them apart (the same job, other files).
    if CONTROL:

        use rule prepare_train_data as prepare_control_text with:
            wildcard_constraints:
                data="control",

    if PRETRAINED:

        use rule prepare_train_data as prepare_pretrain_text with:
            wildcard_constraints:
                data=PRETRAIN_SETS,


# Stage 3b: tokenize with the consuming model's tokenizer, mask the input's loss, pack fixed rows
# phase by phase, and the held-out rows apart. corpus=kd packs the KD set for the synthesizer;
# the others are the training sets above. pack_corpus packs the target's set; the other roles
# have rules of their own (below).
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
        wildcard_constraints:
            corpus="train",
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

    if KD:

        use rule pack_corpus as pack_kd_set with:
            wildcard_constraints:
                corpus="kd",

    if CONTROL:

        use rule pack_corpus as pack_control_text with:
            wildcard_constraints:
                corpus="control",

    if PRETRAINED:

        use rule pack_corpus as pack_pretrain_text with:
            wildcard_constraints:
                corpus=PRETRAIN_SETS,
