"""Turn suites declared in YAML, plus the dataset contract, into GX expectation suites.

A suite file maps the suite name to its declaration::

    customer_table_primary:
      description: The joined customer table.
      schema: true              # add the dataset contract's basic expectations
      expectations:
        - expect_column_values_to_be_between: {column: age, min_value: 18, max_value: 110}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    import great_expectations as gx

    from {{ cookiecutter.python_package }}.schema import DatasetSchema

NUMERIC_TYPES = ["float64", "int64", "Float64", "Int64"]
DATE_TYPES = ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]"]


class SuiteSpec(BaseModel):
    """One gate's declaration in ``conf/<env>/expectations/<suite>.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    schema_: bool = Field(default=False, alias="schema")
    expectations: list[dict[str, dict[str, Any]]] = Field(default_factory=list)

    @field_validator("expectations")
    @classmethod
    def _one_type_per_item(
        cls, items: list[dict[str, dict[str, Any]]]
    ) -> list[dict[str, dict[str, Any]]]:
        for item in items:
            if len(item) != 1:
                raise ValueError(
                    "each expectation is a one-key mapping "
                    "'- expect_<name>: {kwargs}', got " + repr(item)
                )
        return items


def schema_expectations(schema: DatasetSchema) -> list[tuple[str, dict[str, Any]]]:
    """The basic expectations the dataset contract implies for a full table."""
    rules: list[tuple[str, dict[str, Any]]] = [
        (
            "expect_table_columns_to_match_set",
            {"column_set": schema.columns, "exact_match": False},
        ),
        ("expect_column_values_to_not_be_null", {"column": schema.id}),
        ("expect_column_values_to_be_unique", {"column": schema.id}),
        ("expect_column_values_to_not_be_null", {"column": schema.target}),
        (
            "expect_column_values_to_be_in_set",
            {"column": schema.target, "value_set": list(schema.classes)},
        ),
    ]
    for column in schema.numeric:
        rules.append(
            (
                "expect_column_values_to_be_in_type_list",
                {"column": column, "type_list": NUMERIC_TYPES},
            )
        )
    for column, allowed in schema.categorical.items():
        rules.append(
            ("expect_column_values_to_be_of_type", {"column": column, "type_": "str"})
        )
        rules.append(
            (
                "expect_column_values_to_be_in_set",
                {"column": column, "value_set": allowed},
            )
        )
    for column in schema.date:
        rules.append(
            (
                "expect_column_values_to_be_in_type_list",
                {"column": column, "type_list": DATE_TYPES},
            )
        )
    return rules


def _without_column(
    rules: list[tuple[str, dict[str, Any]]], column: str
) -> list[tuple[str, dict[str, Any]]]:
    """Drop the rules on ``column`` and take it out of expected column sets."""
    kept = []
    for kind, kwargs in rules:
        if column in (
            kwargs.get("column"),
            kwargs.get("column_A"),
            kwargs.get("column_B"),
        ):
            continue
        if "column_set" in kwargs:
            columns = [c for c in kwargs["column_set"] if c != column]
            kept.append((kind, {**kwargs, "column_set": columns}))
        else:
            kept.append((kind, kwargs))
    return kept


def build_suite(
    name: str,
    declaration: dict[str, Any],
    schema: DatasetSchema | None,
    without_target: bool = False,
) -> gx.ExpectationSuite:
    """Build the GX suite ``name`` from its YAML declaration.

    With ``without_target``, every rule on the schema's target is left out, for data
    that has no label yet (new customers to score) under the same gate.

    Raises:
        ValueError: If the declaration is malformed or names an unknown expectation,
            with the suite's name so the user knows which file to fix.
    """
    import great_expectations as gx  # noqa: PLC0415 (costs seconds: import on use)
    from great_expectations.expectations.expectation_configuration import (  # noqa: PLC0415
        ExpectationConfiguration,
    )

    expectations = []
    for expectation_type, kwargs in suite_rules(
        name, declaration, schema, without_target
    ):
        try:
            config = ExpectationConfiguration(
                type=expectation_type, kwargs=dict(kwargs)
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:
            raise ValueError(
                f"Suite '{name}': cannot build {expectation_type}({kwargs}): {exc}"
            ) from exc
    return gx.ExpectationSuite(
        name=name,
        expectations=expectations,
        meta={"notes": declaration.get("description", "")},
    )


def suite_rules(
    name: str,
    declaration: dict[str, Any],
    schema: DatasetSchema | None,
    without_target: bool = False,
) -> list[tuple[str, dict[str, Any]]]:
    """Every rule of suite ``name`` as (expectation type, arguments), schema's first."""
    try:
        spec = SuiteSpec.model_validate(declaration)
    except ValueError as exc:
        raise ValueError(f"Expectation suite '{name}' is malformed: {exc}") from exc
    if spec.schema_ and schema is None:
        raise ValueError(
            f"Suite '{name}' asks for schema expectations, but no schema is set."
        )
    rules = schema_expectations(schema) if spec.schema_ and schema else []
    rules += [next(iter(item.items())) for item in spec.expectations]
    if without_target and schema is not None:
        rules = _without_column(rules, schema.target)
    return rules
