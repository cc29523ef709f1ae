# The two commands of the course are `make lab` and `make test`. Each one first creates the
# virtual environment .venv (or refreshes it when pyproject.toml changed) with plain pip.
# Windows and conda users: see README.md ("Other ways to install").

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments for `make lab`, e.g. LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
# Extra arguments for `make test`, e.g. PYTEST_ARGS='-m "not notebooks"' for the fast tier.
PYTEST_ARGS ?=

export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: lab test fast lint format exercises execute bench doctor clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "lstm-course needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

lab: $(STAMP)  ## start JupyterLab in the repository root
	$(BIN)/jupyter lab $(LAB_ARGS)

test: $(STAMP)  ## the whole suite: unit tests, lint, exercise sync, every notebook
	$(BIN)/python -m pytest $(PYTEST_ARGS)

fast: $(STAMP)  ## the fast tier only (no notebook is executed)
	$(BIN)/python -m pytest -m "not notebooks" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff on .py and .ipynb
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(BIN)/python -m course_utils build-exercises

execute: $(STAMP)  ## re-execute and store every lesson and solutions notebook (developers)
	$(BIN)/python -m course_utils execute notebooks/*.ipynb solutions/*.ipynb

bench: $(STAMP)  ## time every notebook on this machine
	$(BIN)/python benchmarks/notebook_times.py

doctor: $(STAMP)
	$(BIN)/python -m course_utils doctor

clean:
	rm -rf $(VENV) build *.egg-info
