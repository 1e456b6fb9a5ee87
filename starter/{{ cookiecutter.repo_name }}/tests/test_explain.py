"""Single-prediction explanations: Shapley values that add up, on the right columns."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from {{ cookiecutter.python_package }}.explain import explain
from {{ cookiecutter.python_package }}.model import probabilities
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing, train_model
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, transform
from tests.conftest import TOY_PARAMS, toy_contract, toy_split


@pytest.mark.parametrize("classes", [["no", "yes"], ["a", "b", "c"]])
def test_contributions_add_up_to_the_probability_and_name_the_signal(classes) -> None:
    contract = toy_contract(classes)
    train, validation = toy_split(800, 0, classes), toy_split(300, 1, classes)
    preprocessing = fit_preprocessing(train, contract)
    model, _ = train_model(train, validation, preprocessing, contract, TOY_PARAMS)
    rows = validation.head(20)
    calibration = {"temperature": 1.5}

    table = explain(rows, model, preprocessing, calibration, contract.table)

    assert len(table) == 20 * 3  # x, noise, colour per row
    numeric, categorical = transform(rows, Preprocessor.from_dict(preprocessing))
    with torch.no_grad():
        reference = probabilities(
            model(
                torch.zeros_like(torch.from_numpy(numeric)),
                torch.zeros_like(torch.from_numpy(categorical)),
            )
            / 1.5
        )
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
