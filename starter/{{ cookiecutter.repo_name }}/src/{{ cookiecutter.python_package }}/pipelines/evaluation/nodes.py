"""Evaluation nodes: predictions, decision threshold, metrics and baselines."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.metrics import best_f1_threshold, classification_metrics
from {{ cookiecutter.python_package }}.model import TabularMLP
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, encode_target, transform
from {{ cookiecutter.python_package }}.schema import DatasetSchema
from {{ cookiecutter.python_package }}.scoring import probability_columns, score


class EvaluationParams(BaseModel):
    """``evaluation`` in ``parameters_evaluation.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    logistic_baseline: dict[str, Any] = Field(
        default_factory=dict, description="LogisticRegression arguments."
    )
    calibration_bins: int = Field(default=10, ge=2)


def predict_split(
    split: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    contract: Contract,
) -> pd.DataFrame:
    """Class probabilities for every row of a split, next to its id and true label."""
    table = contract.table
    predictions = score(split, model, preprocessing, table)
    return predictions.assign(**{table.target: split[table.target].to_numpy()})


def choose_threshold(
    validation_predictions: pd.DataFrame, contract: Contract
) -> dict[str, float | None]:
    """The decision rule: the positive-class threshold maximising validation F1.

    Returns:
        ``{"threshold": t}`` for a binary target; ``{"threshold": None}`` (the most
        probable class wins) otherwise.
    """
    table = contract.table
    if not table.is_binary:
        return {"threshold": None}
    target, probabilities = _target_and_probabilities(validation_predictions, table)
    return {"threshold": best_f1_threshold(target, probabilities[:, 1])}


def evaluate_baselines(
    train_set: pd.DataFrame,
    test_set: pd.DataFrame,
    preprocessing: dict[str, Any],
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, dict[str, float]]:
    """Metrics on the test split of two baselines fitted on the training split.

    ``majority``: always the training class frequencies (ROC-AUC 0.5). ``logistic``:
    logistic regression on the same preprocessed inputs, categories one-hot encoded.
    Both decide by the most probable class.
    """
    table = contract.table
    preprocessor = Preprocessor.from_dict(preprocessing)
    train_target = encode_target(train_set, table)
    test_target = encode_target(test_set, table)
    prior = np.bincount(train_target, minlength=len(table.classes)) / len(train_target)
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    train_inputs = _linear_inputs(train_set, preprocessor, encoder, fit=True)
    logistic = LogisticRegression(**params.logistic_baseline).fit(
        train_inputs, train_target
    )
    test_inputs = _linear_inputs(test_set, preprocessor, encoder, fit=False)
    return {
        "majority": classification_metrics(
            test_target, np.tile(prior, (len(test_target), 1)), None
        ),
        "logistic": classification_metrics(
            test_target, logistic.predict_proba(test_inputs), None
        ),
    }


def evaluate_model(
    test_predictions: pd.DataFrame,
    decision: dict[str, float | None],
    baselines: dict[str, dict[str, float]],
    contract: Contract,
) -> dict[str, Any]:
    """The model's test metrics, the threshold, and the baselines side by side."""
    table = contract.table
    target, probabilities = _target_and_probabilities(test_predictions, table)
    model = classification_metrics(target, probabilities, decision["threshold"])
    return {
        "model": model,
        "baselines": baselines,
        "decision_threshold": decision["threshold"],
        "roc_auc_gain_over_logistic": model["roc_auc"]
        - baselines["logistic"]["roc_auc"],
        "test_rows": len(target),
    }


def _target_and_probabilities(
    predictions: pd.DataFrame, schema: DatasetSchema
) -> tuple[np.ndarray, np.ndarray]:
    target = encode_target(predictions, schema)
    return target, predictions[probability_columns(schema)].to_numpy()


def _linear_inputs(
    frame: pd.DataFrame, preprocessor: Preprocessor, encoder: OneHotEncoder, fit: bool
) -> np.ndarray:
    numeric, categorical = transform(frame, preprocessor)
    if categorical.shape[1] == 0:  # a table of numbers only
        return numeric
    onehot = (
        encoder.fit_transform(categorical) if fit else encoder.transform(categorical)
    )
    return np.hstack([numeric, onehot])


def metrics_for_tracking(
    evaluation_metrics: dict[str, Any], training_history: list[dict[str, float]]
) -> dict[str, Any]:
    """Every number worth charting, as ``{name: {"value", "step"}}`` or per-epoch lists.

    Test metrics are ``test.<metric>``, baselines ``baseline.<name>.<metric>``; the
    training history becomes one series per quantity, stepped by epoch.
    """
    tracked: dict[str, Any] = {
        f"test.{name}": {"value": value, "step": 0}
        for name, value in evaluation_metrics["model"].items()
    }
    for baseline, values in evaluation_metrics["baselines"].items():
        tracked |= {
            f"baseline.{baseline}.{name}": {"value": value, "step": 0}
            for name, value in values.items()
        }
    if evaluation_metrics["decision_threshold"] is not None:
        tracked["decision_threshold"] = {
            "value": evaluation_metrics["decision_threshold"],
            "step": 0,
        }
    for key in ("train_loss", "validation_loss", "samples_per_second"):
        tracked[key] = [
            {"value": record[key], "step": record["epoch"]}
            for record in training_history
        ]
    best = min(training_history, key=lambda record: record["validation_loss"])
    tracked["best_epoch"] = {"value": best["epoch"], "step": 0}
    return tracked
