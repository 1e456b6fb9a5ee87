"""Single-prediction explanations: Shapley values that add up, on the right columns,
for every kind."""

from __future__ import annotations

import numpy as np
import pytest

from {{ cookiecutter.python_package }}.explain import explain
from {{ cookiecutter.python_package }}.models import ModelInputs, class_probabilities
from tests.conftest import KINDS, toy_contract, toy_model, toy_split


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("classes", [["no", "yes"], ["a", "b", "c"]])
def test_contributions_add_up_to_the_probability_and_name_the_signal(
    classes, kind
) -> None:
    contract = toy_contract(classes)
    train, validation = toy_split(800, 0, classes), toy_split(300, 1, classes)
    model, _ = toy_model(train, validation, contract, kind)
    model = model.with_parts(calibration={"temperature": 1.5})
    rows = validation.head(20)

    table = explain(rows, model, contract.table)

    assert len(table) == 20 * 3  # x, noise, colour per row
    inputs = model.inputs(rows)
    at_reference = ModelInputs(
        np.zeros_like(inputs.numeric),
        np.zeros_like(inputs.categorical),
        inputs.cardinalities,
    )
    reference = class_probabilities(model.model.predict_raw(at_reference), 1.5)
    for _, row in table.groupby("id", sort=False):
        explained = contract.table.classes.index(row["class"].iloc[0])
        total = row["contribution"].sum()
        assert total == pytest.approx(
            row["probability"].iloc[0] - float(reference[0, explained]), abs=1e-5
        )
        assert row["column"].iloc[0] in {"x", "colour"}  # largest first
    mean = table.groupby("column")["contribution"].apply(lambda c: np.abs(c).mean())
    assert mean["noise"] < mean["x"] / 5
    assert set(table["value"][table["column"] == "colour"]) <= {"red", "blue"}
