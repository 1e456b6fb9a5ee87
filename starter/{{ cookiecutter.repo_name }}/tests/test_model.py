"""The tabular MLP: shapes, probabilities, and a safe round trip."""

from __future__ import annotations

import pytest
import torch

from {{ cookiecutter.python_package }}.model import MLPConfig, TabularMLP, loss_function, probabilities


@pytest.mark.parametrize(("n_classes", "shape"), [(2, (5,)), (3, (5, 3))])
def test_logits_shape_follows_the_number_of_classes(
    n_classes: int, shape: tuple
) -> None:
    model = TabularMLP(
        MLPConfig(n_numeric=4, cardinalities=[3, 6], n_classes=n_classes)
    )

    logits = model(torch.randn(5, 4), torch.randint(0, 3, (5, 2)))
    proba = probabilities(logits)

    assert logits.shape == shape
    assert proba.shape == (5, n_classes)
    assert torch.allclose(proba.sum(dim=1), torch.ones(5))
    assert isinstance(loss_function(model.config), torch.nn.Module)


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
