"""The model dataset saves weights and config, and loads them without unpickling code."""

from __future__ import annotations

from pathlib import Path

import torch
from kedro.io import Version

from {{ cookiecutter.python_package }}.datasets import TorchModelDataset
from {{ cookiecutter.python_package }}.model import MLPConfig, TabularMLP


def test_round_trip_is_exact_and_weights_only(tmp_path: Path) -> None:
    model = TabularMLP(MLPConfig(n_numeric=3, cardinalities=[5], n_classes=3))
    dataset = TorchModelDataset(filepath=str(tmp_path / "model.pt"))

    dataset.save(model)
    loaded = dataset.load()

    assert loaded.config == model.config
    numeric, codes = torch.randn(4, 3), torch.randint(0, 5, (4, 1))
    assert torch.equal(loaded(numeric, codes), model.eval()(numeric, codes))
    # What is on disk loads under torch's safe unpickler.
    torch.load(tmp_path / "model.pt", weights_only=True)


def test_versions_are_kept(tmp_path: Path) -> None:
    model = TabularMLP(MLPConfig(n_numeric=1, cardinalities=[], n_classes=2))
    for version in ("2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"):
        TorchModelDataset(
            filepath=str(tmp_path / "m.pt"), version=Version(None, version)
        ).save(model)

    assert len(list((tmp_path / "m.pt").iterdir())) == 2
    assert TorchModelDataset(
        filepath=str(tmp_path / "m.pt"), version=Version(None, None)
    ).exists()
