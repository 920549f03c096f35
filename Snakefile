# jiuzhang-pipeline: JiuZhang3.0 from raw math text to a benchmark table, as one Snakemake DAG.
#   snakemake                                   # tiny CPU default (config/config.yaml)
#   snakemake --profile profiles/slurm --configfile config/paper/mistral-7b.yaml
# Each stage is an entry point: a config holds only the sections its targets need (evaluate
# given models, synthesize with a given synthesizer, train on given corpora; see README).
import os

from snakemake.utils import min_version

min_version("9.0")


# The tiny default applies only when no --configfile is given: a paper config is complete on its
# own and must not inherit the tiny sources, models and benchmarks by Snakemake's config merge.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/prepare.smk"
include: "rules/models.smk"
include: "rules/synthesize.smk"
include: "rules/corpus.smk"
include: "rules/tool.smk"
include: "rules/pack.smk"
include: "rules/train.smk"
include: "rules/evaluate.smk"
include: "rules/report.smk"


# Target rules only collect files: they run on the submit host, never as cluster jobs.
localrules:
    all,
    all_prompts,
    all_synth,
    all_corpus,
    all_tool,
    all_packed,
    all_models,
    all_eval,
    all_report,


rule all:
    default_target: True
    input:
        get_final_outputs(),
        rules.report_figures.output,


rule all_prompts:
    input:
        get_prompt_shards(),


rule all_synth:
    input:
        get_synth_shards(),


rule all_corpus:
    input:
        [CORPUS] if SOURCES else [],


rule all_tool:
    input:
        [TOOL_CORPUS] if TOOL else [],


rule all_packed:
    input:
        [packed_file(c) for c in PACKED],


rule all_models:
    input:
        [SYNTHESIZER_DIR] if KD else [],
        [TARGET_DIR] if TARGET else [],
        [CONTROL_DIR] if CONTROL else [],
        [pretrained_dir(name) for name in PRETRAINED],


rule all_eval:
    input:
        get_eval_metrics(),


rule all_report:
    input:
        [TABLE_MD] if EVALUATION else [],
        rules.report_figures.output,


onsuccess:
    if EVALUATION and os.path.exists(TABLE_MD):
        print(f"\ntable: {TABLE_MD} (also .csv, .svg); figures: {FIGURES}/")
    print("HTML report: snakemake --report results/report/report.html")
