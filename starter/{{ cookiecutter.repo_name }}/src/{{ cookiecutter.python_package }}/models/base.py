"""The model seam: what every model kind implements, and what it is given.

A kind sees prepared inputs only (the fitted preprocessing's numeric matrix and
category codes, :class:`ModelInputs`) and returns raw scores: logits for a classifier.
Everything else a served model does (calibration, the decision threshold, conformal
sets, drift, the registry, serving) is built on those scores once, in
:mod:`{{ cookiecutter.python_package }}.models.fitted`, and never names a kind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
from pydantic import BaseModel

#: ``report(step, validation_loss)`` after each step (epoch, boosting round); it may
#: raise to stop the training (hyper-parameter search prunes a trial that way).
StepReport = Callable[[int, float], None]


@dataclass(frozen=True)
class Task:
    """What is predicted: one of ``classes`` (a regression target would add a kind of
    task here, with predictions and intervals in place of class probabilities)."""

    classes: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        """How many classes the target has."""
        return len(self.classes)


@dataclass(frozen=True)
class ModelInputs:
    """Rows as every kind reads them: scaled numbers (with missing-value indicators)
    and category codes (0: missing or unseen in training), the target's class
    indices when known, and each row's sample weight when the contract names one (a
    kind weighs its training loss and its validation loss by it)."""

    numeric: np.ndarray  # float32, (rows, numeric inputs)
    categorical: np.ndarray  # int64, (rows, categorical columns)
    cardinalities: tuple[int, ...]  # codes per categorical column, 0 included
    target: np.ndarray | None = None  # int64 class indices
    weight: np.ndarray | None = None  # float64 sample weights; None: each row counts 1

    def __len__(self) -> int:
        return len(self.numeric)

    def labels(self) -> np.ndarray:
        """The target, which training and validation inputs always carry."""
        if self.target is None:
            raise ValueError("These inputs carry no target to fit on.")
        return self.target


class Model(ABC):
    """One model kind: fitted on prepared splits, saved as plain files.

    A kind is a subclass with a ``Settings`` pydantic model (its block of
    ``model_engineering.model`` in ``parameters_model_engineering.yml``), built as
    ``Kind(settings, task)``. It must never unpickle code when it loads.
    """

    #: The settings this kind takes (validated, ``extra="forbid"``).
    Settings: ClassVar[type[BaseModel]]
    #: What one step of ``fit``'s history is ("epoch", "boosting round").
    step_name: ClassVar[str] = "step"

    def __init__(self, settings: BaseModel, task: Task) -> None:
        self.settings = settings
        self.task = task

    @abstractmethod
    def fit(
        self,
        train: ModelInputs,
        validation: ModelInputs,
        report: StepReport | None = None,
    ) -> list[dict[str, float]]:
        """Fit on ``train``, using ``validation`` to stop early.

        Returns:
            One record per step: ``step``, ``validation_loss`` and, where the kind
            has them, ``train_loss`` and other figures.
        """

    @abstractmethod
    def predict_raw(self, inputs: ModelInputs) -> np.ndarray:
        """Raw scores: logits, ``(rows,)`` for two classes, ``(rows, classes)``
        otherwise (natural-log odds; softmax or sigmoid gives probabilities)."""

    @abstractmethod
    def save(self, folder: Path) -> None:
        """Write the fitted model into ``folder`` as plain files."""

    @classmethod
    @abstractmethod
    def load(cls, folder: Path) -> Model:
        """Rebuild a model written by :meth:`save`, without running pickled code."""

    @abstractmethod
    def describe(self) -> str:
        """One or two sentences for the model card: what it is, how it was fitted."""
