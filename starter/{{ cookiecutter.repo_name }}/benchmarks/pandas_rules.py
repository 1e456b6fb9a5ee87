"""The gates' expectations as plain pandas boolean checks, GX's semantics kept: column
checks ignore missing values, and ``mostly`` is the share of the non-missing values that
must pass. The baseline Great Expectations is measured against (benchmarks/gates.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def _share(passed: pd.Series, mostly: float | None) -> bool:
    """Whether enough of the checked values passed (all of them without ``mostly``)."""
    if len(passed) == 0:
        return True
    return bool(passed.all()) if mostly is None else passed.mean() >= mostly


def _present(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].dropna()


def table_columns_to_match_set(
    frame: pd.DataFrame, column_set: list[str], exact_match: bool = True
) -> bool:
    """Columns equal the set (exact) or include it."""
    if exact_match:
        return set(frame.columns) == set(column_set)
    return set(column_set) <= set(frame.columns)


def table_row_count_to_be_between(
    frame: pd.DataFrame, min_value: int | None = None, max_value: int | None = None
) -> bool:
    """Row count within bounds."""
    return (min_value is None or len(frame) >= min_value) and (
        max_value is None or len(frame) <= max_value
    )


def column_values_to_not_be_null(
    frame: pd.DataFrame, column: str, mostly: float | None = None
) -> bool:
    """Enough non-missing values."""
    return _share(frame[column].notna(), mostly)


def column_values_to_be_unique(
    frame: pd.DataFrame, column: str, mostly: float | None = None
) -> bool:
    """Enough values that occur once (every copy of a repeated value fails)."""
    return _share(~_present(frame, column).duplicated(keep=False), mostly)


def compound_columns_to_be_unique(frame: pd.DataFrame, column_list: list[str]) -> bool:
    """No repeated combination of the columns."""
    return not frame.duplicated(subset=column_list, keep=False).any()


def column_values_to_be_in_set(
    frame: pd.DataFrame, column: str, value_set: list[Any], mostly: float | None = None
) -> bool:
    """Enough values inside the set."""
    return _share(_present(frame, column).isin(value_set), mostly)


def column_distinct_values_to_equal_set(
    frame: pd.DataFrame, column: str, value_set: list[Any]
) -> bool:
    """The distinct values are exactly the set."""
    return set(_present(frame, column).unique()) == set(value_set)


def column_values_to_be_between(
    frame: pd.DataFrame,
    column: str,
    min_value: float | None = None,
    max_value: float | None = None,
    mostly: float | None = None,
) -> bool:
    """Enough values within the bounds (inclusive)."""
    values = _present(frame, column)
    passed = pd.Series(True, index=values.index)
    if min_value is not None:
        passed &= values >= min_value
    if max_value is not None:
        passed &= values <= max_value
    return _share(passed, mostly)


def column_values_to_match_regex(
    frame: pd.DataFrame, column: str, regex: str, mostly: float | None = None
) -> bool:
    """Enough values in which the pattern is found (``re.search``, as GX does)."""
    return _share(_present(frame, column).str.contains(regex, regex=True), mostly)


def column_values_to_be_in_type_list(
    frame: pd.DataFrame, column: str, type_list: list[str]
) -> bool:
    """The column's dtype is one of the listed names."""
    return str(frame[column].dtype) in type_list


def column_values_to_be_of_type(frame: pd.DataFrame, column: str, type_: str) -> bool:
    """A text column (the only type the gates ask for by name)."""
    return type_ == "str" and pd.api.types.is_string_dtype(frame[column])


def column_pair_values_a_to_be_greater_than_b(
    frame: pd.DataFrame,
    column_A: str,
    column_B: str,
    or_equal: bool = False,
    ignore_row_if: str = "both_values_are_missing",
) -> bool:
    """A > B (or >=) on the rows where both are present."""
    a, b = frame[column_A], frame[column_B]
    both = a.notna() & b.notna()
    passed = a[both] >= b[both] if or_equal else a[both] > b[both]
    return bool(passed.all())


def column_unique_value_count_to_be_between(
    frame: pd.DataFrame,
    column: str,
    min_value: int | None = None,
    max_value: int | None = None,
) -> bool:
    """The number of distinct non-missing values within bounds."""
    count = _present(frame, column).nunique()
    return (min_value is None or count >= min_value) and (
        max_value is None or count <= max_value
    )


def column_min_to_be_between(
    frame: pd.DataFrame, column: str, min_value: Any = None, max_value: Any = None
) -> bool:
    """The smallest value within bounds (dates given as ISO text)."""
    return _within(_present(frame, column).min(), min_value, max_value)


def column_max_to_be_between(
    frame: pd.DataFrame, column: str, min_value: Any = None, max_value: Any = None
) -> bool:
    """The largest value within bounds (dates given as ISO text)."""
    return _within(_present(frame, column).max(), min_value, max_value)


def _within(value: Any, low: Any, high: Any) -> bool:
    if pd.isna(value):
        return True
    convert = pd.Timestamp if isinstance(value, pd.Timestamp) else (lambda v: v)
    return (low is None or value >= convert(low)) and (
        high is None or value <= convert(high)
    )


CHECKS: dict[str, Callable[..., bool]] = {
    f"expect_{function.__name__}": function
    for function in (
        table_columns_to_match_set,
        table_row_count_to_be_between,
        column_values_to_not_be_null,
        column_values_to_be_unique,
        compound_columns_to_be_unique,
        column_values_to_be_in_set,
        column_distinct_values_to_equal_set,
        column_values_to_be_between,
        column_values_to_match_regex,
        column_values_to_be_in_type_list,
        column_values_to_be_of_type,
        column_pair_values_a_to_be_greater_than_b,
        column_unique_value_count_to_be_between,
        column_min_to_be_between,
        column_max_to_be_between,
    )
}


def validate(frame: pd.DataFrame, rules: list[tuple[str, dict[str, Any], str]]) -> bool:
    """Whether every rule holds; each one is evaluated (no short cut), like a gate."""
    outcomes = [CHECKS[kind](frame, **kwargs) for kind, kwargs, _ in rules]
    return all(outcomes)
