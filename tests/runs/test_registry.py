"""The Model Registry: every completed training run registers its model; the challenger
gate moves the `champion` alias only for a better one; inference scores with the
champion; a rollback moves it back; prune keeps what the alias points at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from tests.conftest import NOT_COPIED, run_session

pytestmark = pytest.mark.slow
_WORSE = {
    "max_epochs: 4": "max_epochs: 1",
    "learning_rate: 0.01": "learning_rate: 0.00001",
}


def _records(project: Path) -> list[dict]:
    paths = sorted((project / "data/runs").glob("*.json"))
    return [json.loads(p.read_text()) for p in paths]


def _command(project: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _client(project: Path) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")


@pytest.fixture(scope="module")
def registered(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good model (the champion), then a deliberately worse one (one epoch, tiny
    learning rate), each trained by a completed run."""
    project = tmp_path_factory.mktemp("registry") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    training = project / "conf/test/parameters_model_engineering.yml"
    text = training.read_text()
    for good, bad in _WORSE.items():
        text = text.replace(good, bad)
    training.write_text(text)
    run_session(project)
    return project


def test_the_worse_model_is_registered_but_not_promoted(registered: Path) -> None:
    good, worse = _records(registered)
    client = _client(registered)

    assert (good["model_version"], good["champion"]) == ("1", True)
    assert (worse["model_version"], worse["champion"]) == ("2", False)
    champion = client.get_model_version_by_alias("ml_template", "champion")
    assert str(champion.version) == "1"
    assert champion.run_id == good["mlflow_run_id"]
    decision = json.loads(
        next(
            (registered / "data/08_reporting/promotion_decision.json").glob(
                f"{worse['version']}/*.json"
            )
        ).read_text()
    )
    assert decision["challenger_wins"] is False
    assert decision["champion_version"] == "1"
    assert decision["champion"] > decision["challenger"]
    run = client.get_run(worse["mlflow_run_id"])
    assert run.data.metrics["promotion.challenger.roc_auc"] == decision["challenger"]
    assert run.data.metrics["promotion.champion.roc_auc"] == decision["champion"]
    assert "the champion stays v1" in run.data.tags["promotion"]


def test_inference_scores_with_the_champion_and_rolls_back(
    registered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_session(registered, pipeline_names=["inference"])
    first = _records(registered)[-1]

    assert first["scored_with"] == "1"
    client = _client(registered)
    run = client.get_run(first["mlflow_run_id"])
    assert run.data.tags["champion.version"] == "1"
    # Inference runs have their own experiment, apart from training's.
    assert client.get_experiment(run.info.experiment_id).name == "ml_template_inference"
    assert run.info.run_name.startswith("inference 20")
    printed = capsys.readouterr().out
    assert f"Run {first['version']} (inference) completed" in printed
    assert "rows with champion v1" in printed
    assert f"MLflow run {first['mlflow_run_id']} (http://127.0.0.1:5000/#/" in printed

    run_session(registered, {"model_version": "2"}, pipeline_names=["inference"])
    assert _records(registered)[-1]["scored_with"] == "2"  # one run, alias unmoved
    assert (
        str(client.get_model_version_by_alias("ml_template", "champion").version) == "1"
    )

    said = _command(registered, "ml_template.runs.registry", "champion", "2")
    run_session(registered, pipeline_names=["inference"])

    assert "models:/ml_template@champion is now version 2" in said
    assert _records(registered)[-1]["scored_with"] == "2"
    listed = _command(registered, "ml_template.runs.registry", "list")
    assert "ml_template v2" in listed
    assert listed.splitlines()[-1].endswith("<- champion")
    _command(registered, "ml_template.runs.registry", "champion", "1")


def test_prune_keeps_the_newest_run_and_the_champion(registered: Path) -> None:
    records = _records(registered)
    good = records[0]
    partial = registered / "data/06_models/fitted_model/.fitted_model.0000.partial"
    partial.mkdir()  # a bundle's folder, torn by a killed save
    orphan = registered / "data/06_models/fitted_model/2000-01-01T00.00.00.000Z"
    orphan.mkdir()

    dry = _command(registered, "ml_template.runs.prune", "--keep", "1", "--dry-run")
    assert partial.exists()
    assert orphan.exists()
    client = _client(registered)
    versions = {
        str(v.version) for v in client.search_model_versions("name = 'ml_template'")
    }
    said = _command(registered, "ml_template.runs.prune", "--keep", "1")

    assert "Would delete" in dry
    assert "MB freed" in said
    assert not partial.exists()
    assert not orphan.exists()
    kept = [r["version"] for r in _records(registered)]
    assert kept == [good["version"], records[-1]["version"]]  # champion's, newest
    assert (registered / f"data/06_models/fitted_model/{good['version']}").is_dir()
    run_session(registered, pipeline_names=["inference"])  # the champion still serves
    assert _records(registered)[-1]["scored_with"] == "1"
    # MLflow is pruned with the data (here every version is still in a kept set).
    left = {
        str(v.version) for v in client.search_model_versions("name = 'ml_template'")
    }
    assert left == versions
    assert "Deleted in MLflow" in said


def test_a_challenger_of_another_kind_meets_the_champion_on_the_same_rows(
    tracked_trees,
) -> None:
    """Boosted trees challenge an MLP champion: the champion's bundle, loaded from the
    registry, is scored on the trees' test split through the same seam."""
    project, client, trees_run = tracked_trees
    mlp, trees = _records(project)
    decision = json.loads(
        next(
            (project / "data/08_reporting/promotion_decision.json").glob(
                f"{trees['version']}/*.json"
            )
        ).read_text()
    )
    mlp_run = client.get_run(mlp["mlflow_run_id"])

    assert decision["champion_version"] == "1"
    # The same split (one data set): the champion scores what its own run measured.
    assert decision["champion"] == pytest.approx(mlp_run.data.metrics["test.roc_auc"])
    assert decision["challenger"] == trees_run.data.metrics["test.roc_auc"]
    assert trees["model_version"] == "2"
    assert trees["champion"] == decision["challenger_wins"]
    version = client.get_model_version("ml_template", "2")
    assert version.run_id == trees["mlflow_run_id"]

    run_session(project, {"model_version": "2"}, pipeline_names=["inference"])

    inference = _records(project)[-1]
    assert inference["scored_with"] == "2"
    (path,) = (project / "data/07_model_output/inference/predictions.parquet").glob(
        f"{inference['version']}/*"
    )
    predictions = pd.read_parquet(path)
    assert predictions["probability_yes"].between(0, 1).all()
    assert "prediction_set" in predictions.columns


def test_an_empty_registry_says_how_to_train_the_first_model(
    project_copy: Path,
) -> None:
    listed = _command(project_copy, "ml_template.runs.registry", "list")

    assert listed.startswith("No model is registered as ml_template in sqlite:///")
    assert "`make run` trains one (the first becomes the champion)." in listed
