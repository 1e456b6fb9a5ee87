"""Evaluation nodes: the fitted bundle's test metrics beside the baselines', and the
challenger gate. Nothing here names a model kind."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.python_package }}.conformal import coverage, prediction_sets
from {{ cookiecutter.python_package }}.contract import Contract, frames
from {{ cookiecutter.python_package }}.metrics import classification_metrics
from {{ cookiecutter.python_package }}.models import FittedModel, class_probabilities
from {{ cookiecutter.python_package }}.models.fitted import predict_split, probability_columns
from {{ cookiecutter.python_package }}.pipelines.evaluation.baselines import (
    BASELINES,
    baseline_probabilities,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.params import EvaluationParams
from {{ cookiecutter.python_package }}.preprocessing import encode_target, sample_weights
from {{ cookiecutter.python_package }}.runs.registry import RegisteredModel
from {{ cookiecutter.python_package }}.schema import DatasetSchema


def evaluate_model(
    test_predictions: pd.DataFrame,
    baseline_predictions: pd.DataFrame,
    true_probabilities: pd.DataFrame,
    fitted_model: FittedModel,
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, Any]:
    """The model's test metrics beside every baseline's, the oracle's when the data's
    true probabilities are known, the calibration before and after, and the conformal
    sets' coverage.

    Baselines and the oracle decide by the most probable class; the model by its
    threshold. The test split is scored once (``test_predictions``); the probabilities
    before calibration are recovered from those. With a sample weight in the contract
    every metric counts each row by its weight; the conformal sets' coverage counts
    rows (their guarantee is per row).
    """
    table, bins = contract.table, params.calibration_bins
    calibration, conformal = fitted_model.calibration, fitted_model.conformal
    decision = fitted_model.decision_threshold
    target, probabilities = _target_and_probabilities(test_predictions, table)
    weight = sample_weights(test_predictions, table)

    def measured(probabilities: np.ndarray, threshold: float | None = None) -> Any:
        return classification_metrics(target, probabilities, threshold, bins, weight)

    model_metrics = measured(probabilities, decision["threshold"])
    before = measured(uncalibrated(probabilities, fitted_model.temperature))
    baselines = {
        name: measured(baseline_probabilities(baseline_predictions, name, table))
        for name in BASELINES
    }
    oracle = oracle_probabilities(test_predictions, true_probabilities, table)
    scores = {"model": model_metrics["roc_auc"]} | {
        name: values["roc_auc"] for name, values in baselines.items()
    }
    return {
        "model": model_metrics,
        "baselines": baselines,
        "oracle": None if oracle is None else measured(oracle),
        "calibration": {
            "method": calibration["method"],
            "temperature": calibration["temperature"],
            **{
                f"{metric}_{when}": values[metric]
                for when, values in (
                    ("before", before),
                    ("after", model_metrics),
                )
                for metric in ("ece", "brier", "log_loss")
            },
        },
        "conformal": {
            "confidence": conformal["confidence"],
            "min_probability": conformal["min_probability"],
            "calibration_rows": conformal["calibration_rows"],
            **coverage(prediction_sets(probabilities, conformal), target),
        },
        "decision_threshold": decision["threshold"],
        # Bundles from before the rule was a setting chose by F1.
        "decision_rule": decision.get("rule", "f1"),
        "roc_auc_gain_over_logistic": model_metrics["roc_auc"]
        - baselines["logistic"]["roc_auc"],
        "roc_auc_gain_over_boosted_trees": model_metrics["roc_auc"]
        - baselines["boosted_trees"]["roc_auc"],
        "best_roc_auc": max(scores, key=scores.__getitem__),
        "test_rows": len(target),
    }


def uncalibrated(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The probabilities before temperature scaling: ``softmax(t * log p)`` undoes
    ``p = softmax(logits / t)`` (up to rounding)."""
    with np.errstate(divide="ignore"):
        logits = np.log(probabilities.astype("float64")) * temperature
    binary = logits.shape[1] == 2  # noqa: PLR2004
    return class_probabilities(logits[:, 1] - logits[:, 0] if binary else logits)


def oracle_probabilities(
    predictions: pd.DataFrame, true_probabilities: pd.DataFrame, schema: DatasetSchema
) -> np.ndarray | None:
    """The true class probabilities of the predicted rows, when the data has them.

    ``true_probabilities`` holds the entity's ids and ``probability_<class>`` columns (a
    binary target may give the positive class's only). None when it is empty, lacks a
    column or does not cover every row: the oracle is then unknown.
    """
    columns = probability_columns(schema.classes)
    given = [c for c in columns if c in true_probabilities.columns]
    binary_positive_only = schema.is_binary and given == columns[1:]
    if given != columns and not binary_positive_only:
        return None
    ids = list(schema.ids)
    if not set(ids) <= set(true_probabilities.columns):
        return None
    truth = predictions[ids].merge(
        true_probabilities[ids + given].drop_duplicates(ids), on=ids, how="left"
    )
    values = truth[given].to_numpy(dtype="float64")
    if np.isnan(values).any():
        return None
    return np.column_stack([1.0 - values[:, 0], values]) if len(given) == 1 else values


@frames.pandas_splits
def challenge_champion(
    test_set: pd.DataFrame,
    evaluation_metrics: dict[str, Any],
    champion: RegisteredModel | None,
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, Any]:
    """The challenger gate: does the new model beat the registry's champion?

    Both are scored on this run's test split with the same code. A challenger wins
    when it is better by more than ``min_improvement``, or when there is no champion
    yet, or when the champion cannot score this data (its contract differed). The
    completed run moves the ``champion`` alias when the challenger wins.
    """
    rule = params.promotion
    challenger = evaluation_metrics["model"][rule.metric]
    decision: dict[str, Any] = {
        "metric": rule.metric,
        "min_improvement": rule.min_improvement,
        "challenger": challenger,
        "champion": None,
        "champion_version": None,
    }
    if champion is None:
        return decision | {
            "challenger_wins": True,
            "reason": "no champion yet: the first model becomes the champion",
        }
    decision["champion_version"] = champion.version
    try:
        predictions = predict_split(test_set, champion.fitted, contract)
    except (KeyError, ValueError, RuntimeError) as error:
        return decision | {
            "challenger_wins": True,
            "reason": f"champion v{champion.version} cannot score this test split "
            f"(trained on other columns?): {error}",
        }
    target, probabilities = _target_and_probabilities(predictions, contract.table)
    weight = sample_weights(predictions, contract.table)
    score = classification_metrics(target, probabilities, None, weight=weight)[
        rule.metric
    ]
    gain = challenger - score if rule.higher_is_better else score - challenger
    wins = gain > rule.min_improvement
    return decision | {
        "champion": score,
        "challenger_wins": wins,
        "reason": f"{rule.metric} {challenger:.4f} against champion v{champion.version}'s "
        f"{score:.4f}: {'better' if wins else 'not better'} by more than "
        f"{rule.min_improvement}",
    }


def _target_and_probabilities(
    predictions: pd.DataFrame, schema: DatasetSchema
) -> tuple[np.ndarray, np.ndarray]:
    target = encode_target(predictions, schema)
    return target, predictions[probability_columns(schema.classes)].to_numpy()


def metrics_for_tracking(
    evaluation_metrics: dict[str, Any], training_history: list[dict[str, float]]
) -> dict[str, Any]:
    """Every number worth charting, as ``{name: {"value", "step"}}`` or per-epoch lists.

    Test metrics are ``test.<metric>``, baselines ``baseline.<name>.<metric>``, the
    oracle's ``oracle.<metric>`` (when known), calibration ``calibration.<quantity>``,
    conformal sets ``conformal.<quantity>``;
    the training history becomes one series per quantity, stepped by training step
    (epoch, boosting round), and ``best_step`` the step whose model was kept.
    """
    groups = {
        "test": evaluation_metrics["model"],
        "oracle": evaluation_metrics["oracle"] or {},
        "calibration": {
            name: value
            for name, value in evaluation_metrics["calibration"].items()
            if name != "method"
        },
        "conformal": evaluation_metrics["conformal"],
    } | {
        f"baseline.{name}": values
        for name, values in evaluation_metrics["baselines"].items()
    }
    tracked: dict[str, Any] = {
        f"{group}.{name}": {"value": value, "step": 0}
        for group, values in groups.items()
        for name, value in values.items()
    }
    if evaluation_metrics["decision_threshold"] is not None:
        tracked["decision_threshold"] = {
            "value": evaluation_metrics["decision_threshold"],
            "step": 0,
        }
    series = [key for key in training_history[0] if key != "step"]
    for key in series:
        tracked[key] = [
            {"value": record[key], "step": record["step"]}
            for record in training_history
        ]
    best = min(training_history, key=lambda record: record["validation_loss"])
    tracked["best_step"] = {"value": best["step"], "step": 0}
    return tracked
