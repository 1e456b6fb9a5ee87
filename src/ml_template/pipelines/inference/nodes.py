"""Inference nodes: clean unlabelled rows, then predict probabilities and labels."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ml_template.errors import MalformedRowsError
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


def prepare_rows(
    rows: pd.DataFrame, schema: dict[str, Any], as_of: str
) -> pd.DataFrame:
    """Type and check customer-table rows to score, as they arrive (text is fine).

    Values are tidied as in training (spaces, casing; unknown categories become
    missing, numbers may be blank). What cannot be read is refused.

    Raises:
        MalformedRowsError: A required column is missing, an id is blank or repeated,
            or a number or date does not parse; the message names the rows.
    """
    contract = parse_schema(schema)
    expected = [c for c in contract.columns if c != contract.target]
    missing = [c for c in expected if c not in rows.columns]
    if missing:
        raise MalformedRowsError(
            f"Rows to score lack the columns {missing}; send {expected}."
        )
    spec = {
        "numeric": contract.numeric,
        "categorical": contract.categorical,
        "date": contract.date,
        "required": [contract.id],
        "unique": [contract.id],
    }
    clean, rejected = clean_source(rows[expected], spec, as_of)
    problems = [
        f"{row[contract.id]!r}: {row['quarantine_reason']}"
        for _, row in rejected.head(5).iterrows()
    ]
    problems += _unreadable(
        rows, clean, contract.id, [*contract.numeric, *contract.date]
    )
    if problems:
        raise MalformedRowsError("Malformed rows to score: " + "; ".join(problems[:10]))
    return clean


def _unreadable(
    rows: pd.DataFrame, clean: pd.DataFrame, id_column: str, columns: list[str]
) -> list[str]:
    """Values that were given but did not parse, as ``id: column='value'``."""
    given = rows.set_index(id_column)
    parsed = clean.set_index(id_column)
    problems = []
    for column in columns:
        text = given[column].astype("str").str.strip()
        bad = (
            given[column].notna()
            & (text != "")
            & parsed[column].reindex(given.index).isna()
        )
        problems += [
            f"{i!r}: {column}={v!r} is not readable"
            for i, v in given.loc[bad, column].head(5).items()
        ]
    return problems


def predict(
    features: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    decision: dict[str, float | None],
    schema: dict[str, Any],
) -> pd.DataFrame:
    """Each row's id, class probabilities and predicted label.

    Binary targets use the decision threshold chosen on the validation split; others
    the most probable class.
    """
    contract = parse_schema(schema)
    predictions = score(features, model, preprocessing, contract)
    probabilities = predictions[probability_columns(contract)].to_numpy()
    labels = predicted_labels(probabilities, decision["threshold"])
    classes = pd.Series(contract.classes)
    return predictions.assign(
        **{f"predicted_{contract.target}": classes[labels].to_numpy()}
    )
