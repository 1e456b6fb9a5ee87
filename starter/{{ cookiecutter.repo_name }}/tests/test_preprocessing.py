"""Preprocessing: learned from the training split only, robust to what inference sees."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.preprocessing import (
    Preprocessor,
    encode_target,
    fit_preprocessor,
    transform,
)
from {{ cookiecutter.python_package }}.schema import DatasetSchema


@pytest.fixture
def small_schema() -> DatasetSchema:
    return DatasetSchema(
        ids=["id"],
        target="label",
        classes=["no", "yes"],
        numeric=["x", "gappy"],
        categorical={"colour": ["red", "blue", "green"]},
    )


@pytest.fixture
def train() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "label": ["no", "yes", "no", "yes"],
            "x": [1.0, 2.0, 3.0, 10.0],
            "gappy": [1.0, np.nan, 3.0, 5.0],
            "colour": ["red", "blue", "red", None],
        }
    )


def test_statistics_come_from_the_training_split(
    train: pd.DataFrame, small_schema: DatasetSchema
) -> None:
    pre = fit_preprocessor(train, small_schema)

    assert pre.medians == [2.5, 3.0]
    assert pre.means[0] == pytest.approx(4.0)
    assert pre.indicators == ["gappy"]
    assert pre.vocabularies == {"colour": ["blue", "red"]}
    assert pre.cardinalities == [3]
    assert pre.n_numeric_inputs == 3


def test_transform_imputes_scales_and_flags_missing(
    train: pd.DataFrame, small_schema: DatasetSchema
) -> None:
    pre = fit_preprocessor(train, small_schema)

    numeric, codes = transform(train, pre)

    assert numeric.dtype == np.float32 and codes.dtype == np.int64
    assert numeric[:, 0].mean() == pytest.approx(0.0, abs=1e-6)
    assert numeric[:, 0].std() == pytest.approx(1.0, abs=1e-6)
    assert numeric[1, 2] == 1.0 and numeric[0, 2] == 0.0  # missing-value indicator
    assert codes[:, 0].tolist() == [2, 1, 2, 0]  # blue=1, red=2, missing=0


def test_unseen_categories_and_missing_columns_values_map_to_zero(
    train: pd.DataFrame, small_schema: DatasetSchema
) -> None:
    pre = fit_preprocessor(train, small_schema)
    new = pd.DataFrame({"x": [np.nan], "gappy": [np.nan], "colour": ["green"]})

    numeric, codes = transform(new, pre)

    assert codes.tolist() == [[0]]  # green never seen in training
    assert np.isfinite(numeric).all()


def test_preprocessor_round_trips_through_json(
    train: pd.DataFrame, small_schema: DatasetSchema
) -> None:
    pre = fit_preprocessor(train, small_schema)

    again = Preprocessor.from_dict(json.loads(json.dumps(pre.to_dict())))

    assert again == pre


def test_encode_target_follows_schema_order_and_rejects_unknown_labels(
    train: pd.DataFrame, small_schema: DatasetSchema
) -> None:
    assert encode_target(train, small_schema).tolist() == [0, 1, 0, 1]

    with pytest.raises(ValueError, match=r"outside \['no', 'yes'\]: \['maybe'\]"):
        encode_target(train.assign(label="maybe"), small_schema)
