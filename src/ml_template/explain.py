"""Explain single predictions: each input column's share of a row's probability.

Shapley values, estimated by Captum's ``ShapleyValueSampling`` on the model as it is
served (preprocessing and calibration included). They are measured against a reference
customer whose numbers all sit at their training means and whose categories are all
unknown: a row's contributions add up exactly to its probability minus the
reference's. A numeric column and its missing-value indicator count as one column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch

from ml_template.model import TabularMLP, probabilities
from ml_template.preprocessing import Preprocessor, transform
from ml_template.schema import DatasetSchema
from ml_template.scoring import temperature


def explain(  # noqa: PLR0913
    rows: pd.DataFrame,
    model: TabularMLP,
    preprocessing: dict[str, Any],
    calibration: dict[str, Any] | None,
    schema: DatasetSchema,
    *,
    n_samples: int = 50,
    seed: int = 0,
) -> pd.DataFrame:
    """Each input column's contribution to each row's probability.

    The probability explained is the positive class's for a binary target and the
    predicted class's otherwise.

    Args:
        rows: Feature-table rows (a few: each costs about ``n_samples`` x columns
            forward passes).
        model, preprocessing, calibration: The model as served.
        schema: The primary table's columns (``contract.table``).
        n_samples: Sampled column orderings; more is closer to exact Shapley values.
        seed: Seeds the orderings.

    Returns:
        One row per (row, column): the row's ids, ``column``, its ``value``, the
        ``contribution``, and the row's explained ``class`` and ``probability``.
    """
    from captum.attr import ShapleyValueSampling  # noqa: PLC0415

    preprocessor = Preprocessor.from_dict(preprocessing)
    numeric, categorical = (torch.from_numpy(a) for a in transform(rows, preprocessor))
    columns, numeric_mask, categorical_mask = _groups(preprocessor, len(rows))
    scale = temperature(calibration)
    model.eval()

    def probability(numbers: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        return probabilities(model(numbers, codes) / scale)

    with torch.no_grad():
        predicted = probability(numeric, categorical)
    target = (
        torch.ones(len(rows), dtype=torch.long)
        if schema.is_binary
        else predicted.argmax(dim=1)
    )
    torch.manual_seed(seed)
    numeric_part, categorical_part = ShapleyValueSampling(probability).attribute(
        (numeric, categorical),
        baselines=(torch.zeros_like(numeric), torch.zeros_like(categorical)),
        target=target,
        feature_mask=(numeric_mask, categorical_mask),
        n_samples=n_samples,
    )
    contributions = _per_column(numeric_part, categorical_part, numeric_mask,
                                categorical_mask, len(columns))  # fmt: skip
    return _long(rows, schema, columns, contributions, predicted, target)


def _groups(
    preprocessor: Preprocessor, n_rows: int
) -> tuple[list[str], torch.Tensor, torch.Tensor]:
    """The input columns, and which of them each model input belongs to."""
    numeric = list(preprocessor.numeric)
    categorical = list(preprocessor.vocabularies)
    numeric_ids = list(range(len(numeric))) + [
        numeric.index(column) for column in preprocessor.indicators
    ]
    categorical_ids = [len(numeric) + i for i in range(len(categorical))]
    return (
        numeric + categorical,
        torch.tensor([numeric_ids]).repeat(n_rows, 1).contiguous(),
        torch.tensor([categorical_ids], dtype=torch.long)
        .repeat(n_rows, 1)
        .contiguous(),
    )


def _per_column(
    numeric_part: torch.Tensor,
    categorical_part: torch.Tensor,
    numeric_mask: torch.Tensor,
    categorical_mask: torch.Tensor,
    n_columns: int,
) -> np.ndarray:
    """``(rows, columns)``: Captum gives each input of a group its group's value."""
    contributions = np.zeros((numeric_part.shape[0], n_columns))
    for part, mask in (
        (numeric_part, numeric_mask),
        (categorical_part, categorical_mask),
    ):
        for position, column in enumerate(mask[0].tolist()):
            contributions[:, column] = part[:, position].detach().numpy()
    return contributions


def _long(
    rows: pd.DataFrame,
    schema: DatasetSchema,
    columns: list[str],
    contributions: np.ndarray,
    predicted: torch.Tensor,
    target: torch.Tensor,
) -> pd.DataFrame:
    ids = [key for key in schema.ids if key in rows.columns]
    parts = []
    for index in range(len(rows)):
        row = rows.iloc[index]
        frame = pd.DataFrame(
            {
                **{key: row[key] for key in ids},
                "column": columns,
                "value": [str(row[column]) for column in columns],
                "contribution": contributions[index],
                "class": schema.classes[int(target[index])],
                "probability": float(predicted[index, target[index]]),
            }
        )
        order = frame["contribution"].abs().sort_values(ascending=False).index
        parts.append(frame.loc[order])  # largest contributions first
    return pd.concat(parts, ignore_index=True)
