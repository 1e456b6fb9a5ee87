"""End to end: `kedro run` in a temporary copy of the project on the fixture, with the
example's data generated at the bundled size (15,000 customers, the same seed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from sklearn.metrics import roc_auc_score

from tests.conftest import copy_project

pytestmark = pytest.mark.slow


def kedro(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the kedro CLI of this environment in ``project``."""
    env = {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "GX_ANALYTICS_ENABLED": "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "kedro", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_kedro_run_end_to_end(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_project(project)
    generated = kedro(project, "run", "--pipelines", "synthetic")
    assert generated.returncode == 0, generated.stderr[-3000:]

    result = kedro(project, "run")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    printed = result.stdout + result.stderr
    # Quiet: no library warning reaches the log (src/{{ cookiecutter.python_package }}/quiet.py).
    assert "Warning:" not in printed, printed[:3000]
    assert "Downloading artifacts" not in printed
    # Outside a terminal: one plain line per record and one per node, not Rich's
    # 80-column wrapping nor Kedro's three lines per node.
    lines = printed.splitlines()
    progress = [
        line for line in lines if re.search(r"Completed \d+ of 24 tasks: ", line)
    ]
    assert len(progress) == 24, printed[-3000:]
    assert "Running node:" not in printed
    assert len(lines) <= 60, printed
    # The pages to open, as files (inside Kedro's version folders), not folders.
    (opened,) = [line for line in lines if line.startswith("  open: ")]
    pages = [project / page for page in opened.removeprefix("  open: ").split(", ")]
    assert [page.name for page in pages] == ["model_card.html", "gate_report.html"]
    assert all(page.is_file() for page in pages)
    assert "(hist_gradient_boosting), majority" in printed  # the summary names the kind
    # ... and each baseline's accuracy beside the model's, with how it decided.
    assert re.search(
        r"test accuracy 0\.\d{4} \(threshold 0\.\d\d: best validation F1\), "
        r"majority 0\.\d{4}, logistic 0\.\d{4}, boosted_trees 0\.\d{4}",
        printed,
    ), printed[-3000:]
    data = project / "data"
    for split in ("train_set", "validation_set", "test_set"):
        assert list(
            (data / "05_model_input").glob(f"{split}.parquet/*/{split}.parquet")
        )
    results = [
        json.loads(path.read_text())
        for path in (data / "08_reporting" / "validation").glob("*/*/*.json")
    ]
    assert len(results) == 10  # 3 raw, 3 intermediate, 1 primary, 3 splits
    assert all(result["success"] for result in results)

    _assert_model_quality(data, _last_run(data))
    # The other built-in kind on the same splits: the PyTorch MLP.
    mlp = kedro(
        project, "run", "--pipelines", "model_engineering,evaluation",
        "--params", "model_engineering.model.kind=mlp",
    )  # fmt: skip
    assert mlp.returncode == 0, mlp.stdout[-3000:] + mlp.stderr[-3000:]
    assert "(mlp), majority" in mlp.stdout + mlp.stderr  # the summary names the kind
    _assert_model_quality(data, _last_run(data))
    _execute_notebooks(project)
    _assert_inference_scores_new_customers(project)


def _last_run(data: Path) -> str:
    """The version of the newest completed run."""
    return sorted(path.stem for path in (data / "runs").glob("*.json"))[-1]


def _assert_inference_scores_new_customers(project: Path) -> None:
    """`kedro run --pipelines inference` scores the bundled unseen customers."""
    result = kedro(project, "run", "--pipelines", "inference")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (path,) = (project / "data/07_model_output/inference").glob(
        "predictions.parquet/*/*"
    )
    predictions = pd.read_parquet(path)
    raw = pd.read_csv(project / "data/01_raw/inference/customers.csv", dtype=str)
    assert set(predictions["customer_id"]) <= set(raw["customer_id"])
    assert len(predictions) >= 0.94 * raw["customer_id"].nunique()
    (quarantined,) = (project / "data/02_intermediate/inference/quarantine").glob(
        "customers.parquet/*/*"
    )
    reasons = pd.read_parquet(quarantined)["quarantine_reason"]
    assert len(predictions) + len(reasons) == len(raw)  # each row scored or set aside
    assert predictions["probability_yes"].between(0, 1).all()
    assert set(predictions["predicted_churned"]) == {"no", "yes"}


def _execute_notebooks(project: Path) -> None:
    """Every notebook runs headless, top to bottom, on the run's outputs, its first
    cell (loading the project) printing nothing, as under `make notebook`."""
    notebooks = sorted((project / "notebooks").glob("*.ipynb"))
    assert notebooks
    logging_config = str(project / "conf" / "logging.yml")
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells), (
            f"{path.name}: strip outputs"
        )
        # The kernel `make notebook` (kedro jupyter lab) registers, not plain Python.
        assert notebook.metadata.kernelspec.name == "kedro_{{ cookiecutter.python_package }}"
        with pytest.MonkeyPatch.context() as patch:  # the kernel inherits it
            patch.setenv("KEDRO_LOGGING_CONFIG", logging_config)
            NotebookClient(
                notebook,
                timeout=300,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        assert first.outputs == [], f"{path.name}: {first.outputs}"
    assert not (project / "notebooks" / "mlflow.db").exists()


def _assert_model_quality(data: Path, version: str) -> None:
    """The model beats logistic regression and nearly reaches the generator's truth."""
    (metrics_file,) = (data / "08_reporting" / "evaluation_metrics.json").glob(
        f"{version}/*.json"
    )
    metrics = json.loads(metrics_file.read_text())
    (predictions_file,) = (data / "07_model_output").glob(
        f"test_predictions.parquet/{version}/*"
    )
    predictions = pd.read_parquet(predictions_file)
    truth = pd.read_parquet(
        data / "01_raw" / "ground_truth" / "true_probabilities.parquet"
    ).set_index("customer_id")["probability_yes"]
    churned = predictions["churned"] == "yes"
    model, oracle = metrics["model"]["roc_auc"], metrics["oracle"]["roc_auc"]
    assert len(predictions) == metrics["test_rows"]
    assert model == pytest.approx(
        roc_auc_score(churned, predictions["probability_yes"])
    )
    assert oracle == pytest.approx(
        roc_auc_score(churned, truth.reindex(predictions["customer_id"]))
    )
    assert model >= oracle - 0.015
    assert model >= metrics["baselines"]["logistic"]["roc_auc"] + 0.01
    assert metrics["calibration"]["ece_after"] < 0.05
    # 90% conformal sets hold the true class for 90% of test customers, within three
    # standard errors of the coverage (calibration rows' and test rows' variation).
    sets, rows = metrics["conformal"], metrics["test_rows"]
    spread = 3 * (0.9 * 0.1 * (1 / sets["calibration_rows"] + 1 / rows)) ** 0.5
    assert sets["coverage"] == pytest.approx(0.9, abs=spread)
