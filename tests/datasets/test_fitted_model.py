"""The fitted bundle's dataset: one versioned folder of plain files, saved whole."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from kedro.io import DatasetError, Version

from ml_template.datasets import FittedModelDataset
from ml_template.models import FittedModel
from tests.conftest import KINDS, toy_contract, toy_model, toy_split

_V1, _V2, _V3 = (f"2026-01-0{day}T00.00.00.000Z" for day in (1, 2, 3))


def _fitted(kind: str = "mlp") -> FittedModel:
    fitted, _ = toy_model(toy_split(400, 0), toy_split(200, 1), toy_contract(), kind)
    return fitted.with_parts(
        calibration={"method": "temperature", "temperature": 1.3},
        decision_threshold={"threshold": 0.4},
        conformal={"method": "lac", "min_probability": 0.2},
        drift_reference={"numeric": {}},
    )


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_scores_the_same_with_every_part(kind: str, tmp_path: Path) -> None:
    fitted = _fitted(kind)
    dataset = FittedModelDataset(filepath=str(tmp_path / "fitted_model"))

    dataset.save(fitted)
    loaded = dataset.load()

    rows = toy_split(50, 2)
    np.testing.assert_array_equal(
        loaded.predict_proba(rows), fitted.predict_proba(rows)
    )
    for part in ("calibration", "decision_threshold", "conformal", "drift_reference"):
        assert getattr(loaded, part) == getattr(fitted, part)
    assert loaded.preprocessing == fitted.preprocessing


def test_the_folder_is_plain_files_a_person_can_read(tmp_path: Path) -> None:
    FittedModelDataset(filepath=str(tmp_path / "fitted_model")).save(_fitted())

    folder = tmp_path / "fitted_model"
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert names == [
        "bundle.json",
        "calibration.json",
        "conformal.json",
        "decision_threshold.json",
        "drift_reference.json",
        "model",
        "model/config.json",
        "model/weights.pt",
        "preprocessing.json",
    ]
    manifest = json.loads((folder / "bundle.json").read_text())
    assert manifest["kind_class"] == "ml_template.models.kinds.mlp.MLP"
    assert manifest["description"].startswith("An MLP")


def test_versions_are_kept_and_a_failed_save_leaves_nothing(tmp_path: Path) -> None:
    fitted = _fitted()
    for version in (_V1, _V2):
        FittedModelDataset(
            filepath=str(tmp_path / "m"), version=Version(None, version)
        ).save(fitted)
    broken = fitted.with_parts(calibration={"temperature": object()})  # not JSON

    with pytest.raises(DatasetError, match="not JSON serializable"):
        FittedModelDataset(
            filepath=str(tmp_path / "m"), version=Version(None, _V3)
        ).save(broken)

    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [_V1, _V2]
    assert not list((tmp_path / "m").rglob(".*"))  # no partial folder left
    latest = FittedModelDataset(
        filepath=str(tmp_path / "m"), version=Version(None, None)
    )
    assert latest.resolve_load_version() == _V2


def test_an_unversioned_bundle_is_replaced_whole(tmp_path: Path) -> None:
    first, second = (
        _fitted(),
        _fitted().with_parts(decision_threshold={"threshold": 0.7}),
    )
    dataset = FittedModelDataset(filepath=str(tmp_path / "fitted_model"))

    dataset.save(first)
    dataset.save(second)

    assert dataset.load().decision_threshold == {"threshold": 0.7}
    assert [p.name for p in tmp_path.iterdir()] == ["fitted_model"]  # nothing aside
