"""Inference nodes: unlabelled cleaning and predictions with the decision threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.errors import MalformedRowsError
from {{ cookiecutter.python_package }}.pipelines.inference.nodes import (
    clean_unlabelled_source,
    predict,
    prepare_rows,
)
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing, train_model
from tests.conftest import TOY_PARAMS, TOY_SCHEMA, toy_split


def test_clean_unlabelled_source_needs_no_label(de_params: dict[str, Any]) -> None:
    raw = pd.DataFrame(
        {
            "customer_id": ["C0900001", "C0900002"],
            "signup_date": ["2024-01-15", "2025-03-01"],
            "age": ["34", "40"],
            "region": ["North", "south"],
            "plan": ["basic", "premium"],
            "contract": ["one year", "two-year"],
            "payment_method": ["credit-card", "crypto"],
            "paperless_billing": ["yes", "no"],
            "tenure_months": ["29", "-1"],
            "monthly_charges": ["30.5", ""],
            "total_charges": ["900", "1400"],
        },
        dtype="str",
    )

    clean, quarantine = clean_unlabelled_source(
        raw, de_params["sources"]["customers"], de_params["schema"], "2026-06-30"
    )

    assert clean["customer_id"].tolist() == ["C0900001"]
    assert clean["contract"].tolist() == ["one-year"]
    assert quarantine["quarantine_reason"].tolist() == ["negative tenure"]


def test_predict_labels_with_the_decision_threshold() -> None:
    train, validation = toy_split(600, 0), toy_split(200, 1)
    preprocessing = fit_preprocessing(train, TOY_SCHEMA)
    model, _ = train_model(train, validation, preprocessing, TOY_SCHEMA, TOY_PARAMS)
    rows = validation.drop(columns="label")

    strict = predict(rows, model, preprocessing, {"threshold": 0.9}, TOY_SCHEMA)
    lenient = predict(rows, model, preprocessing, {"threshold": 0.1}, TOY_SCHEMA)

    assert list(strict.columns) == [
        "id",
        "probability_no",
        "probability_yes",
        "predicted_label",
    ]
    assert set(strict["predicted_label"]) <= {"no", "yes"}
    assert (strict["predicted_label"] == "yes").sum() < (
        lenient["predicted_label"] == "yes"
    ).sum()
    expected = np.where(strict["probability_yes"] >= 0.9, "yes", "no")
    assert (strict["predicted_label"] == expected).all()


def _table_rows(schema: dict[str, Any]) -> pd.DataFrame:
    columns = [
        schema["id"],
        *schema["numeric"],
        *schema["categorical"],
        *schema["date"],
    ]
    row = dict.fromkeys(columns, "1")
    row.update(
        {schema["id"]: "C1", "contract": " One Year ", "signup_date": "2025-01-01"}
    )
    return pd.DataFrame([row, {**row, schema["id"]: "C2", "age": ""}], dtype="str")


def test_prepare_rows_types_and_tidies(de_params: dict[str, Any]) -> None:
    rows = _table_rows(de_params["schema"])

    clean = prepare_rows(rows, de_params["schema"], "2026-06-30")

    assert clean["contract"].tolist() == ["one-year", "one-year"]
    assert clean["age"].isna().tolist() == [
        False,
        True,
    ]  # blank is missing, not an error
    assert clean["signup_date"].dtype.kind == "M"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="plan"), r"lack the columns \['plan'\]"),
        (lambda f: f.assign(age=["x", "2"]), r"'C1': age='x' is not readable"),
        (lambda f: f.assign(signup_date=["2025-13-45", "2025-01-01"]), "signup_date="),
        (lambda f: f.assign(customer_id=["C1", "C1"]), "duplicate customer_id"),
    ],
    ids=["missing column", "unreadable number", "unreadable date", "repeated id"],
)
def test_prepare_rows_refuses_malformed_rows(
    de_params: dict[str, Any], change, message: str
) -> None:
    with pytest.raises(MalformedRowsError, match=message):
        prepare_rows(
            change(_table_rows(de_params["schema"])), de_params["schema"], "2026-06-30"
        )
