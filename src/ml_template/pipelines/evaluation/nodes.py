"""Evaluation nodes: predictions, decision threshold, metrics and baselines."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder

from ml_template.contract import Contract
from ml_template.metrics import best_f1_threshold, classification_metrics
from ml_template.model import TabularMLP
from ml_template.monitoring import MonitoringParams, drift_reference, quarantine_shares
from ml_template.preprocessing import Preprocessor, encode_target, transform
from ml_template.runs.registry import ModelBundle
from ml_template.schema import DatasetSchema
from ml_template.scoring import probability_columns, score


class PromotionParams(BaseModel):
    """``evaluation.promotion``: the challenger gate's rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: Literal["roc_auc", "pr_auc", "log_loss", "brier"] = Field(
        default="roc_auc",
        description="A threshold-free test metric: each model keeps its own threshold.",
    )
    min_improvement: float = Field(
        default=0.0, ge=0.0, description="The margin a challenger must beat."
    )

    @property
    def higher_is_better(self) -> bool:
        """ROC-AUC and PR-AUC rise with quality; log-loss and Brier score fall."""
        return self.metric in ("roc_auc", "pr_auc")


class EvaluationParams(BaseModel):
    """``evaluation`` in ``parameters_evaluation.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    logistic_baseline: dict[str, Any] = Field(
        default_factory=dict, description="LogisticRegression arguments."
    )
    calibration_bins: int = Field(default=10, ge=2)
    promotion: PromotionParams = Field(default_factory=PromotionParams)


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
            test_set, champion.model, champion.preprocessing, contract
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
