# The paper's table: GSM8k, MATH (= MATH-500), SVAMP, ASDiv, MAWPS, CARP, Avg; one row per model.
rule report_table:
    input:
        metrics=get_eval_metrics(),
    output:
        md=TABLE_MD,
        csv=report_item(TABLE_CSV, "table", "1. Summary table", figure="the table"),
        svg=report_item(TABLE_SVG, "table_chart", "1. Summary table", figure="as a bar chart"),
    log:
        "logs/report/report_table/table.log",
    benchmark:
        "results/benchmarks/report/report_table/table.tsv"
    conda:
        "../envs/cpu.yaml"
    threads: res("report_table", "threads")
    resources:
        mem_mb=res("report_table", "mem_mb"),
        runtime=res("report_table", "runtime"),
    params:
        models=EVAL_MODELS,
        prompt_types=PTYPES,
    script:
        "../scripts/report_table.py"


# The figures of `snakemake --report`: a score chart per benchmark, the data funnel, packing
# fill and the loss curves (per-rule runtimes are the report's own statistics).
rule report_figures:
    input:
        metrics=get_eval_metrics(),
        prompt_stats=REPORT_STATS["prompts"].values(),
        corpus_stats=REPORT_STATS["corpora"].values(),
        packed_stats=REPORT_STATS["packed"].values(),
        trained=REPORT_STATS["trained"].values(),
    output:
        scores=[
            report_item(
                f"{FIGURES}/score-{bench}.svg", "score", "2. Scores per benchmark", benchmark=bench
            )
            for bench in BENCHES
        ],
        funnel=report_item(
            f"{FIGURES}/funnel.svg", "funnel", "3. Data", figure="data funnel per source"
        ),
        packing=report_item(f"{FIGURES}/packing.svg", "packing", "3. Data", figure="packing fill"),
        loss=report_item(f"{FIGURES}/loss.svg", "loss", "4. Training", figure="loss curves"),
    log:
        "logs/report/report_figures/figures.log",
    benchmark:
        "results/benchmarks/report/report_figures/figures.tsv"
    conda:
        "../envs/cpu.yaml"
    threads: res("report_figures", "threads")
    resources:
        mem_mb=res("report_figures", "mem_mb"),
        runtime=res("report_figures", "runtime"),
    params:
        models=EVAL_MODELS,
        prompt_types=PTYPES,
        benchmarks=BENCHES,
        stats=REPORT_STATS,
    script:
        "../scripts/report_figures.py"
