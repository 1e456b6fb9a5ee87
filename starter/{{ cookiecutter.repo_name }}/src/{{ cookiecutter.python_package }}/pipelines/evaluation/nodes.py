"""Evaluation nodes: calibration, predictions, decision threshold, metrics, the
challenger gate and the drift reference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.python_package }}.conformal import coverage, fit_sets, prediction_sets
from {{ cookiecutter.python_package }}.contract import Contract, frames
from {{ cookiecutter.python_package }}.estimator import FittedClassifier
from {{ cookiecutter.python_package }}.metrics import best_f1_threshold, classification_metrics
from {{ cookiecutter.python_package }}.model import TabularMLP
from {{ cookiecutter.python_package }}.monitoring import MonitoringParams, drift_reference, quarantine_shares
from {{ cookiecutter.python_package }}.pipelines.evaluation.baselines import (
    BASELINES,
    baseline_probabilities,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.params import EvaluationParams
from {{ cookiecutter.python_package }}.preprocessing import encode_target
from {{ cookiecutter.python_package }}.runs.registry import ModelBundle
from {{ cookiecutter.python_package }}.schema import DatasetSchema
from {{ cookiecutter.python_package }}.scoring import probability_columns, score, temperature


@frames.pandas_splits
def fit_calibration(
    validation_set: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    contract: Contract,
) -> dict[str, Any]:
    """Temperature scaling fitted on the validation split (scikit-learn's).

    One number divides the model's logits so that its probabilities match observed
    frequencies; rankings, hence ROC-AUC, never change. Every probability the project
    reports, saves or serves is the calibrated one.

    Returns:
        ``{"method": "temperature", "temperature": t, "validation_log_loss": {...}}``.
    """
    from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415
    from sklearn.frozen import FrozenEstimator  # noqa: PLC0415
    from sklearn.metrics import log_loss  # noqa: PLC0415

    target = encode_target(validation_set, contract.table)
    classifier = FittedClassifier(model, preprocessing)
    calibrated = CalibratedClassifierCV(
        FrozenEstimator(classifier), method="temperature"
    ).fit(validation_set, target)
    (calibrator,) = calibrated.calibrated_classifiers_[0].calibrators
    temperature = 1.0 / float(calibrator.beta_)
    return {
        "method": "temperature",
        "temperature": temperature,
        "fitted_on": "validation_set",
        "validation_log_loss": {
            "before": float(log_loss(target, classifier.predict_proba(validation_set))),
            "after": float(
                log_loss(
                    target,
                    FittedClassifier(model, preprocessing, temperature).predict_proba(
                        validation_set
                    ),
                )
            ),
        },
    }


@frames.pandas_splits
def fit_conformal(
    validation_set: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    calibration: dict[str, Any],
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, Any]:
    """The conformal prediction-set rule, fitted on the validation split.

    The validation split also chose the best epoch, the temperature and the decision
    threshold: the split-conformal guarantee assumes rows the model never saw, and
    early stopping's choice among a few dozen epochs bends it little. The test split,
    used by nothing else, measures the coverage actually reached (``evaluate_model``).

    Returns:
        ``{"method": "lac", "confidence", "min_probability", "calibration_rows"}``: a
        class enters a row's set when its calibrated probability reaches
        ``min_probability``.
    """
    classifier = FittedClassifier(model, preprocessing, temperature(calibration))
    target = encode_target(validation_set, contract.table)
    return fit_sets(classifier, validation_set, target, params.conformal)


@frames.pandas_splits
def predict_split(
    split: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    calibration: dict[str, Any] | None,
    contract: Contract,
) -> pd.DataFrame:
    """Calibrated class probabilities for every row of a split, next to its id and
    true label."""
    table = contract.table
    predictions = score(split, model, preprocessing, table, calibration)
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


@frames.pandas_splits
def evaluate_model(  # noqa: PLR0913, PLR0917
    test_set: pd.DataFrame,
    test_predictions: pd.DataFrame,
    baseline_predictions: pd.DataFrame,
    true_probabilities: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    decision: dict[str, float | None],
    calibration: dict[str, Any],
    conformal: dict[str, Any],
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, Any]:
    """The model's test metrics beside every baseline's, the oracle's when the data's
    true probabilities are known, the calibration before and after, and the conformal
    sets' coverage.

    Baselines and the oracle decide by the most probable class; the model by its
    threshold.
    """
    table, bins = contract.table, params.calibration_bins
    target, probabilities = _target_and_probabilities(test_predictions, table)
    model_metrics = classification_metrics(
        target, probabilities, decision["threshold"], bins
    )
    raw = score(test_set, model, preprocessing, table)[probability_columns(table)]
    uncalibrated = classification_metrics(target, raw.to_numpy(), None, bins)
    baselines = {
        name: classification_metrics(
            target,
            baseline_probabilities(baseline_predictions, name, table),
            None,
            bins,
        )
        for name in BASELINES
    }
    oracle = oracle_probabilities(test_predictions, true_probabilities, table)
    scores = {"model": model_metrics["roc_auc"]} | {
        name: values["roc_auc"] for name, values in baselines.items()
    }
    return {
        "model": model_metrics,
        "baselines": baselines,
        "oracle": None
        if oracle is None
        else classification_metrics(target, oracle, None, bins),
        "calibration": {
            "method": calibration["method"],
            "temperature": calibration["temperature"],
            **{
                f"{metric}_{when}": values[metric]
                for when, values in (
                    ("before", uncalibrated),
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
        "roc_auc_gain_over_logistic": model_metrics["roc_auc"]
        - baselines["logistic"]["roc_auc"],
        "roc_auc_gain_over_boosted_trees": model_metrics["roc_auc"]
        - baselines["boosted_trees"]["roc_auc"],
        "best_roc_auc": max(scores, key=scores.__getitem__),
        "test_rows": len(target),
    }


def oracle_probabilities(
    predictions: pd.DataFrame, true_probabilities: pd.DataFrame, schema: DatasetSchema
) -> np.ndarray | None:
    """The true class probabilities of the predicted rows, when the data has them.

    ``true_probabilities`` holds the entity's ids and ``probability_<class>`` columns (a
    binary target may give the positive class's only). None when it is empty, lacks a
    column or does not cover every row: the oracle is then unknown.
    """
    columns = probability_columns(schema)
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
    champion: ModelBundle | None,
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
        predictions = predict_split(
            test_set,
            champion.model,
            champion.preprocessing,
            champion.calibration,
            contract,
        )
    except (KeyError, ValueError, RuntimeError) as error:
        return decision | {
            "challenger_wins": True,
            "reason": f"champion v{champion.version} cannot score this test split "
            f"(trained on other columns?): {error}",
        }
    target, probabilities = _target_and_probabilities(predictions, contract.table)
    score = classification_metrics(target, probabilities, None)[rule.metric]
    gain = challenger - score if rule.higher_is_better else score - challenger
    wins = gain > rule.min_improvement
    return decision | {
        "champion": score,
        "challenger_wins": wins,
        "reason": f"{rule.metric} {challenger:.4f} against champion v{champion.version}'s "
        f"{score:.4f}: {'better' if wins else 'not better'} by more than "
        f"{rule.min_improvement}",
    }


@frames.pandas_splits
def build_drift_reference(
    train_set: pd.DataFrame,
    validation_predictions: pd.DataFrame,
    contract: Contract,
    params: MonitoringParams,
    **tables: pd.DataFrame,
) -> dict[str, Any]:
    """What drift monitoring compares each batch with (stored with the model).

    Args:
        train_set: The training split (feature distributions).
        validation_predictions: The validation split's predictions (predicted distribution).
        contract: The data contract (the features and their kinds).
        params: ``monitoring`` (the number of bins).
        **tables: ``<source>_intermediate`` and ``<source>_quarantine`` per source.
    """
    return drift_reference(
        train_set,
        validation_predictions,
        quarantine_shares(tables),
        contract.table,
        params.bins,
    )


def _target_and_probabilities(
    predictions: pd.DataFrame, schema: DatasetSchema
) -> tuple[np.ndarray, np.ndarray]:
    target = encode_target(predictions, schema)
    return target, predictions[probability_columns(schema)].to_numpy()


def metrics_for_tracking(
    evaluation_metrics: dict[str, Any], training_history: list[dict[str, float]]
) -> dict[str, Any]:
    """Every number worth charting, as ``{name: {"value", "step"}}`` or per-epoch lists.

    Test metrics are ``test.<metric>``, baselines ``baseline.<name>.<metric>``, the
    oracle's ``oracle.<metric>`` (when known), calibration ``calibration.<quantity>``,
    conformal sets ``conformal.<quantity>``;
    the training history becomes one series per quantity, stepped by epoch.
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
    for key in ("train_loss", "validation_loss", "samples_per_second"):
        tracked[key] = [
            {"value": record[key], "step": record["epoch"]}
            for record in training_history
        ]
    best = min(training_history, key=lambda record: record["validation_loss"])
    tracked["best_epoch"] = {"value": best["epoch"], "step": 0}
    return tracked
