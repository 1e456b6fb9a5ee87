"""The MLflow model logged by a training run takes primary-table rows as they arrive
and returns predictions, in-process and behind `make serve` (``ml_template.serve``) on
loopback; it refuses what training would quarantine, with a 400 naming the row, rule
and value, and bodies too large, malformed or nested too deeply, without a traceback."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from tests.conftest import KINDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=KINDS)
def logged_model(request: pytest.FixtureRequest) -> str:
    """The model a training run logged, of each kind (the trees' run challenged an
    MLP champion before it)."""
    tracked = "tracked" if request.param == "mlp" else "tracked_trees"
    _, client, run = request.getfixturevalue(tracked)
    (model,) = client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )
    return str(Path(model.artifact_location.removeprefix("file://")))


@pytest.fixture(scope="module")
def rows(tracked) -> pd.DataFrame:
    """Primary-table rows as an export would send them: all text, messy casing."""
    project, _, _ = tracked
    (path,) = (project / "data/03_primary/primary_table.parquet").glob("*/*")
    frame = pd.read_parquet(path).drop(columns="churned").head(4)
    frame = frame.astype(str).where(frame.notna(), "")
    frame["signup_date"] = frame["signup_date"].str[:10]
    frame.loc[0, "contract"] = " MONTH-TO-MONTH "
    frame.loc[1, "monthly_charges"] = ""
    return frame


def test_logged_model_predicts_raw_rows_in_process(
    logged_model: str, rows: pd.DataFrame
) -> None:
    model = mlflow.pyfunc.load_model(logged_model)

    predictions = model.predict(rows)

    assert predictions["customer_id"].tolist() == rows["customer_id"].tolist()
    assert predictions["probability_yes"].between(0, 1).all()
    assert set(predictions["predicted_churned"]) <= {"no", "yes"}
    # The conformal set beside the probabilities: at 90%, above the model's accuracy,
    # it always holds the more probable class, and both when the model hesitates.
    likelier = np.where(predictions["probability_yes"] >= 0.5, "yes", "no")
    for members, top in zip(predictions["prediction_set"], likelier, strict=True):
        assert top in list(members)
        assert set(members) <= {"no", "yes"}


def test_logged_model_runs_the_quiet_runner(
    logged_model: str, rows: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    model = mlflow.pyfunc.load_model(logged_model)
    runner = model.unwrap_python_model().runner
    kedro_level = logging.getLogger("kedro").level
    caplog.clear()  # loading the model logged its artifacts' loads

    with caplog.at_level(logging.INFO):
        model.predict(rows)
        with pytest.raises(ValueError, match="not a number"):
            model.predict(rows.assign(age="forty"))  # the caller's error, not the log's

    # kedro-mlflow reuses the model's runner only under the default class name.
    assert (type(runner).__module__, type(runner).__name__) == (
        "ml_template.serving",
        "SequentialRunner",
    )
    # Kedro's runner logs under its class's module: this package's for this runner.
    runners = ("kedro", "ml_template.serving")
    assert not [r for r in caplog.records if r.name.startswith(runners)]
    assert logging.getLogger("kedro").level == kedro_level


def test_logged_model_refuses_malformed_rows_clearly(
    logged_model: str, rows: pd.DataFrame
) -> None:
    model = mlflow.pyfunc.load_model(logged_model)
    bad = rows.copy()
    bad.loc[2, "age"] = "forty"

    with pytest.raises(
        ValueError, match=r"row 2 \(customer_id 'C\d+'\): age: not a number: 'forty'"
    ):
        model.predict(bad)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _strict_json(text: bytes) -> dict:
    """JSON as the standard has it: NaN or Infinity in a response is an error."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} in a JSON response")

    return json.loads(text, parse_constant=refuse)


def _post(port: int, frame: pd.DataFrame) -> tuple[int, dict]:
    body = json.dumps({"dataframe_split": frame.to_dict(orient="split")}).encode()
    return _send(port, body)


def _send(
    port: int, body: bytes, content_type: str = "application/json"
) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations",
        data=body,
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, _strict_json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _strict_json(error.read())


@pytest.fixture(scope="module", params=KINDS)
def server(request: pytest.FixtureRequest):
    """The registry's champion served as the README says (``make serve``, in the
    project); the trees by their registered version (they challenged an MLP
    champion)."""
    trees = request.param != "mlp"
    project, _, _ = request.getfixturevalue("tracked_trees" if trees else "tracked")
    port = _free_port()
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}",
        "SERVING_MAX_ROWS": "50",
        "SERVING_MAX_BYTES": "1000000",
    }
    log = (project / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "ml_template.serve", "--port", str(port),
         *(["--model-uri", "models:/ml_template/2"] if trees else [])],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, (project / "serve.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("ml_template.serve did not answer within 120 s")
        yield port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def test_served_model_answers_raw_rows(server: int, rows: pd.DataFrame) -> None:
    status, answer = _post(server, rows)

    assert status == 200
    predictions = pd.DataFrame(answer["predictions"])
    assert predictions["customer_id"].tolist() == rows["customer_id"].tolist()
    assert predictions["probability_yes"].between(0, 1).all()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda f: f.assign(age=["forty", "41", "42", "43"]),
            "age: not a number: 'forty'",
        ),
        (lambda f: f.drop(columns="contract"), "lack the columns ['contract']"),
        (lambda f: f.assign(customer_id=""), "row 0: customer_id: missing"),
        (
            lambda f: f.assign(tenure_months=["-1", "2", "3", "4"]),
            "row 0 (customer_id 'C0",
        ),
        (lambda f: f.assign(age=["500", "41", "42", "43"]), "age: above 110: '500'"),
        (
            lambda f: f.assign(monthly_charges=["inf", "", "", ""]),
            "monthly_charges: not a finite number: 'inf'",
        ),
        (lambda f: f.assign(age=["1e308", "41", "42", "43"]), "too large for float32"),
    ],
    ids=[
        "unreadable number",
        "missing column",
        "blank id",
        "negative tenure",
        "age 500",
        "infinite",
        "overflowing",
    ],
)
def test_served_model_refuses_malformed_rows_with_a_400(
    server: int, rows: pd.DataFrame, change, expected: str
) -> None:
    status, answer = _post(server, change(rows))

    assert status == 400
    assert expected in answer["message"]
    assert "stack_trace" not in answer
    assert len(answer["message"]) < 2000  # rows and rules, never the input frame


def test_served_model_refuses_a_request_over_the_size_limit_with_a_413(
    server: int, rows: pd.DataFrame
) -> None:
    status, answer = _post(server, pd.concat([rows] * 13, ignore_index=True))

    assert status == 413
    assert (
        "52 rows in one request; the limit is 50 (SERVING_MAX_ROWS)"
        in answer["message"]
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (lambda f: {"instances": f.to_dict(orient="records")}, "records"),
        (lambda f: {"inputs": f.to_dict(orient="list")}, "columns"),
        (lambda f: {"dataframe_records": f.to_dict(orient="records")}, "records"),
    ],
    ids=["instances", "inputs", "dataframe_records"],
)
def test_served_model_reads_every_mlflow_json_format(
    server: int, rows: pd.DataFrame, body, expected: str
) -> None:
    _, split = _post(server, rows)

    status, answer = _send(server, json.dumps(body(rows)).encode())

    assert status == 200, answer
    assert answer == split


def test_served_model_reads_csv(server: int, rows: pd.DataFrame) -> None:
    _, split = _post(server, rows)

    status, answer = _send(server, rows.to_csv(index=False).encode(), "text/csv")

    assert status == 200, answer
    assert [p["customer_id"] for p in answer["predictions"]] == [
        p["customer_id"] for p in split["predictions"]
    ]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("avg_data_gb", "-5", "avg_data_gb: below 0: '-5'"),
        ("n_tickets", "-3", "n_tickets: below 0: '-3'"),
        ("avg_satisfaction", "9", "avg_satisfaction: above 5: '9'"),
        ("avg_call_minutes", "1e39", "avg_call_minutes: too large for float32"),
    ],
)
def test_served_model_checks_aggregates_as_training_does(
    server: int, rows: pd.DataFrame, column: str, value: str, expected: str
) -> None:
    changed = rows.copy()
    changed.loc[0, column] = value

    status, answer = _post(server, changed)

    assert status == 400
    assert expected in answer["message"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"dataframe_split": {', "The body is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        (b"[1, 2]", "must be an object"),
        ('{"x": "\u00e9"}'.encode("latin-1"), "not UTF-8"),
        (b'{"rows": []}', "dataframe_split"),
    ],
    ids=["truncated", "deep list", "deep object", "a list", "latin-1", "no format"],
)
def test_served_model_refuses_unreadable_bodies_with_a_400(
    server: int, body: bytes, expected: str
) -> None:
    status, answer = _send(server, body)

    assert status == 400
    assert expected in answer["message"]
    assert "Traceback" not in answer["message"]
    assert "stack_trace" not in answer


def test_served_model_refuses_a_body_over_the_byte_limit_with_a_413(
    server: int,
) -> None:
    # 2.4 MB: the server reads and drops up to four times its limit, so that a client
    # that sends its whole body before reading the answer gets the 413.
    body = b'{"dataframe_split": {"data": [' + b'["x"],' * 400_000 + b"]}}"

    status, answer = _send(server, body)

    assert status == 413
    assert "the limit is 1,000,000 (SERVING_MAX_BYTES)" in answer["message"]


def test_served_model_keeps_mlflows_other_routes(server: int) -> None:
    for route in ("ping", "health", "version"):
        with urllib.request.urlopen(f"http://127.0.0.1:{server}/{route}") as answer:
            assert answer.status == 200


def test_logged_model_pins_what_it_imports(logged_model: str) -> None:
    requirements = (Path(logged_model) / "requirements.txt").read_text().split()

    names = {line.split("==")[0] for line in requirements}
    assert {"torch", "skops", "kedro", "kedro-mlflow", "pandas", "mlflow"} <= names
    assert not [name for name in names if name.replace("_", "-") == "ml-template"]
    code = Path(logged_model) / "code" / "ml_template" / "models"
    assert (code / "kinds" / "hist_gradient_boosting.py").is_file()
    assert (code / "kinds" / "mlp" / "network.py").is_file()
