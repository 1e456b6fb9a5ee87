"""MLflow through kedro-mlflow: a default run logs params, metrics and artifacts to the
embedded SQLite store, and pipelines without tracking log nothing."""

from __future__ import annotations

import json
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

    assert params["model_engineering.model.mlp.seed"] == "0"  # conf/test
    assert params["model_engineering.model.mlp.hidden_sizes"] == "[16]"
    assert params["data_engineering.split.seed"] == "42"  # typed parameters, flattened
    assert params["evaluation.calibration_bins"] == "10"


def test_metrics_per_epoch_and_evaluation(tracked) -> None:
    _, client, run = tracked

    history = client.get_metric_history(run.info.run_id, "validation_loss")
    assert [metric.step for metric in history] == list(range(1, len(history) + 1))
    assert 0.5 < run.data.metrics["test.roc_auc"] <= 1.0
    assert {
        "baseline.logistic.roc_auc",
        "baseline.boosted_trees.roc_auc",
        "calibration.temperature",
        "calibration.ece_before",
        "calibration.ece_after",
        "conformal.coverage",
        "conformal.mean_set_size",
        "decision_threshold",
    } <= set(run.data.metrics)


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
        "feature_importance_plot.png",
    }  # the Plotly figure is kedro-viz's: MLflow's sandboxed viewer draws it blank
    assert {
        "evaluation_metrics.json",
        "training_history.json",
        "run_manifest.json",
        "contract.json",
        "feature_importance.csv",
    } <= names("reports")
    assert "customers_raw.json" in names("validation")


def test_the_logged_model_packs_one_bundle_of_this_run(tracked, tmp_path) -> None:
    _, client, run = tracked
    (logged,) = client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )

    root = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=f"{logged.artifact_location}/artifacts", dst_path=tmp_path
        )
    )

    # kedro-mlflow keeps the served pipeline's parameters (the contract) beside it.
    assert sorted(p.name for p in root.iterdir()) == [
        "fitted_model",
        "params_contract.pkl",
    ]
    bundle = root / "fitted_model"  # this run's bundle itself, no version folders
    assert {p.name for p in bundle.iterdir()} == {
        "bundle.json",
        "preprocessing.json",
        "calibration.json",
        "decision_threshold.json",
        "conformal.json",
        "drift_reference.json",
        "model",
    }
    assert {p.name for p in (bundle / "model").iterdir()} == {
        "config.json",
        "weights.pt",
    }


def test_run_manifest_pins_code_data_and_seeds(tracked) -> None:
    _, _, run = tracked

    manifest = mlflow.artifacts.load_dict(
        f"{run.info.artifact_uri}/reports/run_manifest.json"
    )

    # The raw sources, and the ground truth the oracle is scored on.
    assert set(manifest["inputs"]) == {
        "customers_raw",
        "usage_raw",
        "tickets_raw",
        "true_probabilities",
    }
    assert all(len(item["sha256"]) == 64 for item in manifest["inputs"].values())
    assert manifest["seeds"]["model_engineering.model.mlp.seed"] == 0
    assert manifest["seeds"]["data_engineering.split.seed"] == 42
    assert manifest["packages"]["torch"].startswith("2.")
    assert manifest["hardware"]["cpu_count"] >= 1


def test_untracked_pipelines_open_no_run(project_copy: Path) -> None:
    run_session(project_copy, pipeline_names=["data_engineering"])

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project_copy / 'mlflow.db'}")
    assert (
        client.search_runs([e.experiment_id for e in client.search_experiments()]) == []
    )


def test_a_completed_training_run_has_its_model_card(tracked) -> None:
    project, client, run = tracked
    (record_file,) = (project / "data/runs").glob("*.json")
    record = json.loads(record_file.read_text())

    artifacts = {
        Path(a.path).name for a in client.list_artifacts(run.info.run_id, "model_card")
    }
    (card,) = (project / "data/08_reporting/model_card.md").glob(
        f"{record['version']}/model_card.md"
    )
    text = card.read_text()

    assert artifacts == {"model_card.md", "model_card.html"}
    assert {"model_card", "model_card_html"} <= set(record["saved"])
    assert text.startswith("# Model card: ml_template v1")
    assert "the registry's champion" in text
    assert f"MLflow run {run.info.run_id}" in text
    metrics = json.loads(
        next(
            (project / "data/08_reporting/evaluation_metrics.json").glob("*/*")
        ).read_text()
    )
    assert f"| model | {metrics['model']['roc_auc']:.4f} |" in text
