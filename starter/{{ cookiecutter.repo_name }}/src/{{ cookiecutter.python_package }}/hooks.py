"""Project hooks: the gates' validation session, and what MLflow receives.

Tracking lives here, not in nodes: nodes return data; these hooks log it to the MLflow
run that kedro-mlflow opened (when tracking is on for the pipeline).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kedro.framework.hooks import hook_impl

from {{ cookiecutter.python_package }}.contract.active import activate as activate_contract
from {{ cookiecutter.python_package }}.contract.active import parse_contract
from {{ cookiecutter.python_package }}.manifest import build_manifest
from {{ cookiecutter.python_package }}.runs.catalog import save_own
from {{ cookiecutter.python_package }}.runs.tracking import log_nested_runs
from {{ cookiecutter.python_package }}.validation import ValidationSession, activate, current
from {{ cookiecutter.python_package }}.validation.report import gate_report

if TYPE_CHECKING:
    from kedro.framework.context import KedroContext
    from kedro.io import DataCatalog
    from kedro.pipeline import Pipeline

logger = logging.getLogger(__name__)


def _active_run() -> Any:
    """The MLflow run kedro-mlflow opened for this pipeline, if any."""
    import mlflow  # noqa: PLC0415 (already imported by kedro-mlflow)

    return mlflow.active_run()


def _extra_suites(context: KedroContext) -> dict[str, Any]:
    """Hand-written suites of ``conf/<env>/expectations``, if there are any."""
    from kedro.config import MissingConfigException  # noqa: PLC0415

    try:
        return context.config_loader["expectations"]
    except MissingConfigException:
        return {}


class ValidationHooks:
    """Activate the run's contract; give the catalog's gates their rules and reports."""

    @hook_impl(tryfirst=True)  # before anything builds pipelines (context.params does)
    def after_context_created(self, context: KedroContext) -> None:
        """Activate the contract, then open the run's validation session."""
        raw = context.config_loader["parameters"]
        contract = parse_contract(raw.get("contract"))
        activate_contract(contract)
        settings = raw.get("validation", {})
        activate(
            ValidationSession(
                contract=contract,
                extras=_extra_suites(context),
                sample_size=settings.get("sample_size", 5),
                detailed=bool(raw.get("detailed_gates")),
            )
        )

    @hook_impl(tryfirst=True)  # before kedro-mlflow closes the run
    def after_pipeline_run(self, catalog: DataCatalog) -> None:
        """Save every validation result of the run and the gate report."""
        self._report(catalog)

    @hook_impl(tryfirst=True)
    def on_pipeline_error(self, catalog: DataCatalog) -> None:
        """Save the results on failure too: the failed gate's result explains it."""
        self._report(catalog)

    @staticmethod
    def _report(catalog: DataCatalog) -> None:
        session = current()
        if not session.results:
            return
        session.save_results(catalog)
        report = gate_report(session.results, "Gate report")
        save_own(catalog, "gate_report", report)
        if _active_run() is not None:
            import mlflow  # noqa: PLC0415

            for suite, result in session.results.items():
                mlflow.log_dict(result, f"validation/{suite}.json")
            mlflow.log_text(report, "validation/gate_report.html")


class TrackingHooks:
    """Log the run manifest and the datasets marked ``metadata.mlflow.artifact_path``."""

    def __init__(self) -> None:
        self._project_path = Path.cwd()
        self._params: dict[str, Any] = {}
        self._catalog: DataCatalog | None = None

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        """Remember where the project is and its parameters."""
        self._project_path = context.project_path
        self._params = context.params

    @hook_impl
    def after_catalog_created(self, catalog: DataCatalog) -> None:
        """Remember the catalog, to read each saved dataset's metadata."""
        self._catalog = catalog

    @hook_impl(trylast=True)  # after kedro-mlflow has opened the run
    def before_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        """Save the run manifest (git, input hashes, versions, seeds, hardware)."""
        if _active_run() is None:
            return
        files = {}
        for name in pipeline.inputs():
            path = (
                getattr(catalog.get(name), "_filepath", None)
                if name in catalog
                else None
            )
            if path is not None and Path(path).is_file():
                files[name] = Path(path)
        manifest = build_manifest(self._project_path, files, self._params)
        save_own(catalog, "run_manifest", manifest)
        import mlflow  # noqa: PLC0415

        mlflow.log_dict(manifest, "reports/run_manifest.json")
        contract = self._params.get("contract")
        if contract is not None:  # the params show it truncated; here it is whole
            mlflow.log_dict(contract.model_dump(mode="json"), "reports/contract.json")
        mlflow.log_params(dict(_typed_params(self._params)))

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any) -> None:
        """Log a saved dataset to MLflow when its catalog metadata asks for it:
        ``artifact_path`` logs it as an artifact, ``nested_runs`` (search trials) as one
        nested run per item."""
        if self._catalog is None or dataset_name not in self._catalog:
            return
        dataset = self._catalog.get(dataset_name)
        tracking = (getattr(dataset, "metadata", None) or {}).get("mlflow", {})
        if _active_run() is None:
            return
        if tracking.get("artifact_path"):
            _log_artifact(
                data, dataset_name, tracking["artifact_path"], _saved_png(dataset)
            )
        if tracking.get("nested_runs"):
            log_nested_runs(data)


def _typed_params(params: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Typed (pydantic) parameters as ``a.b.c`` entries, as kedro-mlflow logs a dict.

    kedro-mlflow flattens dict parameters only; a typed one would otherwise show as one
    truncated string. The contract is left out: it is logged whole as an artifact.
    """
    flat: list[tuple[str, Any]] = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if hasattr(value, "model_dump") and name != "contract":
            flat += _flattened(value.model_dump(mode="json"), f"{name}.")
        elif isinstance(value, dict):
            flat += _typed_params(value, f"{name}.")
    return flat


def _flattened(values: dict[str, Any], prefix: str) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in values.items():
        if isinstance(value, dict) and value:
            flat += _flattened(value, f"{prefix}{key}.")
        else:
            flat.append((f"{prefix}{key}", value))
    return flat


def _saved_png(dataset: Any) -> Path | None:
    """The PNG file a matplotlib dataset just wrote, when it is a local file."""
    if not str(getattr(dataset, "_filepath", "")).endswith(".png"):
        return None
    try:  # the versioned path of this save (Kedro's)
        path = Path(str(dataset._get_versioned_path(dataset.resolve_save_version())))
    except (AttributeError, TypeError):
        return None
    return path if path.is_file() else None


def _log_artifact(
    data: Any, name: str, artifact_path: str, saved_png: Path | None = None
) -> None:
    """Log a figure as PNG (Plotly: a self-contained HTML page), a table as CSV,
    JSON-able data as JSON. A figure the catalog has just written is logged from its file
    rather than drawn a second time."""
    import mlflow  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    if isinstance(data, pd.DataFrame):
        mlflow.log_text(data.to_csv(index=False), f"{artifact_path}/{name}.csv")
    elif isinstance(data, Figure) and saved_png is not None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / f"{name}.png"
            shutil.copyfile(saved_png, copy)
            mlflow.log_artifact(str(copy), artifact_path)
    elif isinstance(data, Figure):
        mlflow.log_figure(data, f"{artifact_path}/{name}.png")
    elif hasattr(data, "to_plotly_json"):  # with plotly.js inside: works offline
        html = data.to_html(include_plotlyjs=True, full_html=True)
        mlflow.log_text(html, f"{artifact_path}/{name}.html")
    elif isinstance(data, str) and data.lower().startswith("<!doctype html"):
        mlflow.log_text(data, f"{artifact_path}/{name}.html")
    else:
        payload = data if isinstance(data, dict | list) else {name: data}
        mlflow.log_dict(cast("dict[str, Any]", payload), f"{artifact_path}/{name}.json")
