# The two commands of the course are `make lab` and `make test`. Each one first creates the
# virtual environment .venv (or refreshes it when pyproject.toml changed) with plain pip.
# Windows and conda users: see README.md ("Other ways to install").

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments for `make lab`, e.g. LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
# The notebook `make lab` opens first.
LAB_START ?= notebooks/00_setup_and_tour.ipynb
# JupyterLab's settings for this environment (it reads them from <prefix>/share/jupyter/lab/
# settings/overrides.json), so that a first start is quiet and offline: no "get Jupyter news?"
# pop-up, no news or update requests, no extension manager (the course needs no extension,
# and searching for one asks PyPI).
LAB_SETTINGS = $(BIN)/../share/jupyter/lab/settings/overrides.json
define LAB_OVERRIDES
{
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false},
  "@jupyterlab/extensionmanager-extension:plugin": {"enabled": false}
}
endef
export LAB_OVERRIDES
# ... and the server's: kernels talk to it over local sockets, not TCP (so no warning that
# "the kernel is running over TCP without encryption"); nbgrader's server extensions, which its
# package enables on install (the dev extra has it for tests/tooling/test_nbgrader_export.py), are
# not loaded: they are for a teacher's JupyterHub, and without an nbgrader course they warn "No
# nbgrader_config.py file found" at every start (docs/teaching_with_nbgrader.md).
LAB_SERVER_CONFIG = $(BIN)/../etc/jupyter/jupyter_server_config.json
define LAB_SERVER_SETTINGS
{
  "KernelManager": {"transport": "ipc"},
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.assignment_list": false,
      "nbgrader.server_extensions.course_list": false,
      "nbgrader.server_extensions.formgrader": false,
      "nbgrader.server_extensions.validate_assignment": false
    }
  }
}
endef
export LAB_SERVER_SETTINGS
# ... and the page's: nbgrader's lab extension (its "Nbgrader" menu, formgrader and assignment
# list panels, the "Validate" button) is disabled, since its server side is not loaded.
LAB_PAGE_CONFIG = $(BIN)/../etc/jupyter/labconfig/page_config.json
define LAB_PAGE_SETTINGS
{
  "disabledExtensions": {"@jupyter/nbgrader": true}
}
endef
export LAB_PAGE_SETTINGS
# Extra arguments for `make test`, e.g. PYTEST_ARGS='-m "not notebooks"' for the fast tier.
PYTEST_ARGS ?=
# `make test` runs on TEST_WORKERS processes (pytest-xdist): the stored notebooks one after another
# on one of them (conftest.py), every other test on whichever is free. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS))

export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: help lab test fast lint format exercises execute bench calibrate scaling doctor clean book

help:  ## this list: every target with what it does
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "lstm-course needs Python >= 3.10; set PYTHON=/path/to/python3.x")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

$(LAB_SETTINGS): Makefile $(STAMP)
	@mkdir -p $(@D) $(dir $(LAB_SERVER_CONFIG)) $(dir $(LAB_PAGE_CONFIG))
	@printf '%s\n' "$$LAB_OVERRIDES" > $@
	@printf '%s\n' "$$LAB_SERVER_SETTINGS" > $(LAB_SERVER_CONFIG)
	@printf '%s\n' "$$LAB_PAGE_SETTINGS" > $(LAB_PAGE_CONFIG)

lab: $(STAMP) $(LAB_SETTINGS)  ## start JupyterLab in the repository root, at lesson 00
	@# The course's own notebooks are stored with their outputs: sign them as trusted, so that
	@# the server does not warn "Notebook ... is not trusted" each time one opens.
	@$(BIN)/jupyter trust notebooks/*.ipynb solutions/*.ipynb exercises/*.ipynb > /dev/null
	$(BIN)/jupyter lab $(LAB_START) $(LAB_ARGS)

test: $(STAMP) $(LAB_SETTINGS)  ## the whole suite: unit tests, lint, exercise sync, every notebook
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

fast: $(STAMP) $(LAB_SETTINGS)  ## the fast tier only (no notebook is executed)
	$(BIN)/python -m pytest $(XDIST) -m "not notebooks" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff on .py and .ipynb
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## ruff: fix what it can, then format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(BIN)/python -m course_utils build-exercises

execute: $(STAMP)  ## re-execute and store every lesson and solutions notebook (developers)
	env -u ONEDNN_MAX_CPU_ISA $(BIN)/python -m course_utils execute notebooks/*.ipynb solutions/*.ipynb

bench: $(STAMP)  ## time every notebook on this machine
	$(BIN)/python benchmarks/notebook_times.py

# `make scaling` trains lesson 06's character LSTM and a wider one for 30 minutes each (CPU time of
# an idle 2-core machine; resumable: run it again to continue) and stores the table and plot in
# benchmarks/results/char_lm_scaling.*; SCALING_ARGS="--budget 60" trains further.
SCALING_ARGS ?=
scaling: $(STAMP)  ## lesson 06: bits/char of longer training against Kneser-Ney (about 1 h)
	$(BIN)/python benchmarks/char_lm_scaling.py $(SCALING_ARGS)

# `make calibrate` runs every check on 100 fresh draws and stores the table in
# benchmarks/results/check_calibration.md (several hours on 2 cores); CHECKS=5.2,3.1 DRAWS=20 for a part
# of it, printed only.
CHECKS ?=
DRAWS ?= 100
calibrate: $(STAMP)  ## how often right answers pass and wrong ones are refused, per check
	$(BIN)/python benchmarks/check_calibration.py --draws $(DRAWS) \
		$(if $(CHECKS),--checks $(CHECKS),--out benchmarks/results/check_calibration.md)

book: $(STAMP)  ## the course website from the stored notebooks, in _build/book/ (nothing is run)
	$(BIN)/python book/build.py --out _build/book

doctor: $(STAMP)  ## check the installation: Python, TensorFlow, Keras 3, devices, threads
	$(BIN)/python -m course_utils doctor

clean:  ## remove .venv and every build folder
	rm -rf $(VENV) build _build *.egg-info
