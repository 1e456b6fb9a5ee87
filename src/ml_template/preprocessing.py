"""Preprocessing fitted on the training split only, saved as plain JSON.

Numeric columns: missing values imputed with the training median, a missing-value
indicator for columns that had gaps in training, then standardised with the training
mean and standard deviation. Categorical columns: each value maps to its index in the
training vocabulary (for the model's embeddings); index 0 is kept for missing and for
categories never seen in training, so inference on new categories cannot fail.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from ml_template.schema import DatasetSchema


@dataclass(frozen=True)
class Preprocessor:
    """Statistics learned from the training split; JSON in, JSON out."""

    numeric: list[str]
    medians: list[float]
    means: list[float]
    stds: list[float]
    indicators: list[str]
    vocabularies: dict[str, list[str]]

    @property
    def n_numeric_inputs(self) -> int:
        """Width of the numeric input: scaled columns plus missing indicators."""
        return len(self.numeric) + len(self.indicators)

    @property
    def cardinalities(self) -> list[int]:
        """Embedding sizes: one row per known category plus the unknown/missing row."""
        return [len(values) + 1 for values in self.vocabularies.values()]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form saved in the catalog."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessor:
        """Rebuild from :meth:`to_dict` output."""
        return cls(**data)


def fit_preprocessor(train: pd.DataFrame, schema: DatasetSchema) -> Preprocessor:
    """Learn imputation, scaling and vocabularies from the training split only."""
    numeric = train[schema.numeric_features].astype("float64")
    medians = numeric.median().fillna(0.0)
    filled = numeric.fillna(medians)
    stds = filled.std(ddof=0).replace(0.0, 1.0).fillna(1.0)
    return Preprocessor(
        numeric=list(schema.numeric_features),
        medians=medians.tolist(),
        means=filled.mean().tolist(),
        stds=stds.tolist(),
        indicators=[c for c in schema.numeric_features if numeric[c].isna().any()],
        vocabularies={
            column: sorted(train[column].dropna().unique().tolist())
            for column in schema.categorical
        },
    )


def transform(
    frame: pd.DataFrame, preprocessor: Preprocessor
) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs for ``frame``: a float32 numeric matrix and int64 category indices."""
    numeric = frame[preprocessor.numeric].astype("float64")
    indicators = numeric[preprocessor.indicators].isna().to_numpy(dtype="float32")
    filled = numeric.fillna(
        dict(zip(preprocessor.numeric, preprocessor.medians, strict=True))
    )
    scaled = (filled.to_numpy() - np.asarray(preprocessor.means)) / np.asarray(
        preprocessor.stds
    )
    categories = [
        pd.Index(values).get_indexer(pd.Index(frame[column])).astype("int64") + 1
        for column, values in preprocessor.vocabularies.items()
    ]
    codes = (
        np.stack(categories, axis=1)
        if categories
        else np.zeros((len(frame), 0), "int64")
    )
    return np.hstack([scaled.astype("float32"), indicators]), codes


def encode_target(frame: pd.DataFrame, schema: DatasetSchema) -> np.ndarray:
    """Class indices of the target, in the order of ``schema.classes``."""
    codes = pd.Index(schema.classes).get_indexer(pd.Index(frame[schema.target]))
    if (codes < 0).any():
        unknown = frame.loc[codes < 0, schema.target].unique()[:5].tolist()
        raise ValueError(
            f"Target '{schema.target}' has values outside {schema.classes}: {unknown}"
        )
    return codes.astype("int64")
