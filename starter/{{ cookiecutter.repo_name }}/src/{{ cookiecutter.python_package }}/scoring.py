"""Score a feature table with the fitted preprocessing and the trained model."""

from __future__ import annotations

from typing import Any

import pandas as pd

from {{ cookiecutter.python_package }}.model import TabularMLP, predict_proba
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, transform
from {{ cookiecutter.python_package }}.schema import DatasetSchema


def probability_columns(schema: DatasetSchema) -> list[str]:
    """One ``probability_<class>`` column per class, in the schema's order."""
    return [f"probability_{label}" for label in schema.classes]


def score(
    frame: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    schema: DatasetSchema,
    calibration: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """The ids and each class probability of every row of ``frame``, calibrated by
    ``calibration``'s temperature when given (see ``evaluation.fit_calibration``)."""
    numeric, categorical = transform(frame, Preprocessor.from_dict(preprocessing))
    probabilities = predict_proba(
        model, numeric, categorical, temperature=temperature(calibration)
    )
    return pd.concat(
        [
            frame[schema.ids].reset_index(drop=True),
            pd.DataFrame(probabilities, columns=probability_columns(schema)),
        ],
        axis=1,
    )


def temperature(calibration: dict[str, Any] | None) -> float:
    """The temperature dividing the logits; 1 (none) for a model without calibration."""
    return float((calibration or {}).get("temperature", 1.0))
