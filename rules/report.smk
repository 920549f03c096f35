# The paper's table: GSM8k, MATH (= MATH-500), SVAMP, ASDiv, MAWPS, CARP, Avg; one row per model.
rule report_table:
    input:
        metrics=get_eval_metrics(),
    output:
        md=TABLE_MD,
        csv=TABLE_CSV,
        svg=TABLE_SVG,
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
