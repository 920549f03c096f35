# Stage 3: tokenize with the consuming model's tokenizer, mask the input's loss, pack fixed rows.
# corpus=kd packs the KD set for the synthesizer; corpus=cot packs the synthesized corpus.
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
    script:
        "../scripts/pack_corpus.py"
