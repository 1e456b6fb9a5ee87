"""Section 5: the logged MLflow model: its load in a fresh process, scoring raw
primary-table rows in-process (1, 100, 1,000 and 100,000 rows), and behind `make serve`
(``ml_template.serve``) on 127.0.0.1: single rows, and how soon a 50 MB body is
refused."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.entities import LoggedModelStatus

from benchmarks.common import QUIET_ENV, experiment_id, median

BATCHES = {1: 50, 100: 20, 1_000: 20, 100_000: 5}  # rows -> repetitions
REQUESTS = 200
LOADS = 3
OVERSIZED = 50_000_000  # bytes


def measure(project: Path) -> dict[str, Any]:
    """Latency and throughput of the project's last logged model."""
    # The served model refuses more than SERVING_MAX_ROWS rows per request (413); this
    # measures its throughput on one 100,000-row batch, so it raises the limit.
    os.environ["SERVING_MAX_ROWS"] = str(max(BATCHES))
    model_path = _last_logged_model(project)
    rows = _raw_rows(project)
    model = mlflow.pyfunc.load_model(model_path)
    in_process = {}
    for size, repetitions in BATCHES.items():
        batch = _rows(rows, size)
        model.predict(batch)  # warm-up
        seconds = []
        for _ in range(repetitions):
            started = time.perf_counter()
            model.predict(batch)
            seconds.append(time.perf_counter() - started)
        in_process[str(size)] = {
            "rows": size,
            "repetitions": repetitions,
            "median_ms": median(seconds) * 1000,
            "rows_per_s": size / median(seconds),
        }
    return {
        "model": model_path,
        "load_s": _load_seconds(model_path),
        "in_process": in_process,
        "served": _served(project, model_path, rows),
    }


def _load_seconds(model_path: str) -> dict[str, float]:
    """Median seconds, in a fresh process each time, to import MLflow and then to
    load the model: ``mlflow.pyfunc.load_model`` as is, and as ``make serve`` calls
    it (``suppress_warnings=True``: the requirements check runs after start-up)."""
    script = (
        "import sys, time, json; started = time.perf_counter(); import mlflow; "
        "imported = time.perf_counter(); mlflow.pyfunc.load_model(sys.argv[1], "
        "suppress_warnings=sys.argv[2] == 'quiet'); print(json.dumps([imported - "
        "started, time.perf_counter() - imported]))"
    )
    runs = {
        how: [
            json.loads(
                subprocess.run(  # noqa: S603
                    [sys.executable, "-c", script, model_path, how],
                    env={**os.environ, **QUIET_ENV}, capture_output=True, text=True,
                    check=True,
                ).stdout.strip().splitlines()[-1]
            )
            for _ in range(LOADS)
        ]
        for how in ("default", "quiet")
    }  # fmt: skip
    return {
        "import_mlflow_s": median([r[0] for r in runs["default"]]),
        "load_model_s": median([r[1] for r in runs["default"]]),
        "load_model_serve_s": median([r[1] for r in runs["quiet"]]),
    }


def _rows(rows: pd.DataFrame, size: int) -> pd.DataFrame:
    """``size`` rows; copies of the table if it is short, ids renumbered to stay unique
    (and to keep the contract's id pattern)."""
    copies = pd.concat([rows] * -(-size // len(rows)), ignore_index=True).head(size)
    return copies.assign(customer_id=[f"C{number:07d}" for number in range(size)])


def _served(project: Path, model_path: str, rows: pd.DataFrame) -> dict[str, Any]:
    """Median and 95th percentile of single-row requests, each on a new connection,
    to ``make serve``'s app; and the seconds until a 50 MB body is refused (413)."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "ml_template.serve", "--model-uri", model_path,
         "--port", str(port)],
        cwd=project, env={**os.environ, **QUIET_ENV}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        started = time.perf_counter()
        _wait_until_up(port, process)
        startup = time.perf_counter() - started
        bodies = [_body(rows.iloc[[i]]) for i in range(REQUESTS)]
        _post(port, bodies[0])  # warm-up
        seconds = []
        for body in bodies:
            started = time.perf_counter()
            _post(port, body)
            seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        status = _post(port, b" " * OVERSIZED, expect=413)
        refused = time.perf_counter() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return {
        "requests": REQUESTS,
        "startup_s": startup,
        "median_ms": median(seconds) * 1000,
        "p95_ms": float(np.percentile(seconds, 95)) * 1000,
        "oversized_bytes": OVERSIZED,
        "oversized_status": status,
        "oversized_s": refused,
    }


def _last_logged_model(project: Path) -> str:
    client = mlflow.MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    models = client.search_logged_models(
        [experiment_id(client, "ml_template")],
        order_by=[{"field_name": "creation_time", "ascending": False}],
    )
    # Never one still being written, or left unfinished by a killed run.
    ready = [m for m in models if m.status == LoggedModelStatus.READY]
    return ready[0].artifact_location.removeprefix("file://")


def _raw_rows(project: Path) -> pd.DataFrame:
    """Primary-table rows as an export sends them: every value as text, blank if missing."""
    path = sorted((project / "data/03_primary/primary_table.parquet").glob("*/*"))[-1]
    frame = pd.read_parquet(path).drop(columns="churned")
    return frame.astype(str).where(frame.notna(), "")


def _body(frame: pd.DataFrame) -> bytes:
    return json.dumps({"dataframe_split": frame.to_dict(orient="split")}).encode()


def _post(port: int, body: bytes, expect: int = 200) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read()
    if status != expect:
        raise RuntimeError(f"HTTP {status}: {answer[:500]!r}")
    return status


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("ml_template.serve exited") from None
            time.sleep(0.25)
    raise RuntimeError("ml_template.serve did not answer within 120 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
