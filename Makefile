# The two commands a newcomer needs: `make run` and `make test`.
# Every target creates (or refreshes) the virtual environment first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
NOTEBOOK_STAMP := $(VENV)/.installed-notebook
HOST ?= 127.0.0.1
VIZ_PORT ?= 4141
NOTEBOOK_PORT ?= 8888
PORT ?= 5001
ARGS ?=

# Offline-clean by default: no usage data leaves the machine (see README, "Telemetry").
export KEDRO_DISABLE_TELEMETRY ?= true
export GX_ANALYTICS_ENABLED ?= false
export MLFLOW_DISABLE_TELEMETRY ?= true
export DO_NOT_TRACK ?= 1

.PHONY: install run run-spark dag tune serve test test-fast test-slow lint typecheck format viz viz-build mlflow notebook gates data contract models rollback prune bench clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
	| sed -e 's/\$$(HOST)/$(HOST)/g' -e 's/\$$(VIZ_PORT)/$(VIZ_PORT)/g' -e 's/\$$(NOTEBOOK_PORT)/$(NOTEBOOK_PORT)/g' -e 's/\$$(PORT)/$(PORT)/g' \
	| awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the project with its dev tools into $(VENV): several minutes the first time (PyTorch, MLflow, Great Expectations, kedro-viz), quiet until done."
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,spark]"
	@touch $(SPARK_STAMP)

$(NOTEBOOK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,notebook]"
	@touch $(NOTEBOOK_STAMP)

install: $(STAMP)  ## Create .venv and install the project with its dev extras

run: $(STAMP)  ## Run the default pipeline on the bundled data (extra flags: ARGS="...")
	$(BIN)/kedro run $(ARGS)

run-spark: $(SPARK_STAMP)  ## The default pipeline with data engineering on PySpark (Java 17+; SPARK_MASTER=... for a cluster, SPARK_DRIVER_MEMORY=8g for more data)
	$(BIN)/kedro run --env spark $(ARGS)

dag: $(STAMP)  ## Airflow DAGs of the training and inference pipelines in airflow_dags/ (ENV=spark: the Spark route; conf/base/airflow.yml)
	$(if $(ENV),KEDRO_ENV=$(ENV)) $(BIN)/kedro airflow create --pipelines __default__,inference --jinja-file conf/airflow_dag.j2 $(if $(ENV),--env $(ENV)) $(ARGS)

tune: $(STAMP)  ## Search hyper-parameters with Optuna on the last run's splits (then: make run ARGS="--params tuned=true")
	$(BIN)/kedro run --pipelines tuning $(ARGS)

serve: $(STAMP)  ## Serve the registry's champion on http://$(HOST):$(PORT)/invocations (MLflow's scoring protocol; PORT=...)
	$(BIN)/python -m ml_template.serve --host $(HOST) --port $(PORT) $(ARGS)

test: $(SPARK_STAMP)  ## Run the whole test suite (installs the spark extra: the Spark route is tested too)
	$(BIN)/python -m pytest -n auto --dist loadfile

test-fast: $(STAMP)  ## Run the test suite without the slow tests
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

test-slow: $(SPARK_STAMP)  ## Run only the slow tests (real runs, Spark, the starter, the browser checks)
	$(BIN)/python -m pytest -n auto --dist loadfile -m slow

lint: $(STAMP)  ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)  ## mypy over src/ and benchmarks/, with pandas-stubs
	$(BIN)/mypy

format: $(STAMP)  ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

viz: viz-build  ## Serve kedro-viz on http://$(HOST):$(VIZ_PORT) (the training pipeline: /?pid=training), with the last run's previews
	$(BIN)/python -m ml_template.viz --host $(HOST) --port $(VIZ_PORT)

viz-build: $(STAMP)  ## Build kedro-viz as a static site in build/ (with dataset previews)
	$(BIN)/kedro viz build --include-previews

mlflow: $(STAMP)  ## MLflow UI over the tracking store, at mlflow.yml's ui host and port (a tracking server: its own UI)
	@set -- $$($(BIN)/python -m ml_template.config tracking_uri ui_host ui_port on_server); \
	if [ "$$4" = True ]; then echo "Runs are tracked on $$1: open its UI there."; \
	else echo "MLflow UI: http://$$2:$$3"; $(BIN)/mlflow ui --backend-store-uri "$$1" --host "$$2" --port "$$3" --workers 1; fi

notebook: $(NOTEBOOK_STAMP)  ## JupyterLab on http://$(HOST):$(NOTEBOOK_PORT) in notebooks/, on the project's kernel "Kedro (ml_template)"
	KEDRO_LOGGING_CONFIG=$(CURDIR)/conf/logging.yml $(BIN)/kedro jupyter lab --ip $(HOST) --port $(NOTEBOOK_PORT) --no-browser --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

gates: $(STAMP)  ## Run the gates, every rule counted, into the gate report (data/08_reporting/validation/)
	$(BIN)/kedro run --pipelines data_engineering --params detailed_gates=true

contract: $(STAMP)  ## Draft the contract of a raw file: SOURCE=path TARGET=column [KEY=col] [JOIN=col] [NAME=name]
	@test -n "$(SOURCE)" || { echo "usage: make contract SOURCE=data/01_raw/<file> TARGET=<column> (or JOIN=<key column> for an event table)"; exit 2; }
	$(BIN)/python -m ml_template.contract.scaffold "$(SOURCE)" $(if $(TARGET),--target "$(TARGET)") $(if $(KEY),--key "$(KEY)") $(if $(JOIN),--join-by "$(JOIN)") $(if $(NAME),--name "$(NAME)")

models: $(STAMP)  ## List the registered model versions, their scores and the champion
	$(BIN)/python -m ml_template.runs.registry list

rollback: $(STAMP)  ## Make registered version VERSION the champion (make models lists them)
	@test -n "$(VERSION)" || { echo "usage: make rollback VERSION=<n> (make models lists the versions)"; exit 2; }
	$(BIN)/python -m ml_template.runs.registry champion "$(VERSION)"

prune: $(STAMP)  ## Keep the last KEEP completed runs (5) and the champion's, in data/ and MLflow; DRY_RUN=1 shows, MLFLOW=0 leaves MLflow
	$(BIN)/python -m ml_template.runs.prune --keep $(or $(KEEP),5) $(if $(DRY_RUN),--dry-run) $(if $(filter 0,$(MLFLOW)),--no-mlflow)

data: $(STAMP)  ## Regenerate the bundled raw sample (N=... to change its size)
	$(BIN)/kedro run --pipelines synthetic $(if $(N),--params synthetic.n_customers=$(N))

# template-only:start (left out of projects rendered from starter/)
.PHONY: starter
starter: $(STAMP)  ## Regenerate starter/ (the cookiecutter template) from the live project
	$(BIN)/python tools/build_starter.py
# template-only:end

bench: $(STAMP)  ## Benchmarks, about 27 min plus 30 for the Spark route (QUICK=1: a few minutes); see docs/performance.md
	$(BIN)/python -m benchmarks.run_all $(if $(QUICK),--quick)

clean: $(STAMP)  ## Remove builds, caches and every run but the newest and the champion's (ALL=1: all generated data)
	rm -rf build .pytest_cache .ruff_cache
ifdef ALL
	find data -mindepth 2 ! -path 'data/01_raw/*' ! -name .gitkeep -delete
else
	$(BIN)/python -m ml_template.runs.prune --keep 1
endif
