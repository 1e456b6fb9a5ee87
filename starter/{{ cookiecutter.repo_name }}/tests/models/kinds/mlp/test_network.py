"""The MLP kind's network: shapes, logits, and a safe round trip."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from {{ cookiecutter.python_package }}.models import class_probabilities
from {{ cookiecutter.python_package }}.models.kinds.mlp.network import (
    MLPConfig,
    TabularMLP,
    logits,
    loss_function,
)


@pytest.mark.parametrize(("n_classes", "shape"), [(2, (5,)), (3, (5, 3))])
def test_logits_shape_follows_the_number_of_classes(
    n_classes: int, shape: tuple
) -> None:
    model = TabularMLP(
        MLPConfig(n_numeric=4, cardinalities=[3, 6], n_classes=n_classes)
    )
    numeric = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    codes = np.random.default_rng(1).integers(0, 3, (5, 2))

    raw = logits(model, numeric, codes)
    proba = class_probabilities(raw)

    assert raw.shape == shape
    assert proba.shape == (5, n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert isinstance(loss_function(model.config), torch.nn.Module)


def test_logits_of_no_rows_have_the_right_shape() -> None:
    model = TabularMLP(MLPConfig(n_numeric=2, cardinalities=[3], n_classes=3))

    raw = logits(model, np.zeros((0, 2), "float32"), np.zeros((0, 1), "int64"))

    assert raw.shape == (0, 3)


def test_embedding_sizes_follow_the_cardinalities() -> None:
    config = MLPConfig(
        n_numeric=1, cardinalities=[3, 40], n_classes=2, max_embedding_dim=8
    )

    assert config.embedding_dims() == [2, 8]


def test_artifact_holds_only_config_and_tensors() -> None:
    model = TabularMLP(MLPConfig(n_numeric=2, cardinalities=[4], n_classes=2))

    artifact = model.to_artifact()
    rebuilt = TabularMLP.from_artifact(artifact)

    assert set(artifact) == {"config", "state_dict"}
    for key, value in model.state_dict().items():
        assert torch.equal(rebuilt.state_dict()[key], value)
