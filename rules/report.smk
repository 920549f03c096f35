# The paper's table: GSM8k, MATH (= MATH-500), SVAMP, ASDiv, MAWPS, CARP, Avg; one row per model.
if EVALUATION:

    rule report_table:
        input:
            metrics=get_eval_metrics(),
            predictions=get_eval_predictions(),
        output:
            md=TABLE_MD,
            html=report_item(TABLE_HTML, "table", "1. Summary table", figure="the table"),
            csv=report_item(TABLE_CSV, "table_csv", "1. Summary table", figure="as CSV"),
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
            references=REFERENCES,
            # the synthesized arm against its raw-text control, beside "each against the first"
            pairs=[[TARGET_NAME, CONTROL_NAME]] if CONTROL else [],
        script:
            "../scripts/report_table.py"


# The figures this config has data for: a score chart per benchmark (evaluation), the data funnel
# (synthesis), packing fill (packed sets) and loss curves (trained models).
FIGURE_OUTPUTS = {}
if EVALUATION:
    FIGURE_OUTPUTS["scores"] = [
        report_item(
            f"{FIGURES}/score-{bench}.svg", "score", "2. Scores per benchmark", benchmark=bench
        )
        for bench in BENCHES
    ]
if REPORT_STATS["prompts"]:
    FIGURE_OUTPUTS["funnel"] = report_item(
        f"{FIGURES}/funnel.svg", "funnel", "3. Data", figure="data funnel per source"
    )
if PACKED:
    FIGURE_OUTPUTS["packing"] = report_item(
        f"{FIGURES}/packing.svg", "packing", "3. Data", figure="packing fill"
    )
if TRAINED:
    FIGURE_OUTPUTS["loss"] = report_item(
        f"{FIGURES}/loss.svg", "loss", "4. Training", figure="loss curves"
    )


# The figures of `snakemake --report` (per-rule runtimes are the report's own statistics).
rule report_figures:
    input:
        metrics=get_eval_metrics(),
        prompt_stats=REPORT_STATS["prompts"].values(),
        corpus_stats=REPORT_STATS["corpora"].values(),
        packed_stats=REPORT_STATS["packed"].values(),
        trained=REPORT_STATS["trained"].values(),
    output:
        **FIGURE_OUTPUTS,
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
