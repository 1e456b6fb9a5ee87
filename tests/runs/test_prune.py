"""Prune drops the MLflow runs and registered versions of the runs it drops."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from ml_template.config import TrackingSettings
from ml_template.runs.prune import Plan, prune_mlflow
from ml_template.runs.records import RunRecord
from ml_template.runs.registry import register, set_champion

NAME = "churn"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[mlflow.MlflowClient, str]]:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    try:
        yield mlflow.MlflowClient(tracking_uri=uri), uri
    finally:
        mlflow.set_tracking_uri(None)
        os.environ.pop("MLFLOW_TRACKING_URI", None)


def _run_with_version(client: mlflow.MlflowClient, version: str) -> RunRecord:
    """A finished MLflow run with a registered model version, and its run record."""
    experiment = client.get_experiment_by_name("prune") or client.get_experiment(
        client.create_experiment("prune")
    )
    run = client.create_run(experiment.experiment_id)
    client.set_terminated(run.info.run_id, "FINISHED")
    model = client.create_logged_model(
        experiment.experiment_id, source_run_id=run.info.run_id
    )
    register(client, f"models:/{model.model_id}", NAME, {})
    return RunRecord(
        version=version,
        pipelines=["__default__"],
        finished_at="2026-12-05T10:00:00+00:00",
        datasets={"fitted_model": version},
        saved=["fitted_model"],
        mlflow_run_id=run.info.run_id,
    )


def test_the_dropped_runs_go_from_mlflow_but_never_the_champion(store) -> None:
    client, uri = store
    old = _run_with_version(client, "2026-12-01T00.00.00.000Z")  # v1
    champion = _run_with_version(client, "2026-12-02T00.00.00.000Z")  # v2
    newest = _run_with_version(client, "2026-12-03T00.00.00.000Z")  # v3
    set_champion(client, NAME, "2")

    settings = TrackingSettings(tracking_uri=uri, experiment="prune", model_name=NAME)
    said = prune_mlflow(
        client, settings, Plan(kept=[newest], dropped=[old, champion]), dry_run=False
    )

    left = {str(v.version) for v in client.search_model_versions(f"name = '{NAME}'")}
    assert left == {"2", "3"}  # the champion's stays, though its record went
    assert f"registered {NAME} v1" in said
    with pytest.raises(MlflowException):  # deleted and purged by `mlflow gc`
        client.get_run(str(old.mlflow_run_id))
    assert client.get_run(str(newest.mlflow_run_id)).info.lifecycle_stage == "active"
