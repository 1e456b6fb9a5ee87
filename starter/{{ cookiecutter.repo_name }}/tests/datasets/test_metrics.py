"""The metrics history dataset logs exactly what kedro-mlflow's does, in one request."""

from __future__ import annotations

from pathlib import Path

import mlflow
from kedro_mlflow.io.metrics import MlflowMetricsHistoryDataset

from {{ cookiecutter.python_package }}.datasets.metrics import MetricsHistoryDataset

METRICS = {
    "test.roc_auc": {"value": 0.89, "step": 0},
    "train_loss": [{"value": v, "step": s} for s, v in enumerate([0.7, 0.5, 0.4])],
    "validation_loss": [{"value": 0.8, "step": 1}, {"value": 0.6, "step": 2}],
}


def _history(client: mlflow.MlflowClient, run_id: str) -> dict[str, list]:
    keys = client.get_run(run_id).data.metrics
    return {
        key: sorted((m.step, m.value) for m in client.get_metric_history(run_id, key))
        for key in keys
    }


def test_the_same_history_as_kedro_mlflows_in_one_batch(tmp_path: Path) -> None:
    client = mlflow.MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.create_experiment("metrics", str(tmp_path / "mlruns"))
    runs = [client.create_run(experiment).info.run_id for _ in range(2)]
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(client.tracking_uri)
    try:
        MetricsHistoryDataset(run_id=runs[0], prefix="").save(METRICS)
        MlflowMetricsHistoryDataset(run_id=runs[1], prefix="").save(METRICS)
    finally:
        mlflow.set_tracking_uri(previous)

    ours, theirs = (_history(client, run) for run in runs)
    assert ours == theirs
    assert ours["train_loss"] == [(0, 0.7), (1, 0.5), (2, 0.4)]
