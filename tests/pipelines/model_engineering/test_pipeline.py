"""The default pipeline on tiny data: model, evaluation, and run-to-run determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kedro.io import Version

from ml_template.contract import Contract
from ml_template.datasets import FittedModelDataset
from ml_template.pipelines.evaluation.pipeline import (
    create_pipeline as evaluation_pipeline,
)
from ml_template.pipelines.model_engineering.pipeline import create_pipeline
from tests.conftest import KINDS, NOT_COPIED, run_session


def test_model_engineering_fits_one_bundle_without_the_test_split(
    contract: Contract,
) -> None:
    pipeline = create_pipeline(contract)

    assert pipeline.inputs() == {
        "train_set",
        "validation_set",
        "params:contract",
        "params:model_engineering",
        "params:evaluation",  # the conformal sets' confidence
        "params:monitoring",  # the drift reference's bins
        "tuned_hyperparameters",  # empty unless `--params tuned=true`
        # The quarantined shares the drift reference keeps, per source.
        *(f"{s}_{p}" for s in contract.sources for p in ("intermediate", "quarantine")),
    }
    persisted = {"hyperparameters", "training_history", "fitted_model"}
    assert persisted <= pipeline.all_outputs()
    assert pipeline.outputs() == {"training_history", "fitted_model"}
    fit = next(
        node
        for node in pipeline.nodes
        if node.name == "model_engineering.fit_preprocessing"
    )
    assert fit.inputs == ["train_set", "params:contract"]


def test_only_evaluation_reads_the_test_split(contract: Contract) -> None:
    readers = {
        node.name for node in evaluation_pipeline().nodes if "test_set" in node.inputs
    }

    # The challenger gate scores the registry's champion on the same test split;
    # permutation importance shuffles its columns.
    assert readers == {
        "evaluation.predict_test",
        "evaluation.predict_baselines",
        "evaluation.permutation_importances",
        "evaluation.challenge_champion",
    }
    assert "test_set" not in create_pipeline(contract).inputs()


def _metrics(project: Path) -> dict:
    (path,) = (project / "data/08_reporting/evaluation_metrics.json").glob("*/*.json")
    return json.loads(path.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_default_run_is_reproducible(
    kind: str, tiny_project: Path, tmp_path: Path
) -> None:
    runs = []
    for name in ("first", "second"):
        project = tmp_path / name
        shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
        run_session(project, {"model_engineering": {"model": {"kind": kind}}})
        runs.append(project)

    first, second = (_metrics(project)["model"] for project in runs)
    assert first == pytest.approx(second, rel=0, abs=1e-6)
    bundle = FittedModelDataset(
        filepath=str(runs[0] / "data/06_models/fitted_model"),
        version=Version(None, None),
    )
    assert bundle.load().model.__class__.__module__.endswith(kind)
    plots = {
        path.name for path in (runs[0] / "data/08_reporting/plots").glob("*/*/*.png")
    }
    assert plots == {
        "roc_curve.png",
        "precision_recall_curve.png",
        "calibration.png",
        "confusion_matrix.png",
        "training_curves.png",
        "feature_importance.png",
    }
