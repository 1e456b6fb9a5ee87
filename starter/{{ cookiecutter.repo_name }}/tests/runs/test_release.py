"""Release: register, decide against the champion of now, move the alias, in one step."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest

from {{ cookiecutter.python_package }}.model_card import RunFacts
from {{ cookiecutter.python_package }}.runs.registry import champion_version, register, set_champion
from {{ cookiecutter.python_package }}.runs.release import release

NAME = "churn"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[mlflow.MlflowClient]:
    """A fresh store, the process's tracking URI while the test runs (as in a run:
    MLflow resolves a version's ``models:/`` source through it)."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    try:
        yield mlflow.MlflowClient(tracking_uri=uri)
    finally:
        mlflow.set_tracking_uri(None)
        os.environ.pop("MLFLOW_TRACKING_URI", None)


def _logged_model(client: mlflow.MlflowClient) -> tuple[str, str]:
    """A logged model of a new run: its URI and the run's id."""
    experiment = client.get_experiment_by_name("release") or client.get_experiment(
        client.create_experiment("release")
    )
    run = client.create_run(experiment.experiment_id)
    model = client.create_logged_model(
        experiment.experiment_id, source_run_id=run.info.run_id
    )
    return f"models:/{model.model_id}", run.info.run_id


def _facts(run_id: str) -> RunFacts:
    return RunFacts(
        run_version="2026-12-05T10.00.00.000Z",
        model_name=NAME,
        model_version=None,
        champion=False,
        mlflow_run_id=run_id,
        datasets={},
    )


def _decision(wins: bool, compared: str | None) -> dict:
    return {
        "metric": "roc_auc",
        "min_improvement": 0.0,
        "challenger": 0.91,
        "champion": None if compared is None else 0.88,
        "champion_version": compared,
        "challenger_wins": wins,
        "reason": "compared on the test split",
    }


def test_a_winner_takes_the_alias_and_the_run_says_so(
    client: mlflow.MlflowClient, tmp_path: Path
) -> None:
    uri, run_id = _logged_model(client)
    first = release(client, NAME, uri, _decision(True, None), _facts(run_id), tmp_path)
    uri, run_id = _logged_model(client)
    second = release(client, NAME, uri, _decision(True, "1"), _facts(run_id), tmp_path)

    assert (first.version, first.champion) == ("1", True)
    assert (second.version, second.champion) == ("2", True)
    assert champion_version(client, NAME) == "2"
    run = client.get_run(run_id)
    assert run.data.metrics["promotion.challenger.roc_auc"] == 0.91
    assert run.data.metrics["promotion.champion.roc_auc"] == 0.88
    assert run.data.tags["promotion"].startswith("churn v2 is the champion")


def test_a_loser_is_registered_and_the_champion_stays(
    client: mlflow.MlflowClient, tmp_path: Path
) -> None:
    uri, run_id = _logged_model(client)
    release(client, NAME, uri, _decision(True, None), _facts(run_id), tmp_path)
    uri, run_id = _logged_model(client)
    answer = release(client, NAME, uri, _decision(False, "1"), _facts(run_id), tmp_path)

    assert (answer.version, answer.champion) == ("2", False)
    assert champion_version(client, NAME) == "1"


def test_a_run_that_compared_against_an_older_champion_never_takes_the_alias(
    client: mlflow.MlflowClient, tmp_path: Path
) -> None:
    uri, run_id = _logged_model(client)
    release(client, NAME, uri, _decision(True, None), _facts(run_id), tmp_path)
    # Another run registered v2 and took the alias while this one evaluated against v1.
    newer = register(client, _logged_model(client)[0], NAME, {})
    set_champion(client, NAME, newer)
    uri, run_id = _logged_model(client)

    answer = release(client, NAME, uri, _decision(True, "1"), _facts(run_id), tmp_path)

    assert (answer.version, answer.champion) == ("3", False)
    assert champion_version(client, NAME) == "2"
    assert (
        "the champion stays v2, which took the alias after this run compared "
        in (client.get_run(run_id).data.tags["promotion"])
    )
