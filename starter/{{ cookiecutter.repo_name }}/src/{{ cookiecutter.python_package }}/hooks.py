"""The project's one hook class: plumbing between Kedro's run and the project's steps.

Each method is one moment of a run, in the order Kedro calls them, and hands over to
a named function that does the work (and is tested on its own). Two methods are
ordered against kedro-mlflow's hooks, which open the MLflow run in
``before_pipeline_run`` and log the model in ``after_pipeline_run``: ours come after
both (``trylast``). ``after_context_created`` comes first (``tryfirst``): it prepares
the tracking store before kedro-mlflow opens it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import mlflow
from kedro.framework.hooks import hook_impl

from {{ cookiecutter.python_package }}.config import TrackingSettings, tracking_settings
from {{ cookiecutter.python_package }}.contract.loading import check_run_env
from {{ cookiecutter.python_package }}.manifest import build_manifest
from {{ cookiecutter.python_package }}.model_card import RunFacts
from {{ cookiecutter.python_package }}.pipelines.inference.nodes import (
    NO_CHAMPION,
    NoChampionError,
    use_champion,
)
from {{ cookiecutter.python_package }}.runs import tracking
from {{ cookiecutter.python_package }}.runs.catalog import RunCatalog, completed_set, pin
from {{ cookiecutter.python_package }}.runs.project import say
from {{ cookiecutter.python_package }}.runs.records import LATEST, RunStore
from {{ cookiecutter.python_package }}.runs.registry import CHAMPION, RegisteredModel
from {{ cookiecutter.python_package }}.runs.release import release_run
from {{ cookiecutter.python_package }}.runs.unit import RunUnit
from {{ cookiecutter.python_package }}.spark import check_raw_inputs, raw_paths, start_spark
from {{ cookiecutter.python_package }}.validation import open_session
from {{ cookiecutter.python_package }}.validation.report import gate_report

if TYPE_CHECKING:
    from kedro.config import OmegaConfigLoader
    from kedro.framework.context import KedroContext
    from kedro.io import CatalogProtocol
    from kedro.pipeline import Node, Pipeline

    from {{ cookiecutter.python_package }}.validation import ValidationSession

logger = logging.getLogger(__name__)

# What the run summary reads of the run's outputs, when it saved them.
#: The pages a person opens after a run, printed with their paths.
_PAGES = ("model_card_html", "gate_report", "inference.drift_report_html")
_SUMMARISED = (
    "evaluation_metrics",
    "hyperparameters",
    "promotion_decision",
    "best_hyperparameters",
    "inference.predictions",
    "inference.drift_report",
)


class ProjectHooks:
    """A run: settings, pinned reads, tracking, commit and release, summary."""

    def __init__(self) -> None:
        self._forget()

    def _forget(self) -> None:
        """Nothing of an earlier session: one session, one run."""
        self.context: KedroContext | None = None
        self.tracking: TrackingSettings | None = None
        self.catalog: RunCatalog | None = None
        self.unit: RunUnit | None = None
        self.gates: ValidationSession | None = None
        self.spark: Any = None
        self.served: set[str] = set()  # what the logged model packs (frozen on save)
        self.mlflow_run_id: str | None = None
        self.champion_read: Any = None

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens the tracking store
    def after_context_created(self, context: KedroContext) -> None:
        """Read the run's settings; prepare the store, the gates and Spark."""
        self._forget()
        self.context = context
        loader = context.config_loader
        self.tracking = tracking_settings(loader)
        tracking.prepare_store(self.tracking)
        self.gates = open_session(loader, loader["parameters"])
        if self.gates.contract is not None:  # the pipelines are built from KEDRO_ENV's
            check_run_env(context.env, self.gates.contract)
        self.spark = start_spark(loader, context.project_path.name)

    @hook_impl
    def after_catalog_created(
        self,
        catalog: CatalogProtocol,
        conf_catalog: dict[str, Any],
        load_versions: dict[str, str] | None,
    ) -> None:
        """Pin every dataset to the completed set (``--load-versions`` aside)."""
        if isinstance(catalog, RunCatalog):  # a run's (a notebook's is Kedro's own)
            self.catalog = catalog
            catalog.gates = self.gates
        completed = completed_set(self._store(), self._load_run(), conf_catalog)
        asked = load_versions or {}
        pin(catalog, {n: v for n, v in completed.items() if n not in asked})
        if self.spark is not None and self.context is not None:
            loader = cast("OmegaConfigLoader", self.context.config_loader)
            check_raw_inputs(sorted(catalog.keys()), catalog, raw_paths(loader))

    @hook_impl(trylast=True)  # after kedro-mlflow has opened the MLflow run
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: RunCatalog
    ) -> None:
        """Pin the run's reads to one completed set; name and start its MLflow run.

        Raises:
            NoChampionError: The pipeline scores with the champion and there is none
                (before any cleaning, which takes minutes on large batches).
        """
        scoring = any(node.func is use_champion for node in pipeline.nodes)
        if scoring and not catalog.exists("champion_model"):
            raise NoChampionError(NO_CHAMPION)
        self.unit = RunUnit(self._store(), self._load_run())
        self.unit.begin(pipeline, catalog, dict(run_params.get("load_versions") or {}))
        inference = getattr(pipeline, "inference", None)  # kedro-mlflow's PipelineML
        if inference is not None:
            self.served = {n for n in inference.inputs() if not n.startswith("params:")}
            self.served.discard(pipeline.input_name)  # type: ignore[attr-defined]
        run = mlflow.active_run()
        self.mlflow_run_id = run.info.run_id if run else None
        if run is None:
            return
        context = self.context
        assert context is not None  # noqa: S101 (after_context_created ran)
        pipelines = tracking.pipeline_names(run_params)
        tracking.start(
            run,
            context.params.get("run_name")
            or tracking.run_name(pipelines, context.project_path, datetime.now()),
        )
        files = {n: f for n in pipeline.inputs() if (f := catalog.local_file(n))}
        manifest = build_manifest(context.project_path, files, context.params)
        catalog.save("run_manifest", manifest)
        tracking.log_inputs(manifest, context.params)

    @hook_impl
    def before_dataset_loaded(self, node: Node) -> None:
        """On Spark, free the frames cached for the previous node."""
        if self.spark is not None:
            self.spark.before_node(node)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any) -> None:
        """Tag the run with the registered version it read as the champion."""
        if dataset_name != "champion_model" or not isinstance(data, RegisteredModel):
            return
        self.champion_read = data
        if self.mlflow_run_id is not None:
            mlflow.set_tags(
                {f"{CHAMPION}.version": data.version, f"{CHAMPION}.run_id": data.run_id}
            )

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any) -> None:
        """Log what the catalog's ``metadata.mlflow`` asks for; freeze what the
        logged model packs at this run's version."""
        catalog = self.catalog
        if catalog is None or dataset_name not in catalog:
            return
        if dataset_name in self.served:
            catalog.freeze_own_version(dataset_name)
        wanted = (getattr(catalog.get(dataset_name), "metadata", None) or {}).get(
            "mlflow", {}
        )
        if self.mlflow_run_id is None:
            return
        if wanted.get("artifact_path"):
            png = catalog.saved_file(dataset_name)
            tracking.log_artifact(
                data,
                dataset_name,
                wanted["artifact_path"],
                png if png is not None and png.suffix == ".png" else None,
            )
        if wanted.get("nested_runs"):
            tracking.log_nested_runs(data)

    @hook_impl(trylast=True)  # after kedro-mlflow has logged the model
    def after_pipeline_run(self, run_params: dict[str, Any]) -> None:
        """Save the gates' results; commit the run; release its model; summarise."""
        self._report_gates()
        catalog, unit, context = self.catalog, self.unit, self.context
        if catalog is None or unit is None or context is None or not catalog.written:
            return  # nothing versioned written (data generation): nothing to commit

        settings = self.tracking
        assert settings is not None  # noqa: S101 (after_context_created ran)
        model_uri = tracking.logged_model_uri(self.mlflow_run_id)
        facts = RunFacts(
            run_version=str(catalog.run_version),
            model_name=settings.model_name,
            model_version=None,
            champion=False,
            mlflow_run_id=self.mlflow_run_id,
            datasets=unit.the_set(catalog.written, str(catalog.run_version)),
        )
        facts = release_run(
            catalog,
            mlflow.MlflowClient(),
            model_uri,
            facts,
            context.params,
            self._store().folder,
        )
        record = unit.commit(
            str(catalog.run_version),
            set(catalog.written),
            tracking.pipeline_names(run_params),
            mlflow_run_id=self.mlflow_run_id,
            model_uri=model_uri,
            model_version=facts.model_version,
            champion=facts.champion,
            scored_with=self.champion_read.version if self.champion_read else None,
        )
        outputs = {n: catalog.load(n) for n in _SUMMARISED if n in record.saved}
        pages = [page for name in _PAGES if (page := catalog.saved_file(name))]
        address = tracking.run_address(self.mlflow_run_id, settings)
        for line in tracking.summary(record, outputs, address, pages):
            say(line)

    @hook_impl
    def on_pipeline_error(self) -> None:
        """A failed run commits nothing; its gates' results explain the failure."""
        self._report_gates()

    def _report_gates(self) -> None:

        if self.gates is None or self.catalog is None or not self.gates.results:
            return
        for suite, result in self.gates.results.items():
            self.catalog.save(f"{suite}_validation", result)
        report = gate_report(self.gates.results, "Gate report")
        self.catalog.save("gate_report", report)
        if self.mlflow_run_id is not None:
            tracking.log_gate_results(self.mlflow_run_id, self.gates.results, report)

    def _store(self) -> RunStore:
        """The completed runs' records: ``<data_dir>/runs`` (``globals.yml``)."""
        assert self.context is not None  # noqa: S101
        data_dir = self.context.config_loader["globals"].get("data_dir", "data")
        return RunStore(Path(self.context.project_path) / data_dir / "runs")

    def _load_run(self) -> str:
        """The completed run to read from: ``params:load_run`` (``latest``)."""
        assert self.context is not None  # noqa: S101
        return str(self.context.params.get("load_run") or LATEST)
