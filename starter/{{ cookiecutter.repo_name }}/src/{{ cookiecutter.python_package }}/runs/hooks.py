"""Hooks that make a run a unit: consistent reads, a commit at the end, no zombies."""

from __future__ import annotations

import logging
import shlex
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from kedro.framework.hooks import hook_impl
from kedro.io import Version

from {{ cookiecutter.python_package }}.model_card import RunFacts
from {{ cookiecutter.python_package }}.runs.cards import write_model_card
from {{ cookiecutter.python_package }}.runs.catalog import pin, versioned
from {{ cookiecutter.python_package }}.runs.project import say
from {{ cookiecutter.python_package }}.runs.records import LATEST, RunRecord, RunStore, UnknownRunError
from {{ cookiecutter.python_package }}.runs.registry import (
    CHAMPION,
    RegisteredModel,
    register,
    set_champion,
)
from {{ cookiecutter.python_package }}.runs.tracking import (
    INFERENCE_SUFFIX,
    pipeline_names,
    run_name,
    summary,
)
from {{ cookiecutter.python_package }}.runs.zombies import PROCESS_TAG, end_zombies, this_process

if TYPE_CHECKING:
    from kedro.framework.context import KedroContext
    from kedro.io import AbstractDataset, DataCatalog
    from kedro.pipeline import Pipeline

logger = logging.getLogger(__name__)


def run_store(context: KedroContext) -> RunStore:
    """The completed runs' records: ``<data_dir>/runs`` (``globals.yml``)."""
    data_dir = context.config_loader["globals"].get("data_dir", "data")
    return RunStore(context.project_path / data_dir / "runs")


def load_run(context: KedroContext) -> str:
    """The completed run to read from: ``params:load_run`` (``latest`` by default)."""
    return str(context.params.get("load_run") or LATEST)


class RunHooks:
    """Read one completed set; commit the run's outputs as a set once it completed.

    Before the pipeline runs, each versioned dataset it writes is set to read back
    this run's version, and each one it only reads to the version of one completed
    run (``params:load_run``: the newest holding them all, or the one named). After
    the run, with the model logged, the model is registered (and made the champion
    when the challenger gate says it wins), then the run's record is written: from
    then on it is the newest completed set. Tracked runs also tag their process and
    end the MLflow runs of processes that are gone.
    """

    def __init__(self) -> None:
        self.staging = ModelArtifactStaging()
        self._store = RunStore(Path("data") / "runs")  # set from the context
        self._load_run = LATEST
        self._save_version = ""
        self._user_pins: dict[str, str] = {}
        self._read: dict[str, str] = {}
        self._base: RunRecord | None = None
        self._made_from: dict[str, list[str]] = {}
        self._mlflow_run_id: str | None = None
        self._model_name: str | None = None
        self._champion_read: RegisteredModel | None = None
        self._project_path = Path.cwd()
        self._run_name: str | None = None
        self._ui: dict[str, Any] = {}
        self._params: dict[str, Any] = {}

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        """Find the run records and which completed run to read from."""
        self._store = run_store(context)
        self._load_run = load_run(context)
        self._model_name = context.config_loader["globals"].get("model_name")
        self._champion_read = None
        self._project_path = context.project_path
        self._run_name = context.params.get("run_name")
        self._ui = dict(context.config_loader["mlflow"].get("ui") or {})
        self._params = dict(context.params)

    @hook_impl
    def after_catalog_created(self, save_version: str) -> None:
        """Remember the run's version."""
        self._save_version = save_version

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        """Pin every versioned dataset: this run's own, or one completed run's."""
        # What --load-versions gave (the catalog's load versions hold the record's too).
        self._user_pins = dict(run_params.get("load_versions") or {})
        produced = pipeline.all_outputs()
        needed = {}
        for name in sorted(pipeline.datasets()):
            dataset = versioned(catalog, name)
            if dataset is None or name in self._user_pins:
                continue
            if name in produced:
                pin(dataset, self._save_version)
            else:
                needed[name] = dataset
        self._base = self._base_record(set(needed))
        self._read = {
            name: self._base.datasets[name]  # type: ignore[union-attr]
            for name in needed
        } | {n: v for n, v in self._user_pins.items() if n in pipeline.datasets()}
        for name, dataset in needed.items():
            pin(dataset, self._read[name])
        self._made_from = lineage(
            pipeline, {n for n in pipeline.datasets() if versioned(catalog, n)}
        )
        self._track_process(pipeline_names(run_params))

    def _base_record(self, needed: set[str]) -> RunRecord | None:
        if needed:
            return self._store.find(self._load_run, needed)
        try:
            return self._store.find(self._load_run)
        except UnknownRunError:
            return None  # nothing completed yet, and nothing to read

    def _track_process(self, pipelines: list[str]) -> None:
        """Name the MLflow run, record its command and process; end zombie runs."""
        import mlflow  # noqa: PLC0415 (kedro-mlflow imported it)

        run = mlflow.active_run()
        self._mlflow_run_id = run.info.run_id if run else None
        if run is None:
            return
        name = self._run_name or run_name(pipelines, self._project_path, datetime.now())
        mlflow.set_tags(
            {
                "mlflow.runName": name,
                "kedro_command": _command(),  # kedro-mlflow's leaves out --params
                PROCESS_TAG: this_process(),
            }
        )
        client = mlflow.MlflowClient()
        base = client.get_experiment(run.info.experiment_id).name
        base = base.removesuffix(INFERENCE_SUFFIX)
        experiments = [
            e.experiment_id
            for e in map(client.get_experiment_by_name, (base, base + INFERENCE_SUFFIX))
            if e is not None
        ]
        end_zombies(client, experiments)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any) -> None:
        """Tag the run with the registered version it read as the champion."""
        if dataset_name != "champion_model" or not isinstance(data, RegisteredModel):
            return
        self._champion_read = data
        import mlflow  # noqa: PLC0415

        if mlflow.active_run() is not None:
            mlflow.set_tags(
                {f"{CHAMPION}.version": data.version, f"{CHAMPION}.run_id": data.run_id}
            )

    @hook_impl(trylast=True)  # after kedro-mlflow has logged the model
    def after_pipeline_run(
        self, run_params: dict[str, Any], catalog: DataCatalog
    ) -> None:
        """Commit: write the run's record, which makes its set the newest complete one."""
        self.staging.restore()
        saved = sorted(
            name
            for name in catalog.keys()
            if versioned(catalog, name) is not None
            and _exists(catalog, name, Version(self._save_version, self._save_version))
        )
        if not saved:
            return  # nothing versioned written (data generation): nothing to commit
        model_uri = _logged_model_uri(self._mlflow_run_id)
        model_version, champion = (
            self._register(catalog, model_uri, saved) if model_uri else (None, False)
        )
        facts = RunFacts(
            run_version=self._save_version,
            model_name=self._model_name or "model",
            model_version=model_version,
            champion=champion,
            mlflow_run_id=self._mlflow_run_id,
            datasets=self._inherited(set(saved))
            | self._read
            | dict.fromkeys(saved, self._save_version),
        )
        saved = sorted(saved + write_model_card(catalog, facts, self._params, saved))
        record = RunRecord(
            version=self._save_version,
            pipelines=run_params.get("pipeline_names") or ["__default__"],
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            datasets=self._inherited(set(saved))
            | self._read
            | dict.fromkeys(saved, self._save_version),
            saved=saved,
            made_from=self._inherited_lineage(set(saved))
            | {n: self._made_from.get(n, []) for n in saved},
            based_on=self._base.version if self._base else None,
            mlflow_run_id=self._mlflow_run_id,
            model_uri=model_uri,
            model_version=model_version,
            champion=champion,
            scored_with=self._champion_read.version if self._champion_read else None,
            command=_command(),
        )
        self._store.save(record)
        outputs: dict[str, Any] = {  # read quietly: Kedro logs every catalog load
            name: cast("AbstractDataset", catalog.get(name)).load()
            for name in (
                "evaluation_metrics",
                "hyperparameters",
                "promotion_decision",
                "best_hyperparameters",
                "inference.predictions",
                "inference.drift_report",
            )
            if name in saved
        }
        for line in summary(record, outputs, self._mlflow_address()):
            say(line)

    def _mlflow_address(self) -> str | None:
        """The run's page in the MLflow UI that ``make mlflow`` starts."""
        if self._mlflow_run_id is None:
            return None
        import mlflow  # noqa: PLC0415

        run = mlflow.MlflowClient().get_run(self._mlflow_run_id)
        host, port = self._ui.get("host", "127.0.0.1"), self._ui.get("port", "5000")
        return (
            f"http://{host}:{port}/#/experiments/{run.info.experiment_id}"
            f"/runs/{self._mlflow_run_id}"
        )

    def _register(
        self, catalog: DataCatalog, model_uri: str, saved: list[str]
    ) -> tuple[str | None, bool]:
        """Register the logged model; make it the champion when the gate says so."""
        if not self._model_name or "promotion_decision" not in saved:
            return None, False  # no gate ran: nothing to compare, nothing to promote
        import mlflow  # noqa: PLC0415

        decision = catalog.load("promotion_decision")
        metric = decision["metric"]
        version = register(
            model_uri,
            self._model_name,
            {
                "run": self._save_version,
                "metric": metric,
                "score": f"{decision['challenger']:.4f}",
            },
        )
        client = mlflow.MlflowClient()
        wins = bool(decision["challenger_wins"])
        if wins:
            set_champion(client, self._model_name, version)
        run_id = cast("str", self._mlflow_run_id)  # a logged model has its run
        client.log_metric(
            run_id, f"promotion.challenger.{metric}", decision["challenger"]
        )
        if decision["champion"] is not None:
            client.log_metric(
                run_id, f"promotion.champion.{metric}", decision["champion"]
            )
        outcome = (
            f"{self._model_name} v{version} is the champion"
            if wins
            else f"{self._model_name} v{version} registered; the champion stays "
            f"v{decision['champion_version']}"
        )
        client.set_tag(run_id, "promotion", f"{outcome} ({decision['reason']})")
        logger.info("%s: %s.", outcome, decision["reason"])
        return version, wins

    @hook_impl
    def on_pipeline_error(self) -> None:
        """A failed run commits nothing; only the staged model files go."""
        self.staging.restore()

    def _stale(self, saved: set[str]) -> set[str]:
        """Datasets of the base set made, directly or not, from what this run remade."""
        lineage = self._base.made_from if self._base else {}
        stale: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, inputs in lineage.items():
                if name not in stale and (saved | stale) & set(inputs):
                    stale.add(name)
                    changed = True
        return stale

    def _inherited(self, saved: set[str]) -> dict[str, str]:
        if self._base is None:
            return {}
        dropped = self._stale(saved) | saved
        return {n: v for n, v in self._base.datasets.items() if n not in dropped}

    def _inherited_lineage(self, saved: set[str]) -> dict[str, list[str]]:
        kept = self._inherited(saved)
        return {
            n: i
            for n, i in (self._base.made_from if self._base else {}).items()
            if n in kept
        }


def lineage(pipeline: Pipeline, persisted: set[str]) -> dict[str, list[str]]:
    """Each output's persisted inputs: a dataset held in memory between two nodes
    (``trained_model``) is replaced by what it was made from, so a run that remakes
    the splits also drops the model made through memory from them."""
    direct = {
        output: [i for i in node.inputs if not i.startswith("params")]
        for node in pipeline.nodes
        for output in node.outputs
    }

    def sources(name: str) -> set[str]:
        found: set[str] = set()
        for source in direct.get(name, []):
            in_memory = source in direct and source not in persisted
            found |= sources(source) if in_memory else {source}
        return found

    return {output: sorted(sources(output)) for output in direct}


def _exists(catalog: DataCatalog, name: str, version: Version) -> bool:
    dataset = catalog.get(name, version=version)
    return dataset is not None and dataset.exists()


def _command() -> str:
    """The command line that started this process, as typed (``kedro run --params ...``)."""
    if "kedro" not in sys.argv[0]:  # a notebook, a test: not started as `kedro ...`
        return shlex.join(sys.argv)
    return shlex.join(["kedro", *sys.argv[1:]])


def _logged_model_uri(run_id: str | None) -> str | None:
    """``models:/<id>`` of the model the run logged, when it logged one."""
    if run_id is None:
        return None
    import mlflow  # noqa: PLC0415

    client = mlflow.MlflowClient()  # by run id: last_logged_model() is process-wide
    models = client.search_logged_models(
        experiment_ids=[client.get_run(run_id).info.experiment_id],
        filter_string=f"source_run_id = '{run_id}'",
        order_by=[{"field_name": "creation_timestamp", "ascending": False}],
        max_results=1,
    )
    return models[0].model_uri if models else None


class ModelArtifactStaging:
    """The files kedro-mlflow packs into the logged model: this run's version only.

    kedro-mlflow logs the folder of each versioned dataset the served pipeline reads,
    every version ever saved in it: each logged model grew by all the earlier runs'
    models. During the logging, each such dataset points at a temporary folder that
    holds the one version this run uses.
    """

    def __init__(self) -> None:
        self._folder: str | None = None
        self._moved: dict[Any, PurePosixPath] = {}

    def stage(self, catalog: DataCatalog, names: set[str]) -> None:
        """Point each dataset at a folder holding only the version it loads."""
        self._folder = folder = tempfile.mkdtemp(prefix="logged-model-")
        for name in sorted(names):
            dataset = versioned(catalog, name)
            if dataset is None:
                continue
            version = dataset.resolve_load_version()
            if version is None:  # never saved: nothing to pack
                continue
            original = dataset._filepath
            staged = PurePosixPath(folder) / name / original.name
            target = Path(str(staged / version / original.name))
            target.parent.mkdir(parents=True)
            source = Path(str(dataset._get_load_path()))
            if source.is_dir():  # a folder dataset (the fitted bundle)
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)
            self._moved[dataset] = original
            dataset._filepath = staged

    def restore(self) -> None:
        """Point the datasets back at their folders; delete the staged copies."""
        for dataset, original in self._moved.items():
            dataset._filepath = original
        self._moved = {}
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


class ModelArtifactHooks:
    """Stage the served pipeline's inputs just before kedro-mlflow logs the model."""

    def __init__(self, staging: ModelArtifactStaging) -> None:
        self.staging = staging

    @hook_impl(tryfirst=True)  # before kedro-mlflow's after_pipeline_run
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        """Stage this run's version of each file the logged model packs."""
        inference = getattr(pipeline, "inference", None)
        if inference is None:
            return
        inputs = {n for n in inference.inputs() if not n.startswith("params:")}
        self.staging.stage(catalog, inputs - {getattr(pipeline, "input_name", "")})
