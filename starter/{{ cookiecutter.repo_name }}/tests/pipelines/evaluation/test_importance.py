"""Permutation importance names the columns the label depends on."""

from __future__ import annotations

import pytest

from {{ cookiecutter.python_package }}.pipelines.evaluation.importance import (
    permutation_importances,
    plot_importances,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.params import EvaluationParams
from tests.conftest import KINDS, toy_contract, toy_model, toy_split


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("classes", [["no", "yes"], ["a", "b", "c"]])
def test_the_signal_columns_matter_and_the_noise_does_not(classes, kind) -> None:
    contract = toy_contract(classes)
    train, validation = toy_split(1200, 0, classes), toy_split(400, 1, classes)
    test = toy_split(800, 2, classes)
    model, _ = toy_model(train, validation, contract, kind)
    params = EvaluationParams(importance={"n_repeats": 3, "max_rows": 500, "seed": 0})

    table = permutation_importances(test, model, contract, params)

    assert table["column"].tolist() == ["x", "colour", "noise"]  # label = 2x + colour
    importance = table.set_index("column")["importance"]
    assert importance["x"] > 0.2
    assert importance["colour"] > 0.02
    assert abs(importance["noise"]) < 0.01
    assert set(table["metric"]) == {"roc_auc" if len(classes) == 2 else "roc_auc_ovr"}

    axes = plot_importances(table).axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["noise", "colour", "x"]
    assert axes.get_xlabel().startswith("Drop in test ROC-AUC")
