"""MLflow runs you can read: named, with the real command, inference apart, a summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro.framework.hooks import hook_impl

from {{ cookiecutter.python_package }}.manifest import git_state

if TYPE_CHECKING:
    from kedro.framework.context import KedroContext

    from {{ cookiecutter.python_package }}.runs.records import RunRecord

INFERENCE_SUFFIX = "_inference"
INFERENCE = "inference"


def pipeline_names(run_params: dict[str, Any]) -> list[str]:
    """The pipelines a run was asked for (``__default__`` when none was named)."""
    return list(run_params.get("pipeline_names") or ["__default__"])


def run_name(pipelines: list[str], project_path: Path, now: datetime) -> str:
    """``__default__ 2026-11-23 17:02 a0d5770``: pipelines, start and short commit."""
    commit = (git_state(project_path)["commit"] or "no-git")[:7]
    return f"{'+'.join(pipelines)} {now:%Y-%m-%d %H:%M} {commit}"


class ExperimentHooks:
    """Inference runs go to their own experiment, ``<experiment>_inference``.

    kedro-mlflow opens every run in the experiment of ``mlflow.yml``; scoring runs
    would bury the training runs there. Before it opens the run, this switches its
    configuration (``context.mlflow``) to the inference experiment when the run is
    ``--pipelines inference``, and back otherwise.
    """

    def __init__(self) -> None:
        self._config: Any = None

    @hook_impl(trylast=True)  # after kedro-mlflow has read mlflow.yml
    def after_context_created(self, context: KedroContext) -> None:
        """Keep kedro-mlflow's configuration of this session."""
        self._config = getattr(context, "mlflow", None)

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens the run
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        """Choose the experiment by the pipelines the run is asked for."""
        if self._config is None:
            return
        experiment = self._config.tracking.experiment
        base = experiment.name.removesuffix(INFERENCE_SUFFIX)
        inference = pipeline_names(run_params) == [INFERENCE]
        name = f"{base}{INFERENCE_SUFFIX}" if inference else base
        if name != experiment.name:
            experiment.name = name
            self._config._set_experiment()  # kedro-mlflow's own get-or-create


def summary(
    record: RunRecord, outputs: dict[str, Any], mlflow_address: str | None
) -> list[str]:
    """A few lines that end a run: its metrics, its model, where everything went."""
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
            + f"; accuracy {model['accuracy']:.4f}"
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
            + " (data/08_reporting/inference/drift_report.html)"
        )
    lines.append(f"  outputs: data/*/<name>/{record.version}/")
    if record.mlflow_run_id:
        where = f" ({mlflow_address}, after `make mlflow`)" if mlflow_address else ""
        lines.append(f"  MLflow run {record.mlflow_run_id}{where}")
    return lines


def log_nested_runs(trials: list[dict[str, Any]]) -> None:
    """One MLflow run per search trial, nested under the active run.

    Each holds the trial's settings as parameters, its validation loss per step as a
    metric history, its best as ``validation_loss``, its Optuna state as a tag, and its
    real start and end. (Logged when the search has ended: nodes never touch MLflow.)
    """
    import mlflow  # noqa: PLC0415
    from mlflow.entities import Metric, Param, RunTag  # noqa: PLC0415

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
