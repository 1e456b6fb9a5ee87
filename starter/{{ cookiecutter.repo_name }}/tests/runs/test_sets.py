"""A run reads one completed run's set: never a crashed run's newer files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from {{ cookiecutter.python_package }}.runs import UnknownRunError
from tests.conftest import NOT_COPIED, run_session

pytestmark = pytest.mark.slow
CRASHED = "2999-01-01T00.00.00.000Z"  # newer than any real run


def _records(project: Path) -> list[dict]:
    paths = sorted((project / "data/runs").glob("*.json"))
    return [json.loads(p.read_text()) for p in paths]


@pytest.fixture(scope="module")
def trained(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project after one completed training run, plus a crashed run's file."""
    project = tmp_path_factory.mktemp("sets") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    torn = project / f"data/08_reporting/evaluation_metrics.json/{CRASHED}"
    torn.mkdir()
    (torn / "evaluation_metrics.json").write_text('{"torn": ')
    return project


def _load(project: Path, name: str, **params: str) -> object:
    bootstrap_project(project)
    with KedroSession.create(
        project_path=project, env="test", runtime_params=params or None
    ) as session:
        return session.load_context().catalog.load(name)


def test_the_catalog_reads_the_completed_set_not_the_newest_file(trained: Path) -> None:
    metrics = _load(trained, "evaluation_metrics")

    assert "model" in metrics  # the completed run's, not the torn newer file


def test_replays_read_the_set_of_the_last_run_that_made_them(trained: Path) -> None:
    training = _records(trained)[-1]

    run_session(trained, pipeline_names=["data_engineering"])
    engineering = _records(trained)[-1]
    run_session(trained, pipeline_names=["evaluation"])
    replay = _records(trained)[-1]

    # New splits make the trained model stale: the data run's set has no model...
    assert "test_set" in engineering["saved"]
    assert "fitted_model" not in engineering["datasets"]
    # ...so the replay evaluates the trained model on the test split it was made with.
    for name in ("fitted_model", "test_set"):
        assert replay["datasets"][name] == training["version"]
    assert replay["based_on"] == training["version"]


def test_an_older_run_is_read_when_named(trained: Path) -> None:
    first = _records(trained)[0]

    metrics = _load(trained, "evaluation_metrics", load_run=first["mlflow_run_id"])

    assert (
        metrics["model"]
        == json.loads(
            (
                trained
                / "data/08_reporting/evaluation_metrics.json"
                / first["version"]
                / "evaluation_metrics.json"
            ).read_text()
        )["model"]
    )
    with pytest.raises(UnknownRunError, match="No completed run has version"):
        _load(trained, "evaluation_metrics", load_run="nope")
