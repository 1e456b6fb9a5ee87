"""MLflow runs you can read: named, with the real command, inference apart, a summary."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import mlflow
import pandas as pd
from filelock import FileLock
from mlflow.entities import Metric, Param, RunTag

from ml_template.manifest import git_state
from ml_template.runs.unit import command
from ml_template.runs.zombies import (
    PROCESS_TAG,
    end_zombies,
    this_process,
)

if TYPE_CHECKING:
    from ml_template.config import TrackingSettings
    from ml_template.runs.records import RunRecord

INFERENCE_SUFFIX = "_inference"
INFERENCE = "inference"


def pipeline_names(run_params: dict[str, Any]) -> list[str]:
    """The pipelines a run was asked for (``__default__`` when none was named)."""
    return list(run_params.get("pipeline_names") or ["__default__"])


def run_name(pipelines: list[str], project_path: Path, now: datetime) -> str:
    """``__default__ 2026-11-23 17:02 a0d5770``: pipelines, start and short commit."""
    commit = (git_state(project_path)["commit"] or "no-git")[:7]
    return f"{'+'.join(pipelines)} {now:%Y-%m-%d %H:%M} {commit}"


def experiment_params(pipelines: list[str]) -> dict[str, str]:
    """Runtime parameters that send an inference run to ``<experiment>_inference``.

    kedro-mlflow opens every run in the experiment of ``mlflow.yml``, whose name ends
    with ``${runtime_params:mlflow_experiment_suffix,""}``; scoring runs would bury
    the training runs otherwise. The project's ``kedro run`` adds these for
    ``--pipelines inference``; a session started from Python passes them itself.
    """
    return (
        {"mlflow_experiment_suffix": INFERENCE_SUFFIX}
        if pipelines == [INFERENCE]
        else {}
    )


_RULES = {
    "f1": "best validation F1",
    "accuracy": "best validation accuracy",
    "cost": "least validation cost",
}


def _decided(metrics: dict[str, Any]) -> str:
    """How the model's labels were decided, for the summary's accuracy."""
    threshold = metrics.get("decision_threshold")
    if threshold is None:
        return " (most probable class)"
    rule = metrics.get("decision_rule", "f1")
    return f" (threshold {threshold:.2f}: {_RULES.get(rule, rule)})"


def summary(
    record: RunRecord,
    outputs: dict[str, Any],
    mlflow_address: str | None,
    pages: list[Path] | None = None,
) -> list[str]:
    """A few lines that end a run: its metrics, its model, the pages to open (the
    files themselves, inside Kedro's version folders), where everything went."""
    lines = [
        f"Run {record.version} ({', '.join(record.pipelines)}) completed: "
        f"{len(record.saved)} datasets committed (data/runs/{record.version}.json)."
    ]
    metrics = outputs.get("evaluation_metrics")
    if metrics:
        model, baselines = metrics["model"], metrics["baselines"]
        oracle = metrics.get("oracle")
        kind = (outputs.get("hyperparameters") or {}).get("model", {}).get("kind")
        lines.append(
            f"  test ROC-AUC {model['roc_auc']:.4f}"
            + (f" ({kind})" if kind else "")
            + ", "
            + ", ".join(f"{n} {b['roc_auc']:.4f}" for n, b in baselines.items())
            + (f", oracle {oracle['roc_auc']:.4f}" if oracle else "")
        )
        lines.append(
            f"  test accuracy {model['accuracy']:.4f}{_decided(metrics)}, "
            + ", ".join(f"{n} {b['accuracy']:.4f}" for n, b in baselines.items())
        )
        calibration = metrics.get("calibration")
        if calibration:
            lines.append(
                f"  calibration: temperature {calibration['temperature']:.3f}, "
                f"ECE {calibration['ece_before']:.4f} -> {calibration['ece_after']:.4f}"
            )
        sets = metrics.get("conformal")
        if sets:
            lines.append(
                f"  conformal sets at {sets['confidence']:.0%}: test coverage "
                f"{sets['coverage']:.3f}, mean size {sets['mean_set_size']:.2f}"
            )
    search = outputs.get("best_hyperparameters")
    if search:
        lines.append(
            f"  tuning ({search['kind']}): best validation loss "
            f"{search['validation_loss']:.4f} (trial "
            f"{search['best_trial']}) against the default's "
            f"{search['default_validation_loss']:.4f}, {search['trials']} trials "
            f"({search['pruned']} pruned) in {search['seconds']:.0f} s; "
            "train with them: kedro run --params tuned=true"
        )
    decision = outputs.get("promotion_decision")
    if decision and record.model_version:
        outcome = (
            f"v{record.model_version} is the champion"
            if record.champion
            else f"v{record.model_version} registered, champion stays "
            f"v{decision['champion_version']}"
        )
        lines.append(f"  registry: {outcome} ({decision['reason']})")
    predictions = outputs.get("inference.predictions")
    if predictions is not None:
        lines.append(
            f"  scored {len(predictions)} rows with champion v{record.scored_with}"
        )
    drift = outputs.get("inference.drift_report")
    if drift is not None:
        flagged = drift.get("drifted_features") or []
        lines.append(
            "  drift: "
            + (
                f"drifted ({', '.join(flagged) or 'predictions or quarantine'})"
                if drift["drifted"]
                else "none"
            )
        )
    if pages:
        lines.append(f"  open: {', '.join(map(str, pages))}")
    lines.append(f"  outputs: data/*/<name>/{record.version}/")
    if record.mlflow_run_id:
        where = f" ({mlflow_address})" if mlflow_address else ""
        lines.append(f"  MLflow run {record.mlflow_run_id}{where}")
    return lines


def log_nested_runs(trials: list[dict[str, Any]]) -> None:
    """One MLflow run per search trial, nested under the active run.

    Each holds the trial's settings as parameters, its validation loss per step as a
    metric history, its best as ``validation_loss``, its Optuna state as a tag, and its
    real start and end. (Logged when the search has ended: nodes never touch MLflow.)
    """
    parent = mlflow.active_run()
    if parent is None:
        return
    client = mlflow.MlflowClient()
    for trial in trials:
        started = _milliseconds(trial["started"])
        run = client.create_run(
            parent.info.experiment_id,
            start_time=started,
            tags={"mlflow.parentRunId": parent.info.run_id},
            run_name=f"trial {trial['number']}",
        )
        curve = [
            Metric("validation_loss_by_step", value, started, int(step))
            for step, value in trial["validation_loss_by_step"].items()
        ]
        best = trial["validation_loss"]
        client.log_batch(
            run.info.run_id,
            metrics=curve
            + (
                [Metric("validation_loss", best, started, 0)]
                if best is not None
                else []
            ),
            params=[Param(name, str(value)) for name, value in trial["params"].items()],
            tags=[RunTag("optuna.state", trial["state"])],
        )
        client.set_terminated(
            run.info.run_id, "FINISHED", end_time=_milliseconds(trial["finished"])
        )


def _milliseconds(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp() * 1000)


def start(run: Any, name: str) -> None:
    """Name the MLflow run, record its command and process; end zombie runs of this
    experiment and its inference (or training) twin."""
    mlflow.set_tags(
        {
            "mlflow.runName": name,
            "kedro_command": command(),  # kedro-mlflow's leaves out --params
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


def log_inputs(manifest: dict[str, Any], params: dict[str, Any]) -> None:
    """The run manifest, the whole contract and the typed parameters, to the active run."""
    mlflow.log_dict(manifest, "reports/run_manifest.json")
    contract = params.get("contract")
    if contract is not None:  # the params show it truncated; here it is whole
        mlflow.log_dict(contract.model_dump(mode="json"), "reports/contract.json")
    mlflow.log_params(dict(typed_params(params)))


def typed_params(params: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
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
            flat += typed_params(value, f"{name}.")
    return flat


def _flattened(values: dict[str, Any], prefix: str) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in values.items():
        if isinstance(value, dict) and value:
            flat += _flattened(value, f"{prefix}{key}.")
        else:
            flat.append((f"{prefix}{key}", value))
    return flat


def log_artifact(
    data: Any, name: str, artifact_path: str, saved_png: Path | None = None
) -> None:
    """Log a figure as PNG, an HTML page as it is, a table as CSV,
    JSON-able data as JSON, to the active run. A figure the catalog has just written
    is logged from its file rather than drawn a second time."""
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
    elif isinstance(data, str) and data.lower().startswith("<!doctype html"):
        mlflow.log_text(data, f"{artifact_path}/{name}.html")
    else:
        payload = data if isinstance(data, dict | list) else {name: data}
        mlflow.log_dict(cast("dict[str, Any]", payload), f"{artifact_path}/{name}.json")


def log_gate_results(
    run_id: str, results: dict[str, dict[str, Any]], report: str
) -> None:
    """Every gate's result and the gate report, to the run (open or ended)."""
    client = mlflow.MlflowClient()
    for suite, result in results.items():
        client.log_dict(run_id, result, f"validation/{suite}.json")
    client.log_text(run_id, report, "validation/gate_report.html")


def logged_model_uri(run_id: str | None) -> str | None:
    """``models:/<id>`` of the model the run logged, when it logged one."""
    if run_id is None:
        return None

    client = mlflow.MlflowClient()  # by run id: last_logged_model() is process-wide
    models = client.search_logged_models(
        experiment_ids=[client.get_run(run_id).info.experiment_id],
        filter_string=f"source_run_id = '{run_id}'",
        order_by=[{"field_name": "creation_timestamp", "ascending": False}],
        max_results=1,
    )
    return models[0].model_uri if models else None


def connect(settings: TrackingSettings) -> Any:
    """An MLflow client of the tracking (and registry) store, set for this process."""
    mlflow.set_tracking_uri(settings.tracking_uri)
    if settings.registry_uri:
        mlflow.set_registry_uri(settings.registry_uri)
    return mlflow.MlflowClient()


def run_address(run_id: str | None, settings: TrackingSettings) -> str | None:
    """The run's page in the MLflow UI: the server's, or the one ``make mlflow``
    starts (said so)."""
    if run_id is None:
        return None

    run = mlflow.MlflowClient().get_run(run_id)
    link = settings.run_link(run.info.experiment_id, run_id)
    return link if settings.on_server else f"{link}, after `make mlflow`"


def prepare_store(settings: TrackingSettings) -> None:
    """Create (or migrate) an embedded SQLite store under a lock, once per process.

    Two first runs at once would otherwise both run MLflow's schema migrations on the
    new file, and the second dies halfway through them. A tracking server migrates
    its own store: nothing to do there.
    """
    uri = settings.tracking_uri
    if not uri.startswith("sqlite:///"):
        return

    database = Path(uri.removeprefix("sqlite:///"))
    with FileLock(database.with_name(f".{database.name}.lock")):
        mlflow.MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
