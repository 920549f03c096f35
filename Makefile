# The two commands of the README:
#   make demo   set up .venv (pinned CPU torch), run the whole tiny pipeline, print the table and
#               write the HTML report (results/report/report.html)
#   make test   set up .venv and run the test suite (what .ci/run calls)
SHELL := /bin/bash
# Rules launch `torchrun` and `python` from PATH: the venv comes first.
export PATH := $(abspath .venv/bin):$(PATH)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CPU-only machines without a local torch wheel: make demo TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=

.PHONY: demo test setup install-profile clean-results

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned, so no dependency pulls another build in.
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

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
