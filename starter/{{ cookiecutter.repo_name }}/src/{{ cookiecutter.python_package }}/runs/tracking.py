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
        lines.append(
            f"  test ROC-AUC {model['roc_auc']:.4f}, "
            + ", ".join(f"{n} {b['roc_auc']:.4f}" for n, b in baselines.items())
            + f"; accuracy {model['accuracy']:.4f}"
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
