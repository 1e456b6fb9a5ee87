"""The baselines a practitioner compares a model with, on the same split and inputs.

``majority`` always predicts the training class frequencies (ROC-AUC 0.5);
``logistic`` is logistic regression on the model's preprocessed inputs, categories
one-hot encoded; ``boosted_trees`` is scikit-learn's ``HistGradientBoostingClassifier``
on the same inputs, categories as native categorical splits. Each is fitted on the
training split (each row counted by its sample weight, when the contract names one)
and predicts the test split.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ml_template.contract import Contract, frames
from ml_template.models import FittedModel
from ml_template.models.fitted import probability_columns
from ml_template.pipelines.evaluation.params import EvaluationParams
from ml_template.preprocessing import encode_target, sample_weights, transform
from ml_template.schema import DatasetSchema

BASELINES = ("majority", "logistic", "boosted_trees")
_MAX_TREE_CATEGORIES = 255  # HistGradientBoosting's limit per categorical feature


@frames.pandas_splits
def predict_baselines(
    train_set: pd.DataFrame,
    test_set: pd.DataFrame,
    fitted_model: FittedModel,
    contract: Contract,
    params: EvaluationParams,
) -> pd.DataFrame:
    """Each baseline's class probabilities for every test row.

    Args:
        train_set: The training split (what every baseline is fitted on).
        test_set: The test split.
        fitted_model: The model's bundle: its preprocessing is the baselines' too.
        contract: The data contract.
        params: ``evaluation``: ``logistic_baseline`` and ``boosted_trees_baseline``
            are scikit-learn arguments; ``baseline_sample`` bounds the training rows.

    Returns:
        The test rows' ids and true label, and ``<baseline>.probability_<class>`` columns.
    """
    table = contract.table
    preprocessor = fitted_model.preprocessing
    sample = params.baseline_sample
    if len(train_set) > sample.max_rows:
        train_set = train_set.sample(n=sample.max_rows, random_state=sample.seed)
    target, weight = encode_target(train_set, table), sample_weights(train_set, table)
    train, test = transform(train_set, preprocessor), transform(test_set, preprocessor)
    prior = np.bincount(target, weight, minlength=len(table.classes))
    probabilities = {
        "majority": np.tile(prior / prior.sum(), (len(test_set), 1)),
        "logistic": _logistic(train, test, params.logistic_baseline, target, weight),
        "boosted_trees": _boosted_trees(
            train, test, params.boosted_trees_baseline, target, weight
        ),
    }
    columns = {
        f"{name}.{column}": values[:, index]
        for name, values in probabilities.items()
        for index, column in enumerate(probability_columns(table.classes))
    }
    return test_set[[*table.ids, table.target]].reset_index(drop=True).assign(**columns)


def baseline_probabilities(
    predictions: pd.DataFrame, name: str, schema: DatasetSchema
) -> np.ndarray:
    """One baseline's ``(rows, n_classes)`` probabilities from ``predict_baselines``."""
    return predictions[
        [f"{name}.{c}" for c in probability_columns(schema.classes)]
    ].to_numpy()


Inputs = tuple[np.ndarray, np.ndarray]  # numeric matrix, category codes


def _logistic(
    train: Inputs,
    test: Inputs,
    arguments: dict[str, Any],
    target: np.ndarray,
    weight: np.ndarray | None,
) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.preprocessing import OneHotEncoder  # noqa: PLC0415

    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    has_categories = train[1].shape[1] > 0  # not a table of numbers only
    if has_categories:
        encoder.fit(train[1])

    def inputs(part: Inputs) -> np.ndarray:
        numeric, codes = part
        return (
            np.hstack([numeric, encoder.transform(codes)])
            if has_categories
            else numeric
        )

    model = LogisticRegression(**arguments).fit(
        inputs(train), target, sample_weight=weight
    )
    return model.predict_proba(inputs(test))


def _boosted_trees(
    train: Inputs,
    test: Inputs,
    arguments: dict[str, Any],
    target: np.ndarray,
    weight: np.ndarray | None,
) -> np.ndarray:
    from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: PLC0415

    n_numeric = train[0].shape[1]
    categorical = [
        n_numeric + i
        for i in range(train[1].shape[1])
        if train[1][:, i].max(initial=0) < _MAX_TREE_CATEGORIES
    ]  # a column with more categories than the trees take stays ordinal

    def inputs(part: Inputs) -> np.ndarray:
        return np.hstack([part[0], part[1].astype("float32")])

    model = HistGradientBoostingClassifier(
        categorical_features=categorical or None, **arguments
    ).fit(inputs(train), target, sample_weight=weight)
    return model.predict_proba(inputs(test))
