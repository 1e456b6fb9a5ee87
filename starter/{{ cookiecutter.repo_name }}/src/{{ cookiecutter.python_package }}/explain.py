"""Explain single predictions: each input column's share of a row's probability.

Shapley values, estimated by permutation sampling (the estimator of Captum's
``ShapleyValueSampling``, here over the model as it is served, whatever its kind:
preprocessing and calibration included). They are measured against a reference
customer whose numbers all sit at their training means and whose categories are all
unknown: a row's contributions add up exactly to its probability minus the
reference's. A numeric column and its missing-value indicator count as one column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.python_package }}.models import FittedModel, ModelInputs, class_probabilities
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor
from {{ cookiecutter.python_package }}.schema import DatasetSchema


def explain(
    rows: pd.DataFrame,
    fitted_model: FittedModel,
    schema: DatasetSchema,
    *,
    n_samples: int = 50,
    seed: int = 0,
) -> pd.DataFrame:
    """Each input column's contribution to each row's probability.

    The probability explained is the positive class's for a binary target and the
    predicted class's otherwise.

    Args:
        rows: Feature-table rows (a few: each costs about ``n_samples`` x columns
            model evaluations).
        fitted_model: The model as served.
        schema: The primary table's columns (``contract.table``).
        n_samples: Sampled column orderings; more is closer to exact Shapley values.
        seed: Seeds the orderings.

    Returns:
        One row per (row, column): the row's ids, ``column``, its ``value``, the
        ``contribution``, and the row's explained ``class`` and ``probability``.
    """
    inputs = fitted_model.inputs(rows)
    columns, numeric_group, categorical_group = _groups(fitted_model.preprocessing)

    def probability(numeric: np.ndarray, categorical: np.ndarray) -> np.ndarray:
        prepared = ModelInputs(numeric, categorical, inputs.cardinalities)
        raw = fitted_model.model.predict_raw(prepared)
        return class_probabilities(raw, fitted_model.temperature)

    predicted = probability(inputs.numeric, inputs.categorical)
    target = (
        np.ones(len(rows), dtype="int64")
        if schema.is_binary
        else predicted.argmax(axis=1)
    )
    rng = np.random.default_rng(seed)
    contributions = np.zeros((len(rows), len(columns)))
    everyone = np.arange(len(rows))
    for _ in range(n_samples):
        order = rng.permutation(len(columns))
        # Step k holds the first k columns of the order; the rest sit at the reference.
        held = np.zeros((len(columns) + 1, len(columns)), dtype=bool)
        for step, column in enumerate(order, start=1):
            held[step:, column] = True
        numeric = np.where(held[:, None, numeric_group], inputs.numeric[None], 0.0)
        codes = np.where(held[:, None, categorical_group], inputs.categorical[None], 0)
        steps = probability(
            numeric.reshape(-1, inputs.numeric.shape[1]).astype("float32"),
            codes.reshape(-1, inputs.categorical.shape[1]).astype("int64"),
        ).reshape(len(columns) + 1, len(rows), -1)[:, everyone, target]
        contributions[:, order] += np.diff(steps, axis=0).T
    contributions /= n_samples
    return _long(rows, schema, columns, contributions, predicted, target)


def _groups(preprocessor: Preprocessor) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The input columns, and which of them each model input belongs to."""
    numeric = list(preprocessor.numeric)
    categorical = list(preprocessor.vocabularies)
    numeric_ids = list(range(len(numeric))) + [
        numeric.index(column) for column in preprocessor.indicators
    ]
    categorical_ids = [len(numeric) + i for i in range(len(categorical))]
    return (
        numeric + categorical,
        np.asarray(numeric_ids, dtype="int64"),
        np.asarray(categorical_ids, dtype="int64"),
    )


def _long(
    rows: pd.DataFrame,
    schema: DatasetSchema,
    columns: list[str],
    contributions: np.ndarray,
    predicted: np.ndarray,
    target: np.ndarray,
) -> pd.DataFrame:
    ids = [key for key in schema.ids if key in rows.columns]
    parts = []
    for index in range(len(rows)):
        row = rows.iloc[index]
        frame = pd.DataFrame(
            {
                **{key: row[key] for key in ids},
                "column": columns,
                "value": [str(row[column]) for column in columns],
                "contribution": contributions[index],
                "class": schema.classes[int(target[index])],
                "probability": float(predicted[index, target[index]]),
            }
        )
        order = frame["contribution"].abs().sort_values(ascending=False).index
        parts.append(frame.loc[order])  # largest contributions first
    return pd.concat(parts, ignore_index=True)
