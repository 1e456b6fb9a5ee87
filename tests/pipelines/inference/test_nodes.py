"""Inference nodes: unlabelled cleaning and predictions with the decision threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ml_template.pipelines.inference.nodes import clean_unlabelled_source, predict
from ml_template.pipelines.model_engineering.nodes import fit_preprocessing, train_model
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

    strict = predict(rows, model, preprocessing, 0.9, TOY_SCHEMA)
    lenient = predict(rows, model, preprocessing, 0.1, TOY_SCHEMA)

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
