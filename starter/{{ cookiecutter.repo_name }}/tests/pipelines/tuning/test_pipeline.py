"""`kedro run --pipelines tuning` on tiny data: three trials as nested MLflow runs, the
best saved as a versioned dataset, and training using it when asked."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pytest

from tests.conftest import run_session

pytestmark = pytest.mark.slow


def _latest(project: Path, dataset: str) -> dict:
    (path,) = sorted((project / "data").glob(f"*/{dataset}.json/*/{dataset}.json"))[-1:]
    return json.loads(path.read_text())


def _read(path: Path) -> dict:
    return json.loads(path.read_text())


def test_search_then_train_with_its_best(project_copy: Path) -> None:
    run_session(project_copy)  # a training run: the splits the search reads
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project_copy / 'mlflow.db'}")
    versions_before = client.search_model_versions("name = '{{ cookiecutter.python_package }}'")

    run_session(project_copy, pipeline_names=["tuning"])

    best = _latest(project_copy, "best_hyperparameters")
    trials = _latest(project_copy, "tuning_trials")
    assert best["trials"] == len(trials) == 3  # conf/test/parameters_tuning.yml
    (search,) = [
        record
        for record in map(_read, (project_copy / "data/runs").glob("*.json"))
        if record["pipelines"] == ["tuning"]
    ]
    parent = client.get_run(search["mlflow_run_id"])
    children = client.search_runs(
        ["1"], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
    )
    assert sorted(child.info.run_name for child in children) == [
        "trial 0",
        "trial 1",
        "trial 2",
    ]
    by_name = {child.info.run_name: child for child in children}
    for trial in trials:
        child = by_name[f"trial {trial['number']}"]
        assert child.data.tags["optuna.state"] == trial["state"]
        assert child.data.params["hidden_sizes"] == str(trial["params"]["hidden_sizes"])
    assert "reports/best_hyperparameters.json" in {
        a.path for a in client.list_artifacts(parent.info.run_id, "reports")
    }
    # A search registers no model.
    assert len(client.search_model_versions("name = '{{ cookiecutter.python_package }}'")) == len(
        versions_before
    )

    run_session(project_copy, runtime_params={"tuned": "true"})

    used = _latest(project_copy, "hyperparameters")
    assert used["source"] == f"tuning run {search['version']}"
    assert best["kind"] == used["model"]["kind"] == "mlp"
    assert used["model"]["mlp"]["hidden_sizes"] == best["values"]["hidden_sizes"]
    assert used["model"]["mlp"]["learning_rate"] == pytest.approx(
        best["values"]["learning_rate"]
    )
