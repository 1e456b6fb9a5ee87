"""Generic data-engineering steps, driven by the data contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar, cast

import narwhals as nw
import pandas as pd
from narwhals.typing import IntoFrame
from pydantic import BaseModel, ConfigDict, Field

from ml_template.contract import Contract, clean, frames
from ml_template.monitoring import MonitoringParams

Frame = TypeVar("Frame", bound=IntoFrame)
_DRAW, _SHARE = "__draw__", "__share__"
_BUCKET, _BEFORE, _SIZE = "__bucket__", "__before__", "__size__"
_CLASS_SIZE = "__class_size__"
_BUCKET_DIGITS = 2  # 256 buckets of the draw per class


class SplitParams(BaseModel):
    """How the feature table is split (``data_engineering.split``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    validation_fraction: float = Field(gt=0.0, lt=1.0)
    test_fraction: float = Field(gt=0.0, lt=1.0)
    seed: int = 42


# Where a scoring batch's own limit is set (the command line names the folder).
_SCORING_LIMIT = ("monitoring.max_quarantined", "conf/<env>/parameters_monitoring.yml")


def source_cleaner(source: str, scoring: bool = False) -> Callable[..., Any]:
    """The cleaning node of one raw source, named ``clean_<source>``.

    ``scoring``: the source of a batch to score, which takes ``params:monitoring`` too
    and may set aside up to its ``max_quarantined`` share of rows (the source's own
    limit in the contract is training's).
    """

    def clean_source(raw: Frame, contract: Contract) -> tuple[Frame, Frame]:
        """Type ``raw`` by its contract; rows that break it go to quarantine.

        Returns:
            The clean rows, and the quarantined rows as received with a
            ``quarantine_reason`` column (see :func:`ml_template.contract.clean`).
        """
        return _reindexed(*clean(raw, contract, source))

    def clean_batch(
        raw: Frame, contract: Contract, monitoring: MonitoringParams
    ) -> tuple[Frame, Frame]:
        """Type a batch to score by its contract; its bad rows go to quarantine.

        Returns:
            As a training source's cleaning, up to ``monitoring.max_quarantined``.
        """
        limit = monitoring.max_quarantined
        return _reindexed(*clean(raw, contract, source, limit, _SCORING_LIMIT))

    node = clean_batch if scoring else clean_source
    node.__name__ = node.__qualname__ = f"clean_{source}"
    return node


def _reindexed(kept: Frame, quarantine: Frame) -> tuple[Frame, Frame]:
    if isinstance(quarantine, pd.DataFrame):
        quarantine = quarantine.reset_index(drop=True)
    return kept, quarantine


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
    features: Frame, contract: Contract, split: SplitParams
) -> tuple[Frame, Frame, Frame]:
    """Split into train, validation and test sets, stratified on the target.

    Each row draws a seeded hash of its ids (:func:`frames.with_draw`) and is ranked
    by it within its class; the first ``1 - validation - test`` of each class train,
    the next ``validation`` validate and the rest test. The split depends on the ids
    and the seed only, never on row order or backend, so pandas and Spark give the
    same sets, and Spark splits without collecting the table.

    Args:
        features: The feature table (pandas or PySpark).
        contract: The data contract (gives the ids and the target).
        split: Fractions and seed.

    Returns:
        The train, validation and test sets, each sorted by its ids, of the input's
        kind.
    """
    table = contract.table
    drawn = frames.with_draw(
        nw.from_native(cast("Any", features)).lazy(), table.ids, split.seed, _DRAW
    ).with_columns(nw.col(_DRAW).str.slice(0, _BUCKET_DIGITS).alias(_BUCKET))
    ranked = frames.computed(_with_share(drawn, table.target))
    train_end = 1 - split.validation_fraction - split.test_fraction
    validation_end = 1 - split.test_fraction
    parts = (
        nw.col(_SHARE) < train_end,
        (nw.col(_SHARE) >= train_end) & (nw.col(_SHARE) < validation_end),
        nw.col(_SHARE) >= validation_end,
    )
    return tuple(
        _native(ranked.filter(part).drop(_DRAW, _SHARE).sort(table.ids), features)
        for part in parts
    )


def _with_share(drawn: nw.LazyFrame[Any], target: str) -> nw.LazyFrame[Any]:
    """``drawn`` with each row's rank by its draw within its class, as a share of the
    class (0 first, below 1 last).

    The rank is counted within buckets (the draw's leading hex digits, a prefix of
    the order) plus the rows of the class in earlier buckets: the same ordinal rank
    as over the whole class, but Spark sorts hundreds of buckets in parallel instead
    of each class on one core.
    """
    sizes = drawn.group_by(target, _BUCKET).agg(nw.len().alias(_SIZE))
    offsets = sizes.select(
        target,
        _BUCKET,
        (nw.col(_SIZE).cum_sum().over(target, order_by=_BUCKET) - nw.col(_SIZE)).alias(
            _BEFORE
        ),
        nw.col(_SIZE).sum().over(target).alias(_CLASS_SIZE),
    )
    rank = nw.col(_DRAW).rank("ordinal").over(target, _BUCKET)
    share = (nw.col(_BEFORE) + rank - 1) / nw.col(_CLASS_SIZE)
    return (
        drawn.join(offsets, on=[target, _BUCKET])
        .with_columns(share.alias(_SHARE))
        .drop(_BUCKET, _BEFORE, _CLASS_SIZE)
    )


def _native(frame: nw.LazyFrame[Any], like: Any) -> Any:
    """``frame`` as the kind of frame ``like`` is: pandas (re-indexed) or Spark."""
    if isinstance(like, pd.DataFrame):
        return frame.collect().to_native().reset_index(drop=True)
    return frame.to_native()
