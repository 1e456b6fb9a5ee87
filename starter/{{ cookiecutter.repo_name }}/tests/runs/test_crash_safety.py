"""Runs as units, with real processes: killed runs, concurrent runs.

Each scenario runs ``kedro run`` as a separate process on the tiny project, kills it
with SIGKILL at a chosen point (found by watching the files and the MLflow store it
writes) and checks what the next run reads and what the store says.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import torch

from tests.conftest import NOT_COPIED

pytestmark = pytest.mark.slow

_ENV = {
    **os.environ,
    "KEDRO_DISABLE_TELEMETRY": "true",
    "GX_ANALYTICS_ENABLED": "false",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "TMPDIR": tempfile.mkdtemp(prefix="crash-tmp-"),
}


def _start(project: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kedro", "run", "--env", "test", *args],
        cwd=project,
        env=_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _run(project: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kedro", "run", "--env", "test", *args],
        cwd=project,
        env=_ENV,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _kill_when(process: subprocess.Popen[bytes], reached: Callable[[], bool]) -> None:
    """SIGKILL ``process`` as soon as ``reached()``; fail if it ends first."""
    deadline = time.monotonic() + 300
    while not reached():
        assert process.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _records(project: Path) -> list[dict]:
    return [
        json.loads(p.read_text())
        for p in sorted((project / "data/runs").glob("*.json"))
    ]


def _new_version_of(project: Path, pattern: str, known: str) -> Callable[[], bool]:
    """True once a version other than ``known`` of a dataset file exists."""
    return lambda: any(p.parent.name != known for p in (project / "data").glob(pattern))


def _logged_models(project: Path) -> int:
    try:
        with sqlite3.connect(f"file:{project / 'mlflow.db'}?mode=ro", uri=True) as db:
            return db.execute("select count(*) from logged_models").fetchone()[0]
    except sqlite3.OperationalError:  # locked by the writer for a moment
        return 0


def _assert_no_torn_file(project: Path) -> None:
    """Every file under a final name in data/ reads whole (a hidden ``.partial``
    file or folder is a save in progress, never read)."""
    for path in (project / "data").rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(project).parts)
        if not path.is_file() or hidden or "01_raw" in path.parts:
            continue
        if path.suffix == ".parquet":
            pd.read_parquet(path)
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".pt":
            torch.load(path, weights_only=True)


@pytest.fixture(scope="module")
def trained(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny project after one completed training run."""
    project = tmp_path_factory.mktemp("crash") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    _run(project)
    return project


def test_killed_runs_are_never_read_and_leave_no_zombie(trained: Path) -> None:
    project = trained
    (completed,) = _records(project)
    good = completed["version"]

    points = {
        "data engineering": _new_version_of(
            project, "02_intermediate/customers.parquet/*/customers.parquet", good
        ),
        "training": _new_version_of(
            project, "06_models/training_history.json/*/training_history.json", good
        ),
        "model logging": lambda: _logged_models(project) > 1,
    }
    for reached in points.values():
        _kill_when(_start(project), reached)

    # The killed training and logging runs left files newer than the good run's.
    assert (
        sorted((project / "data/06_models/training_history.json").iterdir())[-1].name
        != good
    )
    assert [r["version"] for r in _records(project)] == [good]
    # No copy of the model's files was staged for logging: nothing of it is left.
    assert not list(Path(_ENV["TMPDIR"]).glob("logged-model-*"))

    _run(project, "--pipelines", "inference")

    inference = _records(project)[-1]
    assert inference["pipelines"] == ["inference"]
    assert inference["datasets"]["fitted_model"] == good
    _assert_no_torn_file(project)
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    try:
        client = mlflow.MlflowClient()
        experiments = [e.experiment_id for e in client.search_experiments()]
        statuses = [r.info.status for r in client.search_runs(experiments)]
        models = client.search_logged_models(experiments)
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    assert "RUNNING" not in statuses
    assert statuses.count("KILLED") >= 2  # training and logging ran tracked
    assert sorted(str(m.status) for m in models) == ["FAILED", "READY"]
    with sqlite3.connect(project / "mlflow.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_two_concurrent_runs_commit_distinct_complete_sets(trained: Path) -> None:
    project = trained
    before = {r["version"] for r in _records(project)}
    first = _start(project)
    second = _start(project, "--params", "run_name=second-run")

    assert first.wait(timeout=600) == 0
    assert second.wait(timeout=600) == 0

    new = [r for r in _records(project) if r["version"] not in before]
    assert len(new) == 2
    for record in new:
        assert {"train_set", "fitted_model", "evaluation_metrics"} <= set(
            record["saved"]
        )
        assert {record["datasets"][n] for n in record["saved"]} == {record["version"]}
        model_id = record["model_uri"].removeprefix("models:/")
        # The logged model packs this run's bundle only, not every version on disk.
        (folder,) = (project / "mlruns").glob(
            f"*/models/{model_id}/artifacts/artifacts/fitted_model"
        )
        saved = (
            project / "data/06_models/fitted_model" / record["version"] / "fitted_model"
        )
        packed = sorted(p.relative_to(folder) for p in folder.rglob("*"))
        assert packed == sorted(p.relative_to(saved) for p in saved.rglob("*"))
        assert (folder / "model").is_dir()
        for name in ("bundle.json", "calibration.json", "drift_reference.json"):
            assert (folder / name).read_text() == (saved / name).read_text()
    client = mlflow.MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    runs = {r["mlflow_run_id"]: client.get_run(r["mlflow_run_id"]) for r in new}
    names = sorted(run.info.run_name for run in runs.values())
    commands = sorted(run.data.tags["kedro_command"] for run in runs.values())
    # Named by pipeline, start and commit (no git in the copy), or as asked.
    assert names[0].startswith("__default__ 20") and names[0].endswith(" no-git")
    assert names[1] == "second-run"
    assert commands == [
        "kedro run --env test",
        "kedro run --env test --params run_name=second-run",
    ]
