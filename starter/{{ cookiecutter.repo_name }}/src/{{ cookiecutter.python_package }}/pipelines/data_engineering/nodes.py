"""Generic data-engineering steps, driven by the dataset contract and source specs."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.python_package }}.schema import parse_schema, parse_source

logger = logging.getLogger(__name__)

QUARANTINE_REASON = "quarantine_reason"


def clean_source(
    raw: pd.DataFrame, source: dict[str, Any], as_of: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type and tidy one raw source; set invalid rows aside with their reasons.

    Text is stripped and blanks become missing; numbers and dates are parsed (what does
    not parse becomes missing); categories are lower-cased with spaces as hyphens, and
    values outside the allowed set become missing. Rows missing a required value,
    selected by a quarantine rule, or repeating an earlier row's key go to quarantine.

    Args:
        raw: The source as received.
        source: Its ``sources.<name>`` parameters (see ``schema.SourceSpec``).
        as_of: Snapshot date, available to quarantine rules as ``@as_of``.

    Returns:
        The clean rows, and the quarantined rows as received with a
        ``quarantine_reason`` column.
    """
    spec = parse_source(source)
    typed = _typed(raw, spec)
    reasons = _reasons(typed, spec, pd.Timestamp(as_of))
    valid = reasons.isna()
    if spec.unique:
        repeated = typed.loc[valid, spec.unique].duplicated(keep="first")
        repeated = repeated.reindex(typed.index, fill_value=False)
        reasons = reasons.mask(repeated, f"duplicate {', '.join(spec.unique)}")
        valid &= ~repeated
    quarantine = raw.loc[~valid].assign(**{QUARANTINE_REASON: reasons[~valid]})
    logger.info("Kept %d rows, quarantined %d", int(valid.sum()), len(quarantine))
    return typed.loc[valid].reset_index(drop=True), quarantine.reset_index(drop=True)


def _typed(raw: pd.DataFrame, spec: Any) -> pd.DataFrame:
    """Parse numbers, dates and categories; keep every other column as stripped text."""
    columns = {}
    for column in raw.columns:
        values = raw[column]
        if values.dtype.kind in "OSU" or pd.api.types.is_string_dtype(values):
            values = values.str.strip().replace("", pd.NA)
        if column in spec.numeric:
            values = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column in spec.date:
            values = pd.to_datetime(values, errors="coerce", format="ISO8601")
        elif column in spec.categorical:
            values = _category(values, spec.categorical[column], column)
        columns[column] = values
    return pd.DataFrame(columns, index=raw.index)


def _category(values: pd.Series, allowed: list[str], column: str) -> pd.Series:
    normalised = values.str.lower().str.replace(r"[\s_]+", "-", regex=True)
    unknown = normalised.notna() & ~normalised.isin(allowed)
    if unknown.any():
        logger.info(
            "%s: %d values outside %s set to missing (e.g. %s)",
            column,
            int(unknown.sum()),
            allowed,
            normalised[unknown].unique()[:3].tolist(),
        )
    return normalised.mask(unknown).astype("str")


def _reasons(typed: pd.DataFrame, spec: Any, as_of: pd.Timestamp) -> pd.Series:
    """Every reason that disqualifies a row, joined with '; ' (missing if valid)."""
    masks = {f"missing {column}": typed[column].isna() for column in spec.required}
    for reason, rule in spec.quarantine.items():
        masks[reason] = typed.eval(rule, local_dict={"as_of": as_of}).fillna(False)
    reasons = pd.Series(pd.NA, index=typed.index, dtype="str")
    for reason, mask in masks.items():
        reasons = reasons.mask(mask & reasons.isna(), reason).mask(
            mask & reasons.notna(), reasons + "; " + reason
        )
    return reasons


def engineer_features(
    primary: pd.DataFrame, schema: dict[str, Any], as_of: str
) -> pd.DataFrame:
    """Add model-ready numeric features: each date column's age in days at ``as_of``.

    Args:
        primary: The primary table.
        schema: The dataset contract.
        as_of: Snapshot date from which ages are measured.

    Returns:
        The primary table with one ``<date>_age_days`` column per date column.
    """
    contract = parse_schema(schema)
    snapshot = pd.Timestamp(as_of)
    ages = {
        feature: (snapshot - primary[column]).dt.days.astype("float64")
        for column, feature in zip(contract.date, contract.date_features, strict=True)
    }
    return primary.assign(**ages)


def split_dataset(
    features: pd.DataFrame, schema: dict[str, Any], split: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split into train, validation and test sets, stratified on the target.

    Args:
        features: The feature table.
        schema: The dataset contract (gives the target column).
        split: ``validation_fraction``, ``test_fraction`` and ``seed``.

    Returns:
        The train, validation and test sets, each in id order.
    """
    target = parse_schema(schema).target
    holdout = split["validation_fraction"] + split["test_fraction"]
    train, rest = train_test_split(
        features,
        test_size=holdout,
        stratify=features[target],
        random_state=split["seed"],
    )
    validation, test = train_test_split(
        rest,
        test_size=split["test_fraction"] / holdout,
        stratify=rest[target],
        random_state=split["seed"],
    )
    return tuple(
        part.sort_index().reset_index(drop=True) for part in (train, validation, test)
    )
