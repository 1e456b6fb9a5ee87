"""The fitted bundle: what a trained model is, defined once.

Preprocessing, the kind's model, calibration, the decision threshold, the conformal
rule and the drift reference travel together: training saves one bundle, evaluation,
batch inference, the registry and the served model load it whole. On disk it is one
folder of plain files a person can read::

    bundle.json              kind, its class, classes, description, what is inside
    preprocessing.json       imputation, scaling, vocabularies (train split only)
    calibration.json         the temperature dividing the logits
    decision_threshold.json  the positive-class threshold (binary) or null
    conformal.json           the prediction-set rule
    drift_reference.json     what batch inference compares each batch with
    model/                   the kind's own files (config.json + weights or trees)
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, softmax

from {{ cookiecutter.python_package }}.contract import Contract, frames
from {{ cookiecutter.python_package }}.models.base import Model, ModelInputs
from {{ cookiecutter.python_package }}.models.params import load_class
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, transform

NO_CALIBRATION: dict[str, Any] = {"method": "none", "temperature": 1.0}
_MANIFEST, _MODEL = "bundle.json", "model"
_PARTS = ("calibration", "decision_threshold", "conformal", "drift_reference")


@dataclass(frozen=True)
class FittedModel:
    """A trained model of any kind, with everything that serves it."""

    model: Model
    preprocessing: Preprocessor
    calibration: dict[str, Any] = field(default_factory=lambda: dict(NO_CALIBRATION))
    decision_threshold: dict[str, Any] = field(
        default_factory=lambda: {"threshold": None}
    )
    conformal: dict[str, Any] = field(default_factory=lambda: {"method": "none"})
    drift_reference: dict[str, Any] | None = None

    @property
    def classes(self) -> tuple[str, ...]:
        """The target's classes, in the order of every probability column."""
        return self.model.task.classes

    @property
    def temperature(self) -> float:
        """What divides the logits (1: not calibrated)."""
        return float(self.calibration.get("temperature", 1.0))

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> FittedModel:
        """The bundle itself: nothing changes a fitted bundle (:meth:`with_parts` makes
        a new one), and the served model's runner copies its inputs for every
        request."""
        return self

    def with_parts(self, **parts: Any) -> FittedModel:
        """The bundle with some parts fitted (``calibration=...``)."""
        return dataclasses.replace(self, **parts)

    def inputs(self, frame: Any) -> ModelInputs:
        """Feature-table rows prepared as every kind reads them."""
        numeric, categorical = transform(frame, self.preprocessing)
        return ModelInputs(
            numeric, categorical, tuple(self.preprocessing.cardinalities)
        )

    def predict_proba(self, frame: Any, calibrated: bool = True) -> np.ndarray:
        """Class probabilities ``(rows, classes)`` of feature-table rows."""
        raw = self.model.predict_raw(self.inputs(frame))
        return class_probabilities(raw, self.temperature if calibrated else 1.0)

    def describe(self) -> str:
        """The kind's own description, for the model card."""
        return self.model.describe()

    def save(self, folder: Path) -> None:
        """Write the bundle's files into ``folder`` (which must exist)."""
        kind = type(self.model)
        manifest = {
            "kind_class": f"{kind.__module__}.{kind.__qualname__}",
            "classes": list(self.classes),
            "description": self.describe(),
            "parts": ["preprocessing", *_PARTS, _MODEL],
        }
        _write(folder / _MANIFEST, manifest)
        _write(folder / "preprocessing.json", self.preprocessing.to_dict())
        for part in _PARTS:
            _write(folder / f"{part}.json", getattr(self, part))
        (folder / _MODEL).mkdir()
        self.model.save(folder / _MODEL)

    @classmethod
    def load(cls, folder: Path) -> FittedModel:
        """Read a bundle written by :meth:`save`."""
        manifest = _read(folder / _MANIFEST)
        kind = load_class(manifest["kind_class"])
        parts = {p: _read(folder / f"{p}.json") for p in _PARTS}
        return cls(
            model=kind.load(folder / _MODEL),
            preprocessing=Preprocessor.from_dict(_read(folder / "preprocessing.json")),
            **parts,
        )


def class_probabilities(raw: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from logits divided by ``temperature`` (temperature scaling:
    above 1 softens over-confident probabilities; the rows' ranking never changes).

    Computed in float64 whatever the kind's precision, so a probability near 1 keeps
    its distance from 1.
    """
    scaled = np.asarray(raw, dtype="float64") / temperature
    if scaled.ndim == 1:
        positive = expit(scaled)
        return np.stack([1.0 - positive, positive], axis=1)
    return softmax(scaled, axis=1)


def predicted_labels(probabilities: np.ndarray, threshold: float | None) -> np.ndarray:
    """Class indices: positive when p >= threshold (binary), else the most probable."""
    if probabilities.shape[1] == 2 and threshold is not None:  # noqa: PLR2004
        return (probabilities[:, 1] >= threshold).astype("int64")
    return probabilities.argmax(axis=1)


def probability_columns(classes: Any) -> list[str]:
    """One ``probability_<class>`` column per class, in order."""
    return [f"probability_{label}" for label in classes]


def score(
    frame: pd.DataFrame, fitted: FittedModel, ids: list[str], calibrated: bool = True
) -> pd.DataFrame:
    """The ``ids`` and each class probability of every row of ``frame``."""
    return scored_frame(
        frame, ids, fitted.classes, fitted.predict_proba(frame, calibrated)
    )


def scored_frame(
    frame: pd.DataFrame, ids: list[str], classes: Any, probabilities: np.ndarray
) -> pd.DataFrame:
    """``frame``'s ``ids`` beside one ``probability_<class>`` column per class, built
    in one step (a served row pays for every pandas operation)."""
    columns = {name: frame[name].to_numpy() for name in ids}
    columns |= dict(zip(probability_columns(classes), probabilities.T, strict=True))
    return pd.DataFrame(columns)


@frames.pandas_splits
def predict_split(
    split: pd.DataFrame, fitted_model: FittedModel, contract: Contract
) -> pd.DataFrame:
    """Calibrated class probabilities for every row of a split, next to its id, true
    label and sample weight if any (a node of model engineering and of evaluation)."""
    table = contract.table
    predictions = score(split, fitted_model, table.ids)
    known = [table.target] + ([table.weight] if table.weight else [])
    return predictions.assign(**{name: split[name].to_numpy() for name in known})


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2))


def _read(path: Path) -> Any:
    return json.loads(path.read_text())
