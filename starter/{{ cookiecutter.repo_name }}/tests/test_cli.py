"""The project's ``kedro run``: bad data ends the run with its message alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from kedro.io import DatasetError
from kedro_mlflow.pipeline.pipeline_ml import KedroMlflowPipelineMLError

from {{ cookiecutter.python_package }}.cli import SHOW_TRACEBACK, node_error, short_message
from {{ cookiecutter.python_package }}.contract.cleaning import ContractError
from {{ cookiecutter.python_package }}.runs.records import UnknownRunError


def test_a_contract_error_is_its_message() -> None:
    message = short_message(ContractError("usage_raw has no rows."))

    assert message is not None
    assert message.startswith("usage_raw has no rows.")
    assert f"{SHOW_TRACEBACK}=1" in message


def test_a_wrapped_user_error_keeps_the_dataset_name() -> None:
    try:
        try:
            raise UnknownRunError("no completed search: run `make tune` first")
        except UnknownRunError as cause:
            raise DatasetError(f"tuned_hyperparameters: {cause}") from cause
    except DatasetError as error:
        message = short_message(error)

    assert message is not None
    assert message.startswith("tuned_hyperparameters: no completed search")


def test_an_unexpected_error_keeps_its_traceback() -> None:
    assert short_message(KeyError("model")) is None
    assert short_message(DatasetError("cannot read parquet")) is None


def test_a_nodes_error_is_not_hidden_by_kedro_mlflows_pipeline_check() -> None:
    """After a node fails, Kedro's runner filters the pipeline to suggest a resume,
    which kedro-mlflow's training pipeline refuses: the node's error is the one."""
    try:
        try:
            raise RuntimeError("a bug in plot_importances")
        except RuntimeError:
            raise KedroMlflowPipelineMLError("inputs are free") from None
    except KedroMlflowPipelineMLError as raised:
        shown = node_error(raised)

    assert isinstance(shown, RuntimeError)
    assert str(shown) == "a bug in plot_importances"
    alone = KedroMlflowPipelineMLError("a real inconsistency")
    assert node_error(alone) is alone


def test_show_traceback_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SHOW_TRACEBACK, "1")

    assert short_message(ContractError("bad")) is None


def _run(
    project: Path, pipeline: str = "data_engineering", **env: str
) -> subprocess.CompletedProcess[str]:
    command = ("run", "--env", "test", "--pipelines", pipeline)
    # The project's own store: an earlier in-process session of this test process may
    # have exported another project's (mlflow.set_tracking_uri does).
    inherited = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    return subprocess.run(
        [sys.executable, "-m", "kedro", *command],
        cwd=project,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_a_failed_gate_ends_the_run_with_its_message(project_copy: Path) -> None:
    customers = project_copy / "data" / "01_raw" / "customers.csv"
    customers.write_text(customers.read_text().splitlines()[0] + "\n")

    short = _run(project_copy)
    full = _run(project_copy, **{SHOW_TRACEBACK: "1"})

    assert short.returncode == 1
    assert "Error: Validation failed for dataset 'customers_raw'" in short.stderr
    assert "expect_table_row_count_to_be_between" in short.stderr
    assert "(conf/base/contract.yml)" in short.stderr  # the file the run read
    assert "(conf/base/expectations/customers_raw.yml)" in short.stderr
    assert "<env>" not in short.stderr
    assert "Traceback" not in short.stdout + short.stderr
    assert len((short.stdout + short.stderr).splitlines()) < 30
    assert full.returncode == 1
    assert "Traceback" in full.stdout + full.stderr


@pytest.mark.slow
def test_a_raw_file_in_another_encoding_ends_the_run_with_the_fix(
    project_copy: Path,
) -> None:
    customers = project_copy / "data" / "01_raw" / "customers.csv"
    lines = customers.read_text().splitlines()
    lines[5] = lines[5].replace(",", ",ø", 1)
    customers.write_bytes("\n".join(lines).encode("latin-1"))

    short = _run(project_copy)

    output = short.stdout + short.stderr
    assert short.returncode == 1
    assert "is not UTF-8 text: line 6 holds the byte 0xf8" in short.stderr
    assert "under customers_raw in conf/base/catalog_sources.yml" in short.stderr
    assert "Traceback" not in output
    assert len(output.splitlines()) < 30


@pytest.mark.slow
def test_scoring_before_any_training_stops_before_cleaning(project_copy: Path) -> None:
    result = _run(project_copy, "inference")

    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "No model holds the registry's `champion` alias yet" in result.stderr
    assert "Completed 1 of" not in output  # no source was cleaned first
    assert "Traceback" not in output
    assert len(output.splitlines()) < 30


@pytest.mark.slow
def test_a_failed_training_run_prints_its_error_once(project_copy: Path) -> None:
    customers = project_copy / "data" / "01_raw" / "customers.csv"
    frame = pd.read_csv(customers, dtype=str, keep_default_na=False)
    frame.loc[frame.index % 3 == 0, "age"] = "forty"  # a third of the rows
    frame.to_csv(customers, index=False)

    result = _run(project_copy, "__default__")

    printed = result.stdout + result.stderr
    assert result.returncode == 1
    # The node's error once, as the command's last word: no node-failure log with
    # it before, no kedro-mlflow lines about closing the MLflow run.
    assert printed.count("rows quarantined, more than") == 1, printed
    assert "was closed because of an error" not in printed
    assert "Creating initial MLflow database tables" not in printed
    assert len(printed.splitlines()) <= 8, printed
