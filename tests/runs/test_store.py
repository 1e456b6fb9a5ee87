"""Two first runs at once in a fresh project: the embedded store is made once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest

# What a run does first: prepare the store, then open it (as kedro-mlflow does next).
_FIRST_RUN = """
import sys
import mlflow
from ml_template.config import TrackingSettings
from ml_template.runs.tracking import prepare_store
uri, name = sys.argv[1:]
prepare_store(TrackingSettings(tracking_uri=uri, experiment=name, model_name=name))
mlflow.MlflowClient(uri).create_experiment(name)
"""


@pytest.mark.slow
def test_concurrent_first_runs_both_open_a_fresh_store(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _FIRST_RUN, uri, f"run-{i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    ended = [(run.wait(timeout=300), run.communicate()[1]) for run in runs]

    # Without the lock two of three die in MLflow's schema migration (seen here).
    assert [code for code, _ in ended] == [0, 0, 0], [err[-800:] for _, err in ended]
    names = {e.name for e in mlflow.MlflowClient(uri).search_experiments()}
    assert {"run-0", "run-1", "run-2"} <= names
    assert (tmp_path / ".mlflow.db.lock").exists()
