"""The Great Expectations rules the contract implies, for every gated layer.

Each rule is ``(expectation type, arguments, contract field)``: the field is where the
rule comes from, so a failure says what to change. Suites, by dataset:

- ``<source>_raw`` (on load): the declared raw columns are there, the file has rows.
- ``<source>_intermediate`` (on save): exact columns, types, key, vocabularies, ranges,
  missing shares, row counts, column rules; no all-null or constant feature.
- ``primary_table`` (on save): ids, target and classes, feature types and
  vocabularies, the ranges aggregates inherit from their source column.
- ``train_set``, ``validation_set``, ``test_set`` (on save): every class present,
  feature types, date ages within the contract's dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ml_template.contract.model import (
    ROW_ID,
    Column,
    Contract,
    Source,
)

Rule = tuple[str, dict[str, Any], str]

# Types by their pandas dtype names and their Spark type names (GX checks either).
NUMERIC_TYPES = ["float64", "int64", "Float64", "Int64", "DoubleType", "LongType"]
DATE_TYPES = [
    "datetime64[ns]",
    "datetime64[us]",
    "datetime64[ms]",
    "datetime64[s]",
    "TimestampNTZType",
    "TimestampType",
]
# pandas text is `str`; Spark's is StringType (see validation.suites.on_spark).
TEXT_TYPE, SPARK_TEXT_TYPE = "str", "StringType"
SPLITS = ("train_set", "validation_set", "test_set")
PRIMARY = "primary_table"
_PAIR = {
    ">=": ("expect_column_pair_values_a_to_be_greater_than_b", False, True),
    ">": ("expect_column_pair_values_a_to_be_greater_than_b", False, False),
    "<=": ("expect_column_pair_values_a_to_be_greater_than_b", True, True),
    "<": ("expect_column_pair_values_a_to_be_greater_than_b", True, False),
}


def suite_names(contract: Contract) -> list[str]:
    """Every suite the contract generates."""
    per_source = [
        f"{n}_{layer}" for n in contract.sources for layer in ("raw", "intermediate")
    ]
    return [*per_source, PRIMARY, *SPLITS]


def generated_rules(contract: Contract, suite: str) -> list[Rule]:
    """The rules of ``suite``, or ``[]`` when the contract generates no such suite."""
    for name, source in contract.sources.items():
        if suite == f"{name}_raw":
            return _raw(source, f"sources.{name}")
        if suite == f"{name}_intermediate":
            return _intermediate(contract, source, f"sources.{name}")
    if suite == PRIMARY:
        return _primary(contract)
    if suite in SPLITS:
        return _split(contract, first=suite == SPLITS[0])
    return []


def _raw(source: Source, at: str) -> list[Rule]:
    return [
        (
            "expect_table_columns_to_match_set",
            {
                "column_set": [source.raw_name(c) for c in source.kept],
                "exact_match": False,
            },
            f"{at}.columns",
        ),
        (
            "expect_table_row_count_to_be_between",
            {"min_value": 1, "max_value": None},
            at,
        ),
    ]


def _intermediate(contract: Contract, source: Source, at: str) -> list[Rule]:
    columns = [*([] if source.key else [ROW_ID]), *source.kept]
    rules: list[Rule] = [
        (
            "expect_table_columns_to_match_set",
            {"column_set": columns, "exact_match": True},
            f"{at}.columns",
        ),
        (
            "expect_table_row_count_to_be_between",
            {"min_value": source.rows.min, "max_value": source.rows.max},
            f"{at}.rows",
        ),
        *_unique(source.ids, f"{at}.key"),
    ]
    for name, column in source.kept.items():
        rules += _column(contract, name, column, f"{at}.columns.{name}")
    for rule in source.rules:
        if rule.op in _PAIR:
            kind, swap, or_equal = _PAIR[rule.op]
            a, b = (rule.other, rule.column) if swap else (rule.column, rule.other)
            kwargs = {
                "column_A": a,
                "column_B": b,
                "or_equal": or_equal,
                "ignore_row_if": "either_value_is_missing",
            }
            rules.append((kind, kwargs, f"{at}.rules.{rule.name}"))
    return rules


def _column(contract: Contract, name: str, column: Column, at: str) -> list[Rule]:
    """Type, missing values, vocabulary, range and variety of one column."""
    rules = [_type(name, column.type, at)]
    if column.mandatory:
        rules.append(("expect_column_values_to_not_be_null", {"column": name}, at))
    elif column.max_missing is not None:
        rules.append(
            (
                "expect_column_values_to_not_be_null",
                {"column": name, "mostly": round(1.0 - column.max_missing, 6)},
                f"{at}.max_missing",
            )
        )
    if column.values:
        rules.append(
            (
                "expect_column_values_to_be_in_set",
                {"column": name, "value_set": column.values},
                f"{at}.values",
            )
        )
    if column.type == "date":  # GX compares dates value by value: 50x slower than this
        for bound, kind, key in (
            (column.min, "expect_column_min_to_be_between", "min_value"),
            (column.max, "expect_column_max_to_be_between", "max_value"),
        ):
            if bound is not None:
                limit = _bound(contract, bound)
                rules.append((kind, {"column": name, key: limit}, f"{at}.{key[:3]}"))
    elif column.min is not None or column.max is not None:
        bounds = {
            "min_value": _bound(contract, column.min),
            "max_value": _bound(contract, column.max),
        }
        rules.append(
            (
                "expect_column_values_to_be_between",
                {"column": name, **bounds},
                f"{at}.min/max",
            )
        )
    if column.role == "feature":
        rules.append(_varied(name, at))
    return rules


def _type(name: str, kind: str, at: str) -> Rule:
    if kind == "number":
        return (
            "expect_column_values_to_be_in_type_list",
            {"column": name, "type_list": NUMERIC_TYPES},
            f"{at}.type",
        )
    if kind == "date":
        return (
            "expect_column_values_to_be_in_type_list",
            {"column": name, "type_list": DATE_TYPES},
            f"{at}.type",
        )
    return (
        "expect_column_values_to_be_of_type",
        {"column": name, "type_": TEXT_TYPE},
        f"{at}.type",
    )


def _varied(name: str, at: str) -> Rule:
    """At least two distinct values: neither all missing nor constant."""
    return (
        "expect_column_unique_value_count_to_be_between",
        {"column": name, "min_value": 2},
        f"{at} (a feature)",
    )


def _unique(columns: list[str], at: str) -> list[Rule]:
    if len(columns) == 1:
        return [
            ("expect_column_values_to_not_be_null", {"column": columns[0]}, at),
            ("expect_column_values_to_be_unique", {"column": columns[0]}, at),
        ]
    return [("expect_compound_columns_to_be_unique", {"column_list": columns}, at)]


def _bound(contract: Contract, value: Any) -> Any:
    """A bound as GX compares it: dates as ISO date-times (GX reads a bare date as a
    ``date``, which pandas 3 refuses to compare with its timestamps)."""
    value = contract.bound(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat()
    return value


def _primary(contract: Contract) -> list[Rule]:
    entity, at = contract.entity, f"sources.{contract.entity_name}"
    table = contract.table
    rules: list[Rule] = [
        (
            "expect_table_columns_to_match_set",
            {"column_set": table.columns, "exact_match": False},
            "sources",
        ),
        *_unique(table.ids, f"{at}.key"),
        (
            "expect_column_values_to_not_be_null",
            {"column": table.target},
            f"{at}.columns.{table.target}",
        ),
        (
            "expect_column_values_to_be_in_set",
            {"column": table.target, "value_set": table.classes},
            f"{at}.columns.{table.target}.values",
        ),
    ]
    if table.weight:
        field = f"{at}.columns.{table.weight}"
        rules += [
            ("expect_column_values_to_not_be_null", {"column": table.weight}, field),
            (
                "expect_column_values_to_be_between",
                {"column": table.weight, "min_value": 0},
                f"{field} (a weight is never negative)",
            ),
        ]
    for name in table.features:
        if name in entity.columns:
            column = entity.columns[name]
            rules.append(_type(name, column.type, f"{at}.columns.{name}"))
            if column.values:
                rules.append(
                    (
                        "expect_column_values_to_be_in_set",
                        {"column": name, "value_set": column.values},
                        f"{at}.columns.{name}.values",
                    )
                )
            rules.append(_varied(name, f"{at}.columns.{name}"))
    for source_name, source in contract.events.items():
        rules += _aggregates(contract, source, f"sources.{source_name}.join")
    return rules


def _aggregates(contract: Contract, source: Source, at: str) -> list[Rule]:
    """Aggregates are numbers; most keep their source column's range or are counts."""
    join = source.join
    assert join is not None  # noqa: S101 (event sources have a join)
    rules: list[Rule] = []
    for name in join.aggregates:
        field = f"{at}.aggregates.{name}"
        rules += [_type(name, "number", field), _varied(name, field)]
        low, high = contract.aggregate_range(source, name)
        if low is not None or high is not None:
            rules.append(
                (
                    "expect_column_values_to_be_between",
                    {"column": name, "min_value": low, "max_value": high},
                    field,
                )
            )
    for name in join.trends:
        rules.append(_type(name, "number", f"{at}.trends.{name}"))
    return rules


def _split(contract: Contract, first: bool) -> list[Rule]:
    table, at = contract.table, f"sources.{contract.entity_name}.columns"
    rules: list[Rule] = [
        (
            "expect_table_columns_to_match_set",
            {"column_set": table.columns + table.date_features, "exact_match": False},
            "sources",
        ),
        (
            "expect_column_distinct_values_to_equal_set",
            {"column": table.target, "value_set": table.classes},
            f"{at}.{table.target}.values (every class in every split)",
        ),
    ]
    for name in table.numeric_features:
        rules.append(_type(name, "number", "sources"))
    for name, feature in zip(table.date, table.date_features, strict=True):
        column = contract.entity.columns[name]
        low = contract.bound(column.max) if column.max is not None else None
        if low is not None:
            rules.append(
                (
                    "expect_column_values_to_be_between",
                    {"column": feature, "min_value": (contract.as_of_date - low).days},
                    f"{at}.{name}.max",
                )
            )
    if first:
        rules += [_varied(name, f"{at}.{name}") for name in table.numeric_features]
    return rules
