"""Tracking to a real MLflow server: a run, an inference and a prune against it.

`mlflow server` runs on 127.0.0.1 with its own SQLite store and artifact folder; the
project reaches it only through MLFLOW_TRACKING_URI, as a user's would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest

from tests.conftest import NOT_COPIED

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An MLflow tracking server on loopback, stopped with its workers after."""
    folder = tmp_path_factory.mktemp("server")
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mlflow")),
            "server",
            "--backend-store-uri",
            f"sqlite:///{folder / 'server.db'}",
            "--artifacts-destination",
            str(folder / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{uri}/health", timeout=2)  # noqa: S310
                break
            except OSError:
                assert process.poll() is None, "mlflow server ended"
                assert time.monotonic() < deadline, "mlflow server did not start"
                time.sleep(0.5)
        yield uri
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _run(project: Path, uri: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env={
            **os.environ,
            "MLFLOW_TRACKING_URI": uri,
            "KEDRO_DISABLE_TELEMETRY": "true",
            "GX_ANALYTICS_ENABLED": "false",
            "MLFLOW_DISABLE_TELEMETRY": "true",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_a_run_an_inference_and_a_prune_against_a_tracking_server(
    tiny_project: Path, tmp_path: Path, server: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)

    trained = _run(project, server, "kedro", "run", "--env", "test")
    scored = _run(
        project, server, "kedro", "run", "--env", "test", "--pipelines", "inference"
    )

    training, inference = (
        json.loads(p.read_text())
        for p in sorted((project / "data/runs").glob("*.json"))
    )
    client = mlflow.MlflowClient(tracking_uri=server)
    run = client.get_run(training["mlflow_run_id"])
    # The summary links the server's own UI; nothing was tracked locally.
    assert f"({server}/#/experiments/{run.info.experiment_id}/runs/" in trained
    assert "make mlflow" not in trained
    assert not (project / "mlflow.db").exists()
    champion = client.get_model_version_by_alias("{{ cookiecutter.python_package }}", "champion")
    assert str(champion.version) == training["model_version"] == "1"
    assert inference["scored_with"] == "1"
    assert "rows with champion v1" in scored
    assert (
        client.get_experiment(
            client.get_run(inference["mlflow_run_id"]).info.experiment_id
        ).name
        == "{{ cookiecutter.python_package }}_inference"
    )

    # A failed run on the server is pruned there (deleted; the server's gc purges).
    failed = client.create_run(run.info.experiment_id)
    client.set_terminated(failed.info.run_id, "FAILED")
    pruned = _run(project, server, "{{ cookiecutter.python_package }}.runs.prune", "--keep", "1")

    assert "Deleted in MLflow: 1 item(s)" in pruned
    assert client.get_run(failed.info.run_id).info.lifecycle_stage == "deleted"
    assert client.get_run(training["mlflow_run_id"]).info.lifecycle_stage == "active"
