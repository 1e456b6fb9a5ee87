"""A fitted bundle behind scikit-learn's classifier interface.

It scores feature-table rows (a DataFrame) as the pipelines do, so scikit-learn's and
MAPIE's tools work on the model as it is served, whatever its kind: temperature
scaling (``CalibratedClassifierCV``), permutation importance over the raw input
columns, split-conformal sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from {{ cookiecutter.python_package }}.models.fitted import FittedModel


class FittedClassifier(ClassifierMixin, BaseEstimator):
    """A :class:`FittedModel` as a fitted scikit-learn classifier.

    Class ``i`` is the contract's ``i``-th class; ``fit`` does nothing (the model is
    trained by ``train_model``); ``calibrated`` chooses whether the bundle's
    temperature applies.
    """

    def __init__(self, fitted: FittedModel, calibrated: bool = True) -> None:
        self.fitted = fitted
        self.calibrated = calibrated

    @property
    def classes_(self) -> np.ndarray:
        """The class indices the model predicts."""
        return np.arange(len(self.fitted.classes))

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X: pd.DataFrame, y: Any = None) -> FittedClassifier:
        """Nothing to fit: the model is already trained."""
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities of feature-table rows."""
        return self.fitted.predict_proba(X, self.calibrated)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The most probable class of each row."""
        return self.predict_proba(X).argmax(axis=1)
