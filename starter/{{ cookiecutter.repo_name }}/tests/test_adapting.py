"""The worked example of docs/adapting.md: the template trained on a second, differently
shaped dataset (learners of an online course, three classes, weekly events) through
configuration alone: `kedro run --env learners`."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from tests.conftest import PROJECT_ROOT, copy_project, run_session

pytestmark = pytest.mark.slow

ENV = PROJECT_ROOT / "conf" / "learners"
CLASSES = ["dropped", "completed", "certified"]


def test_the_example_is_configuration_only() -> None:
    files = [path for path in ENV.rglob("*") if path.is_file()]

    assert files
    assert {path.suffix for path in files} == {".yml"}
    sources = (PROJECT_ROOT / "src").rglob("*.py")
    assert not [path for path in sources if "learner" in path.read_text().lower()]


@pytest.fixture(scope="module")
def learners_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (bundled raw data included) after `--env learners`."""
    project = tmp_path_factory.mktemp("learners") / "project"
    copy_project(project, with_raw_data=True)
    run_session(project, env="learners")
    return project


def _latest(project: Path, relative: str) -> Path:
    (path,) = (project / "data/learners" / relative).glob("*/*")
    return path


def test_learners_train_and_evaluate_end_to_end(learners_run: Path) -> None:
    table = pd.read_parquet(_latest(learners_run, "03_primary/primary_table.parquet"))
    quarantine = pd.read_parquet(
        _latest(learners_run, "02_intermediate/quarantine/learners.parquet")
    )
    metrics = json.loads(
        _latest(learners_run, "08_reporting/evaluation_metrics.json").read_text()
    )

    assert len(table) == 2490  # 2,500 learners, 10 quarantined
    assert table["learner_id"].is_unique
    assert sorted(table["outcome"].unique()) == sorted(CLASSES)
    assert {"avg_minutes", "minutes_trend", "n_activity", "n_posts"} <= set(
        table.columns
    )
    causes = quarantine["quarantine_reason"].str.replace(r": '.*'$", "", regex=True)
    assert causes.value_counts().to_dict() == {
        "weekly_goal_hours: below 0": 5,
        "country: not in ['br', 'de', 'fr', 'in', 'us']": 5,
    }
    assert metrics["decision_threshold"] is None  # most probable of three classes
    model, logistic = metrics["model"], metrics["baselines"]["logistic"]
    assert model["roc_auc"] > metrics["baselines"]["majority"]["roc_auc"] + 0.15
    assert model["roc_auc"] > logistic["roc_auc"] - 0.03
    # Multi-class model science: every baseline, calibration, 90% sets of classes, the
    # importance of each input column, and no oracle (no true probabilities).
    assert set(metrics["baselines"]) == {"majority", "logistic", "boosted_trees"}
    assert metrics["oracle"] is None
    assert metrics["calibration"]["ece_after"] < 0.1
    sets, rows = metrics["conformal"], metrics["test_rows"]
    spread = 3 * (0.9 * 0.1 * (1 / sets["calibration_rows"] + 1 / rows)) ** 0.5
    assert sets["coverage"] == pytest.approx(0.9, abs=spread)
    assert 1.0 < sets["mean_set_size"] < len(CLASSES)
    importance = pd.read_csv(
        _latest(learners_run, "08_reporting/feature_importance.csv")
    )
    assert set(importance["metric"]) == {"roc_auc_ovr"}
    assert (
        _latest(learners_run, "08_reporting/model_card.md")
        .read_text()
        .startswith("# Model card: learners")
    )
    # The churn run's data folders are untouched: this environment writes its own.
    assert not (learners_run / "data/03_primary").exists()
    assert (learners_run / "data/learners/08_reporting/validation").is_dir()


def test_learners_model_is_tracked_and_serves_raw_rows(learners_run: Path) -> None:
    client = mlflow.MlflowClient(f"sqlite:///{learners_run / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("learners_example")
    (run,) = client.search_runs([experiment.experiment_id])
    (logged,) = client.search_logged_models([experiment.experiment_id])
    rows = (
        pd.read_parquet(_latest(learners_run, "03_primary/primary_table.parquet"))
        .drop(columns="outcome")
        .head(5)
        .astype(str)
    )

    predictions = mlflow.pyfunc.load_model(
        str(logged.artifact_location).removeprefix("file://")
    ).predict(rows)

    assert run.data.metrics["test.roc_auc"] > 0.6
    assert predictions["learner_id"].tolist() == rows["learner_id"].tolist()
    probabilities = predictions[[f"probability_{name}" for name in CLASSES]]
    assert probabilities.sum(axis=1).round(6).eq(1.0).all()
    assert set(predictions["predicted_outcome"]) <= set(CLASSES)
    for members in predictions["prediction_set"]:
        assert set(members) <= set(CLASSES)
