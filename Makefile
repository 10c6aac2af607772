# The verbs users type. `make help` lists them.
# Everything runs inside .venv, created from the pinned requirements on first use.

# The CPython versions the project supports, newest first. pyproject.toml's requires-python,
# environment.yml and the README say the same (tests/test_python_support.py holds them together).
PYTHON_VERSIONS := 3.14 3.13 3.12 3.11
# The interpreter the venv is made with: PYTHON if given (make PYTHON=/path/to/python3.13), else the
# first of python3.14 ... python3.11, python3, python on the PATH that runs as a supported CPython.
# Each candidate is run, not just looked up: a pyenv shim for a version that is not installed
# exists on the PATH but fails. What it prints is the real interpreter behind any shim.
CANDIDATES = $(or $(PYTHON),$(addprefix python,$(PYTHON_VERSIONS)) python3 python)
CHECK_PY   := import sys; ok = sys.implementation.name == "cpython" and "%d.%d" % sys.version_info[:2] in sys.argv[1:]; ok and print(sys.executable); sys.exit(not ok)
FIND_PYTHON = for py in $(CANDIDATES); do \
  out=$$("$$py" -c '$(CHECK_PY)' $(PYTHON_VERSIONS) 2>/dev/null) && { echo "$$out"; break; }; done
# Evaluated once, and only by the recipes that need it.
FOUND_PYTHON = $(eval FOUND_PYTHON := $$(shell $$(FIND_PYTHON)))$(FOUND_PYTHON)
comma := ,
SUPPORTED = CPython $(lastword $(PYTHON_VERSIONS)) to $(firstword $(PYTHON_VERSIONS))
LOOKED_FOR = $(subst $() ,$(comma) ,$(strip $(CANDIDATES)))
NO_PYTHON = $(if $(PYTHON),PYTHON=$(PYTHON) does not run as $(SUPPORTED) (the versions this project supports): name another with make PYTHON=/path/to/python3.X,no $(SUPPORTED) on the PATH (looked for $(LOOKED_FOR)): install one$(comma) or name it with make PYTHON=/path/to/python3.X)
VENV   := .venv
BIN    := $(VENV)/bin
# Every command that needs the environment first has its own Python check it (a few tens of ms; see
# src/kzmv/engine/venv.py): its Python runs, the pinned tools import, the package is this checkout's,
# and it was installed from today's lock. If not, a base Python repairs what is wrong, saying so in one
# line: a half-made or broken .venv is rebuilt, a copied checkout gets its own package. The check runs
# when make expands the recipe, so the base Python is looked for only when a repair is needed, and with
# none, make stops with one line before anything is installed.
# the folder of this Makefile, as given (./ when run in the checkout: a path with spaces stays whole)
HERE := $(dir $(lastword $(MAKEFILE_LIST)))
VENV_WHOLE = $(shell $(BIN)/python $(HERE)src/kzmv/engine/venv.py check >/dev/null 2>&1 && echo yes)
ENSURE_VENV = $(if $(VENV_WHOLE),@:,@$(or $(FOUND_PYTHON),$(error $(NO_PYTHON))) $(HERE)src/kzmv/engine/venv.py ensure)

# Python before 3.13 reads a venv's .pth files in the locale's encoding: under LC_ALL=C (or LANG=C) a
# checkout whose path has letters outside ASCII would not even start the venv's Python. So every recipe
# runs in a UTF-8 locale when the user's is not one.
ifneq ($(shell locale charmap 2>/dev/null),UTF-8)
UTF8_LOCALE := $(firstword $(filter C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8,$(shell locale -a 2>/dev/null)))
ifneq ($(UTF8_LOCALE),)
export LC_ALL := $(UTF8_LOCALE)
endif
endif
export PYTHONUTF8 := 1
# PARAMS is never pasted into a command: `make report` hands its text, unexpanded, to the command line
# program in KZMV_PARAMS, which splits it into NOTEBOOK.NAME=VALUE words and checks each as data.
# make itself must not export (and so expand) PARAMS for any recipe.
# VINTAGE, REF, SOURCE, FILE, RELEASE and BASE_URL are handed over the same way, each in its own KZMV_
# variable, and a recipe quotes them ("$$KZMV_...") so that the shell passes them on as one word, unread.
unexport PARAMS VINTAGE REF SOURCE FILE RELEASE BASE_URL

.DEFAULT_GOAL := help
.PHONY: help report pdf screenshot test lab data clean lint lock env-files bench venv which-python params diff release update

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: ## create .venv with the pinned packages, or repair it (every command does this first)
	$(ENSURE_VENV)

which-python: ## print the Python a new .venv would be made with (PYTHON=... overrides)
	@echo $(or $(FOUND_PYTHON),$(error $(NO_PYTHON)))

data: ## fetch the raw files into data/raw and verify their checksums (KZMV_RAW_MIRROR overrides ../shared/data/raw)
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli data

report: export KZMV_PARAMS := $(value PARAMS)
report: export KZMV_VINTAGE := $(value VINTAGE)
report: ## fetch data, run the notebooks that changed, write figures/, data/processed/ and report/index.html (PARAMS="01_trade.focus_year=2023", VINTAGE=source@release)
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli report

diff: export KZMV_DIFF_REF := $(value REF)
diff: ## which verdicts, key findings and figure tables differ from a git revision's committed outputs (REF=HEAD, JSON=1)
	$(ENSURE_VENV)
	@$(BIN)/python -m kzmv.cli diff $(if $(JSON),--json)

release: export KZMV_ARG_SOURCE := $(value SOURCE)
release: export KZMV_ARG_FILE := $(value FILE)
release: export KZMV_ARG_RELEASE := $(value RELEASE)
release: ## record a release put in the mirror by hand (SOURCE=<id> FILE=<path in the mirror> RELEASE=<label>)
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli release add "$$KZMV_ARG_SOURCE" "$$KZMV_ARG_FILE" --release "$$KZMV_ARG_RELEASE"

update: export KZMV_UPDATE_SOURCE := $(value SOURCE)
update: export KZMV_UPDATE_BASE_URL := $(value BASE_URL)
update: ## fetch the newest releases from a publisher's open API (SOURCE=worldbank or owid) and say what they move
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli update

pdf: ## print report/index.html as an A4 briefing paper to pdf/kzmv-report.pdf with headless Chromium (not committed)
	$(ENSURE_VENV)
	@$(BIN)/python -m kzmv.engine.pdf

screenshot: ## take the report's first screen for the README (docs/report-screenshot.png) with headless Chromium
	$(ENSURE_VENV)
	@$(BIN)/python -m kzmv.engine.pdf screenshot

test: ## run the whole test suite: unit tests, notebook runs, nbval on the executed notebooks
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli data
	$(BIN)/python -m pytest

lab: ## open JupyterLab on the notebooks with the project's environment
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli data
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

params: ## write each notebook's parameters cell from its declaration in pipeline.yml
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli params

lint: ## ruff on the package, the tests and the source notebooks (their cells are laid out for readers, so not reformatted)
	$(ENSURE_VENV)
	$(BIN)/ruff check src tests notebooks
	$(BIN)/ruff format --check src tests

# One lock for every supported Python and platform: where a pin must differ, a line carries an
# environment marker. uv keeps the versions already in requirements.txt unless told otherwise
# (make lock LOCK_FLAGS=--upgrade re-pins everything to the newest versions that fit).
LOCK_FLAGS ?=
lock: ## re-pin requirements.txt from requirements.in for every supported Python, then regenerate environment.yml
	$(ENSURE_VENV)
	$(BIN)/uv pip compile --universal --python-version $(lastword $(PYTHON_VERSIONS)) \
	  --custom-compile-command "make lock" --quiet $(LOCK_FLAGS) requirements.in -o requirements.txt
	$(MAKE) env-files

env-files: ## regenerate environment.yml from requirements.in and requirements.txt
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.engine.envfiles

# `kzmv clean` waits for a running build, completes a publish a killed build left half done, and
# removes .build whatever modes are inside it. Where the venv cannot run the project (never installed,
# half installed, moved), the same runs on the standard library alone; where no Python can, plain rm
# removes .build, unless a stopped publish is recorded there (removing it could leave the outputs mixed).
clean: ## remove the venv, fetched raw data, scratch output and build caches (committed outputs stay)
	@$(BIN)/python -m kzmv.cli clean 2>/dev/null \
	 || PYTHONPATH=src $(or $(PYTHON),python3) -m kzmv.engine.publish clean \
	 || { if [ -e .build/publish.json ]; then \
	        echo "error: .build/publish.json records a publish that was stopped, and no Python could complete it: install python3 and run make clean again" >&2; exit 2; \
	      fi; chmod -R u+w .build 2>/dev/null; rm -rf .build; echo "Removed .build (with rm: no Python could run the project's clean)" >&2; }
	rm -rf $(VENV) data/raw .pytest_cache test-artifacts pdf scratch
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: ## measure a cold build against plain papermill + nbconvert, the no-op and incremental rebuilds
	$(ENSURE_VENV)
	$(BIN)/python -m kzmv.cli data
	$(BIN)/python -m kzmv.engine.bench
