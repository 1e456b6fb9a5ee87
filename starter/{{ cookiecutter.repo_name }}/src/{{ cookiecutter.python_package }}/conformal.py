"""Conformal prediction sets: the classes a row may belong to, at a chosen confidence.

Split conformal with the LAC score (one minus the probability of the true class),
fitted by MAPIE on held-out rows the model was not trained on. What is stored and served
is one number: a class enters a row's set when its (calibrated) probability is at least
``min_probability``. On new rows like the held-out ones, the set holds the true class
with probability at least ``confidence``. Binary and multi-class alike; a set may hold
several classes (the model hesitates) or, with many classes, none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # scikit-learn, for fitting sets only: not what serving imports
    from {{ cookiecutter.python_package }}.models.estimator import FittedClassifier


class ConformalParams(BaseModel):
    """``evaluation.conformal`` in ``parameters_evaluation.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confidence: float = Field(
        default=0.9, gt=0.0, lt=1.0, description="Share of sets to hold the true class."
    )


def fit_sets(
    classifier: FittedClassifier,
    rows: pd.DataFrame,
    target: np.ndarray,
    params: ConformalParams,
) -> dict[str, Any]:
    """The set rule, conformalized by MAPIE on ``rows`` (held out from training)."""
    from mapie.classification import SplitConformalClassifier  # noqa: PLC0415
    from mapie.conformity_scores import LACConformityScore  # noqa: PLC0415

    conformal = SplitConformalClassifier(
        classifier,
        confidence_level=params.confidence,
        conformity_score="lac",
        prefit=True,
    ).conformalize(rows, target)
    (threshold,) = LACConformityScore().get_conformity_score_quantiles(
        conformal.conformity_scores, np.array([1.0 - params.confidence]), cv="prefit"
    )
    return {
        "method": "lac",
        "confidence": params.confidence,
        "min_probability": 1.0 - float(threshold),
        "calibration_rows": len(rows),
    }


def prediction_sets(probabilities: np.ndarray, rule: dict[str, Any]) -> np.ndarray:
    """``(rows, n_classes)`` booleans: which classes each row's set holds."""
    return probabilities >= rule["min_probability"]


def set_labels(members: np.ndarray, classes: list[Any]) -> list[list[str]]:
    """Each row's set as its class labels, in the contract's order.

    Rows share few distinct sets (2 ** classes at most), so each distinct set is
    spelled once and looked up, not rebuilt row by row.
    """
    labels = np.asarray([str(c) for c in classes])
    codes = members.astype("int64") @ (1 << np.arange(members.shape[1]))
    distinct, inverse = np.unique(codes, return_inverse=True)
    spelled = [
        labels[(code >> np.arange(len(labels))) & 1 == 1].tolist() for code in distinct
    ]
    return [spelled[i] for i in inverse]


def coverage(members: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """How sets did on labelled rows: the share holding the true class, mean size,
    and the shares of empty and single-class sets."""
    sizes = members.sum(axis=1)
    return {
        "coverage": float(members[np.arange(len(target)), target].mean()),
        "mean_set_size": float(sizes.mean()),
        "singleton_share": float((sizes == 1).mean()),
        "empty_share": float((sizes == 0).mean()),
    }
