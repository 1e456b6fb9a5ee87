"""Preprocessing fitted on the training split only, saved as plain JSON.

Numeric columns: missing values imputed with the training median, a missing-value
indicator for columns that had gaps in training, then standardised with the training
mean and standard deviation. Categorical columns: each value maps to its index in the
training vocabulary (for the model's embeddings); index 0 is kept for missing and for
categories never seen in training, so inference on new categories cannot fail.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd
from narwhals.typing import IntoDataFrame

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

    @functools.cached_property
    def indexes(self) -> dict[str, pd.Index]:
        """Each vocabulary as an index, to look values up (built once)."""
        return {
            column: pd.Index(values) for column, values in self.vocabularies.items()
        }

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


def fit_preprocessor(train: IntoDataFrame, schema: DatasetSchema) -> Preprocessor:
    """Learn imputation, scaling and vocabularies from the training split only.

    ``train`` is a pandas DataFrame or an Arrow table (the Spark route's model input);
    both give the same statistics.
    """
    frame = nw.from_native(train, eager_only=True)
    numeric = frame.select(nw.col(schema.numeric_features).cast(nw.Float64))
    medians = [_or(numeric[c].quantile(0.5, "linear"), 0.0) for c in numeric.columns]
    filled = numeric.with_columns(
        nw.col(c).fill_null(m) for c, m in zip(numeric.columns, medians, strict=True)
    )
    stds = [_or(filled[c].std(ddof=0), 1.0) or 1.0 for c in filled.columns]
    return Preprocessor(
        numeric=list(schema.numeric_features),
        medians=medians,
        means=[_or(filled[c].mean(), 0.0) for c in filled.columns],
        stds=stds,
        indicators=[c for c in numeric.columns if numeric[c].null_count() > 0],
        vocabularies={
            column: sorted(frame[column].drop_nulls().unique().to_list())
            for column in schema.categorical
        },
    )


def _or(value: Any, default: float) -> float:
    """``value`` as a float, or ``default`` where a column had no value at all."""
    return default if value is None or math.isnan(value) else float(value)


def transform(
    frame: IntoDataFrame, preprocessor: Preprocessor
) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs for ``frame``: a float32 numeric matrix and int64 category indices.

    ``frame`` is a pandas DataFrame (serving, evaluation) or an Arrow table or record
    batch (training on the Spark route's model input). Plain NumPy once the columns
    are read: a served row takes well under a millisecond.
    """
    data = nw.from_native(frame, eager_only=True)
    numeric = (
        frame[preprocessor.numeric].to_numpy("float64", na_value=np.nan)
        if isinstance(frame, pd.DataFrame)  # the served rows: pandas' own, faster
        else _matrix(data.select(preprocessor.numeric), len(data))
    )
    missing = np.isnan(numeric)
    flagged = [preprocessor.numeric.index(c) for c in preprocessor.indicators]
    filled = np.where(missing, np.asarray(preprocessor.medians), numeric)
    scaled = (filled - np.asarray(preprocessor.means)) / np.asarray(preprocessor.stds)
    codes = np.zeros((len(data), len(preprocessor.vocabularies)), "int64")
    for position, (column, index) in enumerate(preprocessor.indexes.items()):
        # Index 0: missing, or a category training never saw (pandas takes any
        # array-like; its stubs say Index).
        values = (
            frame[column] if isinstance(frame, pd.DataFrame) else data[column]
        ).to_numpy()
        codes[:, position] = index.get_indexer(values) + 1  # type: ignore[arg-type]
    return np.hstack(
        [scaled.astype("float32"), missing[:, flagged].astype("float32")]
    ), codes


def _matrix(frame: nw.DataFrame[Any], rows: int) -> np.ndarray:
    """``frame`` as a 2-D float64 array of ``rows`` rows, also when it has no columns."""
    return frame.to_numpy().astype("float64") if frame.columns else np.zeros((rows, 0))


def encode_target(frame: IntoDataFrame, schema: DatasetSchema) -> np.ndarray:
    """Class indices of the target, in the order of ``schema.classes``."""
    target = nw.from_native(frame, eager_only=True)[schema.target]
    codes = target.replace_strict(
        schema.classes, range(len(schema.classes)), default=-1, return_dtype=nw.Int64
    ).to_numpy()
    if (codes < 0).any():
        unknown = list(dict.fromkeys(target.filter(codes < 0).to_list()))[:5]
        raise ValueError(
            f"Target '{schema.target}' has values outside {schema.classes}: {unknown}"
        )
    return codes.astype("int64")


def sample_weights(frame: IntoDataFrame, schema: DatasetSchema) -> np.ndarray | None:
    """How much each row counts (the contract's ``role: weight`` column), or None
    when every row counts once."""
    if schema.weight is None:
        return None
    weights = nw.from_native(frame, eager_only=True)[schema.weight]
    return weights.to_numpy().astype("float64")
