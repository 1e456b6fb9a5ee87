"""The ``hist_gradient_boosting`` kind: scikit-learn's histogram gradient boosting.

Categories enter as native categorical splits (a column with more categories than the
trees take stays ordinal); early stopping watches the validation split's loss and the
trees of the best round are kept (fitted again up to it: the same trees, as boosting
is deterministic for a seed). Saved
with skops (``model.skops``: a format that refuses to build any type not listed as
trusted, so loading runs no pickled code) beside ``config.json``.
"""

from __future__ import annotations

import importlib.abc
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.python_package }}.models.base import Model, ModelInputs, StepReport, Task

logger = logging.getLogger(__name__)
_CONFIG, _MODEL = "config.json", "model.skops"
_MAX_CATEGORIES = 255  # the trees' limit per categorical feature
# What a fitted HistGradientBoostingClassifier holds besides plain values and arrays.
_TRUSTED = [
    "functools.partial",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
]


class HistGradientBoostingSettings(BaseModel):
    """``model_engineering.model.hist_gradient_boosting``: scikit-learn's arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    learning_rate: float = Field(default=0.1, gt=0)
    max_iter: int = Field(default=500, gt=0, description="Boosting rounds at most.")
    max_leaf_nodes: int = Field(default=31, ge=2)
    min_samples_leaf: int = Field(default=20, ge=1)
    l2_regularization: float = Field(default=0.0, ge=0)
    max_features: float = Field(default=1.0, gt=0, le=1)
    patience: int = Field(
        default=10, gt=0, description="Rounds without a better validation loss."
    )
    seed: int = 42


class HistGradientBoosting(Model):
    """Boosted trees over the prepared inputs, stopped early on the validation loss."""

    Settings = HistGradientBoostingSettings
    step_name = "boosting round"
    settings: HistGradientBoostingSettings

    def __init__(self, settings: BaseModel, task: Task) -> None:
        super().__init__(settings, task)
        self.estimator: Any = None

    def fit(
        self,
        train: ModelInputs,
        validation: ModelInputs,
        report: StepReport | None = None,
    ) -> list[dict[str, float]]:
        """Fit the trees; the history is each round's train and validation loss.

        ``report`` is not called: the trees take no per-round callback, so a search
        judges each fit whole.
        """
        from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: PLC0415

        s = self.settings
        categorical = [
            train.numeric.shape[1] + i
            for i, size in enumerate(train.cardinalities)
            if size <= _MAX_CATEGORIES
        ]
        arguments = {
            "learning_rate": s.learning_rate,
            "max_leaf_nodes": s.max_leaf_nodes,
            "min_samples_leaf": s.min_samples_leaf,
            "l2_regularization": s.l2_regularization,
            "max_features": s.max_features,
            "categorical_features": categorical or None,
            "random_state": s.seed,
        }
        X, y = _matrix(train), train.labels()
        self.estimator = HistGradientBoostingClassifier(
            max_iter=s.max_iter,
            early_stopping=True,
            scoring="loss",
            n_iter_no_change=s.patience,
            **arguments,
        ).fit(
            X,
            y,
            sample_weight=train.weight,
            X_val=_matrix(validation),
            y_val=validation.labels(),
            sample_weight_val=validation.weight,
        )
        # Scores are negative losses; entry 0 is the model before any tree, left out.
        scores = zip(
            self.estimator.train_score_, self.estimator.validation_score_, strict=True
        )
        history = [
            {
                "step": step,
                "train_loss": -float(train),
                "validation_loss": -float(valid),
            }
            for step, (train, valid) in enumerate(scores)
            if step > 0
        ]
        best = min(history, key=lambda r: r["validation_loss"])
        if best["step"] < self.estimator.n_iter_:  # keep the best round's trees
            self.estimator = HistGradientBoostingClassifier(
                max_iter=int(best["step"]), early_stopping=False, **arguments
            ).fit(X, y, sample_weight=train.weight)
        logger.info(
            "%d boosting rounds, best validation loss %.4f after round %d (kept)",
            len(history),
            best["validation_loss"],
            best["step"],
        )
        return history

    def predict_raw(self, inputs: ModelInputs) -> np.ndarray:
        """The trees' summed scores: log-odds (two classes) or per-class logits."""
        return np.asarray(self._fitted().decision_function(_matrix(inputs)))

    def save(self, folder: Path) -> None:
        """``config.json`` (settings, classes) and ``model.skops``."""
        sio = _skops_io()

        config = {
            "settings": self.settings.model_dump(mode="json"),
            "classes": list(self.task.classes),
        }
        (folder / _CONFIG).write_text(json.dumps(config, indent=2))
        sio.dump(self._fitted(), folder / _MODEL)

    @classmethod
    def load(cls, folder: Path) -> HistGradientBoosting:
        """Rebuild the trees; skops refuses any type outside the trusted list."""
        sio = _skops_io()

        config = json.loads((folder / _CONFIG).read_text())
        model = cls(
            HistGradientBoostingSettings(**config["settings"]),
            Task(tuple(config["classes"])),
        )
        model.estimator = sio.load(folder / _MODEL, trusted=_TRUSTED)
        return model

    def describe(self) -> str:
        """The trees' size and how they were fitted."""
        s, rounds = self.settings, self._fitted().n_iter_
        return (
            f"Histogram gradient-boosted trees (scikit-learn): {rounds} boosting rounds "
            f"of at most {s.max_leaf_nodes} leaves at learning rate {s.learning_rate:.2g}"
            f", categories as native splits, early stopping after {s.patience} rounds "
            f"without a better validation loss, seed {s.seed}."
        )

    def _fitted(self) -> Any:
        if self.estimator is None:
            raise RuntimeError("The trees are not fitted yet: call fit() first.")
        return self.estimator


KIND = HistGradientBoosting


class _TorchUnavailable(importlib.abc.MetaPathFinder):
    """An import finder that makes ``import torch`` fail, as if it were not installed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        """Refuse PyTorch and its submodules; leave every other module to the others."""
        if name.partition(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _skops_io() -> Any:
    """``skops.io``, imported the first time with PyTorch out of reach.

    skops lists every scikit-learn estimator when it is first imported, by importing
    each scikit-learn module with ``pkgutil.walk_packages``, which skips a package that
    fails to import. Among them is PyTorch's array-API adapter, which imports PyTorch:
    1.9 s of the 2.3 s it takes here, for nothing trees use. The served trees load in
    about 1 s instead of 3. Where PyTorch is already imported (an MLP in the same
    process) nothing changes.
    """
    if "torch" in sys.modules or "skops.io" in sys.modules:
        import skops.io as sio  # noqa: PLC0415

        return sio
    finder = _TorchUnavailable()
    sys.meta_path.insert(0, finder)
    try:
        import skops.io as sio  # noqa: PLC0415
    finally:
        sys.meta_path.remove(finder)
    return sio


def _matrix(inputs: ModelInputs) -> np.ndarray:
    """Numbers and category codes side by side (codes as exact small floats)."""
    return np.hstack([inputs.numeric, inputs.categorical.astype("float32")])
