"""Inference nodes: clean unlabelled rows, then predict probabilities and labels."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ml_template.metrics import predicted_labels
from ml_template.model import TabularMLP
from ml_template.pipelines.data_engineering.nodes import clean_source
from ml_template.schema import parse_schema
from ml_template.scoring import probability_columns, score


def clean_unlabelled_source(
    raw: pd.DataFrame, source: dict[str, Any], schema: dict[str, Any], as_of: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`clean_source` for rows to score: the same rules, without the label.

    Args:
        raw: The source as received, without the target column.
        source: Its ``sources.<name>`` parameters (the training ones).
        schema: The dataset contract (names the target to leave out).
        as_of: Snapshot date, available to quarantine rules as ``@as_of``.

    Returns:
        The clean rows and the quarantined rows with their reasons.
    """
    target = parse_schema(schema).target
    unlabelled = {
        **source,
        "categorical": {
            k: v for k, v in source.get("categorical", {}).items() if k != target
        },
        "required": [c for c in source.get("required", []) if c != target],
    }
    return clean_source(raw, unlabelled, as_of)


def predict(
    features: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    decision_threshold: float | None,
    schema: dict[str, Any],
) -> pd.DataFrame:
    """Each row's id, class probabilities and predicted label.

    Binary targets use the decision threshold chosen on the validation split; others
    the most probable class.
    """
    contract = parse_schema(schema)
    predictions = score(features, model, preprocessing, contract)
    probabilities = predictions[probability_columns(contract)].to_numpy()
    labels = predicted_labels(probabilities, decision_threshold)
    classes = pd.Series(contract.classes)
    return predictions.assign(
        **{f"predicted_{contract.target}": classes[labels].to_numpy()}
    )
