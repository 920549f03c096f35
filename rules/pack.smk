# Stage 3: tokenize with the consuming model's tokenizer, mask the input's loss, pack fixed rows.
# corpus=kd packs the KD set for the synthesizer; corpus=cot packs the synthesized corpus.
rule pack_corpus:
    input:
        unpack(get_pack_inputs),
    output:
        packed="results/packed/{corpus}/packed.safetensors",
        stats="results/packed/{corpus}/packed.stats.json",
    params:
        pack=get_pack_params,
    log:
        "logs/pack/pack_corpus/{corpus}.log",
    benchmark:
        "results/benchmarks/pack/pack_corpus/{corpus}.tsv"
    threads: res("pack_corpus", "threads")
    resources:
        mem_mb=res("pack_corpus", "mem_mb"),
        runtime=res("pack_corpus", "runtime"),
    conda:
        "../envs/cpu.yaml"
    script:
        "../scripts/pack_corpus.py"
