"""The trained model and its preprocessing as a fitted scikit-learn classifier.

It scores feature-table rows (a DataFrame) as the pipelines do, so scikit-learn's tools
work on the model as it is served: temperature scaling (``CalibratedClassifierCV``) and
permutation importance over the raw input columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from ml_template.model import TabularMLP, predict_proba
from ml_template.preprocessing import Preprocessor, transform


class FittedClassifier(ClassifierMixin, BaseEstimator):
    """A trained :class:`TabularMLP` behind scikit-learn's classifier interface.

    Class ``i`` is the contract's ``i``-th class; ``fit`` does nothing (the model is
    trained by ``train_model``).
    """

    def __init__(
        self,
        model: TabularMLP,
        preprocessing: dict[str, Any],
        temperature: float = 1.0,
    ) -> None:
        self.model = model
        self.preprocessing = preprocessing
        self.temperature = temperature

    @property
    def classes_(self) -> np.ndarray:
        """The class indices the model predicts."""
        return np.arange(self.model.config.n_classes)

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X: pd.DataFrame, y: Any = None) -> FittedClassifier:
        """Nothing to fit: the model is already trained."""
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities of feature-table rows."""
        numeric, categorical = transform(X, Preprocessor.from_dict(self.preprocessing))
        return predict_proba(
            self.model, numeric, categorical, temperature=self.temperature
        )

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The most probable class of each row."""
        return self.predict_proba(X).argmax(axis=1)
