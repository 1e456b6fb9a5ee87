"""The run hooks find the model a run logged in the run's own store, and record what
each output was made from through datasets held in memory."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest
from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.runs.tracking import logged_model_uri
from {{ cookiecutter.python_package }}.runs.unit import lineage


class _Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context: object, model_input: list[str]) -> list[str]:
        return model_input


@pytest.fixture
def restore_tracking_uri() -> object:
    before = mlflow.get_tracking_uri()
    yield
    mlflow.set_tracking_uri(before)


def _store(path: Path) -> str:
    """Point MLflow at a new SQLite store; its experiment's id (the active one is left)."""
    mlflow.set_tracking_uri(f"sqlite:///{path}")
    return mlflow.MlflowClient().create_experiment("hooks")


@pytest.mark.usefixtures("restore_tracking_uri")
def test_a_model_logged_earlier_in_the_process_elsewhere_is_not_this_runs(
    tmp_path: Path,
) -> None:
    with mlflow.start_run(experiment_id=_store(tmp_path / "first.db")):
        mlflow.pyfunc.log_model(name="model", python_model=_Echo())

    experiment = _store(tmp_path / "second.db")
    with mlflow.start_run(experiment_id=experiment) as without_model:
        pass
    assert logged_model_uri(without_model.info.run_id) is None

    with mlflow.start_run(experiment_id=experiment) as with_model:
        logged = mlflow.pyfunc.log_model(name="model", python_model=_Echo())
    assert logged_model_uri(with_model.info.run_id) == logged.model_uri
    assert logged_model_uri(None) is None


def _step(*_: object) -> int:
    return 0


def test_lineage_reaches_through_memory_to_what_was_saved() -> None:
    pipeline = Pipeline(
        [
            Node(_step, ["train_set", "params:p"], "trained", name="train"),
            Node(_step, ["trained", "validation_set"], "fitted_model", name="fit"),
            Node(_step, "fitted_model", "metrics", name="evaluate"),
        ]
    )

    made_from = lineage(pipeline, {"train_set", "validation_set", "fitted_model"})

    assert made_from["fitted_model"] == ["train_set", "validation_set"]
    assert made_from["metrics"] == ["fitted_model"]  # saved: the chain stops there
