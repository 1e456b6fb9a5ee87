"""MLflow through kedro-mlflow: a default run logs params, metrics and artifacts to the
embedded SQLite store, and pipelines without tracking log nothing."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest

from tests.conftest import run_session

pytestmark = pytest.mark.slow


def test_the_store_is_an_embedded_sqlite_file(tracked) -> None:
    project, _, run = tracked

    assert (project / "mlflow.db").is_file()
    assert run.info.status == "FINISHED"
    assert run.info.artifact_uri.startswith(str(project / "mlruns"))


def test_parameters_are_logged(tracked) -> None:
    _, _, run = tracked
    params = run.data.params

    assert params["model_engineering.training.seed"] == "0"  # conf/test
    assert params["model_engineering.model.hidden_sizes"] == "[16]"
    assert params["data_engineering.split.seed"] == "42"  # typed parameters, flattened
    assert params["evaluation.calibration_bins"] == "10"


def test_metrics_per_epoch_and_evaluation(tracked) -> None:
    _, client, run = tracked

    history = client.get_metric_history(run.info.run_id, "validation_loss")
    assert [metric.step for metric in history] == list(range(1, len(history) + 1))
    assert 0.5 < run.data.metrics["test.roc_auc"] <= 1.0
    assert "baseline.logistic.roc_auc" in run.data.metrics
    assert "decision_threshold" in run.data.metrics


def test_plots_reports_model_and_gate_results_are_artifacts(tracked) -> None:
    _, client, run = tracked

    def names(path: str) -> set[str]:
        return {Path(a.path).name for a in client.list_artifacts(run.info.run_id, path)}

    assert names("plots") == {
        "roc_curve_plot.png",
        "precision_recall_curve_plot.png",
        "calibration_plot.png",
        "confusion_matrix_plot.png",
        "training_curves_plot.png",
        "evaluation_curves_plotly.html",
    }
    assert {
        "evaluation_metrics.json",
        "training_history.json",
        "run_manifest.json",
        "contract.json",
    } <= names("reports")
    assert {"model.pt", "preprocessing.json", "decision_threshold.json"} <= names(
        "model"
    )
    assert "customers_raw.json" in names("validation")


def test_run_manifest_pins_code_data_and_seeds(tracked) -> None:
    _, _, run = tracked

    manifest = mlflow.artifacts.load_dict(
        f"{run.info.artifact_uri}/reports/run_manifest.json"
    )

    assert set(manifest["inputs"]) == {"customers_raw", "usage_raw", "tickets_raw"}
    assert all(len(item["sha256"]) == 64 for item in manifest["inputs"].values())
    assert manifest["seeds"]["model_engineering.training.seed"] == 0
    assert manifest["seeds"]["data_engineering.split.seed"] == 42
    assert manifest["packages"]["torch"].startswith("2.")
    assert manifest["hardware"]["cpu_count"] >= 1


def test_untracked_pipelines_open_no_run(project_copy: Path) -> None:
    run_session(project_copy, pipeline_names=["data_engineering"])

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project_copy / 'mlflow.db'}")
    assert (
        client.search_runs([e.experiment_id for e in client.search_experiments()]) == []
    )
