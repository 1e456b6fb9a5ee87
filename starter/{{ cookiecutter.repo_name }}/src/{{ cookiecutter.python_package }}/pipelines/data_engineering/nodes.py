"""Generic data-engineering steps, driven by the data contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
from narwhals.typing import IntoFrame
from pydantic import BaseModel, ConfigDict, Field
from sklearn.model_selection import train_test_split

from {{ cookiecutter.python_package }}.contract import Contract, clean, frames

Frame = TypeVar("Frame", bound=IntoFrame)


class SplitParams(BaseModel):
    """How the feature table is split (``data_engineering.split``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    validation_fraction: float = Field(gt=0.0, lt=1.0)
    test_fraction: float = Field(gt=0.0, lt=1.0)
    seed: int = 42


def source_cleaner(
    source: str,
) -> Callable[[Frame, Contract], tuple[Frame, Frame]]:
    """The cleaning node of one raw source, named ``clean_<source>``."""

    def clean_source(raw: Frame, contract: Contract) -> tuple[Frame, Frame]:
        """Type ``raw`` by its contract; rows that break it go to quarantine.

        Returns:
            The clean rows, and the quarantined rows as received with a
            ``quarantine_reason`` column (see :func:`{{ cookiecutter.python_package }}.contract.clean`).
        """
        kept, quarantine = clean(raw, contract, source)
        if isinstance(quarantine, pd.DataFrame):
            quarantine = quarantine.reset_index(drop=True)
        return kept, quarantine

    clean_source.__name__ = clean_source.__qualname__ = f"clean_{source}"
    return clean_source


def engineer_features(primary: Frame, contract: Contract) -> Frame:
    """Add model-ready numeric features: each date column's age in days at ``as_of``.

    Args:
        primary: The primary table (pandas or PySpark).
        contract: The data contract (date features and the snapshot date).

    Returns:
        The primary table with one ``<date>_age_days`` column per date feature.
    """
    table = contract.table
    snapshot = dt.datetime.combine(contract.as_of_date, dt.time())
    ages = dict(zip(table.date_features, table.date, strict=True))
    return frames.with_days_before(primary, snapshot, ages)


def split_dataset(
    features: IntoFrame, contract: Contract, split: SplitParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split into train, validation and test sets, stratified on the target.

    Args:
        features: The feature table (pandas, or PySpark: collected to pandas).
        contract: The data contract (gives the target column).
        split: Fractions and seed.

    Returns:
        The train, validation and test sets, each in the feature table's order.
    """
    features = frames.to_pandas(features)
    target = contract.target
    holdout = split.validation_fraction + split.test_fraction
    train, rest = train_test_split(
        features, test_size=holdout, stratify=features[target], random_state=split.seed
    )
    validation, test = train_test_split(
        rest,
        test_size=split.test_fraction / holdout,
        stratify=rest[target],
        random_state=split.seed,
    )
    return tuple(
        part.sort_index().reset_index(drop=True) for part in (train, validation, test)
    )
