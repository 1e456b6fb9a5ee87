"""Suites declared in YAML become real GX suites; malformed ones fail clearly."""

from __future__ import annotations

from typing import Any

import pytest
from kedro.config import OmegaConfigLoader

from {{ cookiecutter.python_package }}.schema import DatasetSchema
from {{ cookiecutter.python_package }}.validation.suites import build_suite, schema_expectations


def test_every_project_suite_builds(
    config: OmegaConfigLoader, schema: DatasetSchema
) -> None:
    suites = config["expectations"]

    built = {name: build_suite(name, spec, schema) for name, spec in suites.items()}

    assert set(built) >= {"customers_raw", "customers_intermediate", "train_set"}
    assert all(len(suite.expectations) >= 4 for suite in built.values())


def test_every_catalog_gate_has_a_suite(config: OmegaConfigLoader) -> None:
    gates = {
        entry["validator"]["options"]["suite"]
        for entry in config["catalog"].values()
        if "validator" in entry
    }

    assert gates == set(config["expectations"])


def test_schema_contributes_the_contract(schema: DatasetSchema) -> None:
    rules = schema_expectations(schema)
    kinds = {(kind, kwargs.get("column")) for kind, kwargs in rules}

    assert ("expect_column_values_to_be_unique", "customer_id") in kinds
    assert ("expect_column_values_to_be_in_set", "churned") in kinds
    assert ("expect_column_values_to_be_in_set", "contract") in kinds
    assert ("expect_column_values_to_be_in_type_list", "monthly_charges") in kinds
    assert ("expect_column_values_to_be_in_type_list", "signup_date") in kinds
    assert rules[0][1]["column_set"] == schema.columns


def test_schema_suite_includes_contract_and_own_rules(schema: DatasetSchema) -> None:
    declaration: dict[str, Any] = {
        "schema": True,
        "expectations": [{"expect_table_row_count_to_be_between": {"min_value": 1}}],
    }

    suite = build_suite("t", declaration, schema)

    assert len(suite.expectations) == len(schema_expectations(schema)) + 1


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ({"expectations": [{"expect_nothing_at_all": {}}]}, "expect_nothing_at_all"),
        (
            {"expectations": [{"expect_column_to_exist": {"column": "a"}, "x": {}}]},
            "one-key mapping",
        ),
        ({"rules": []}, "rules"),
    ],
)
def test_malformed_suite_names_itself_and_the_problem(
    declaration: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as error:
        build_suite("broken_suite", declaration, None)

    assert "broken_suite" in str(error.value)


def test_without_target_drops_every_rule_on_the_label(
    config: OmegaConfigLoader, schema: DatasetSchema
) -> None:
    declaration = config["expectations"]["customer_table_primary"]

    full = build_suite("p", declaration, schema)
    unlabelled = build_suite("p", declaration, schema, without_target=True)

    def on_target(suite: Any) -> list[Any]:
        return [
            e for e in suite.expectations if getattr(e, "column", None) == schema.target
        ]

    assert on_target(full) and not on_target(unlabelled)
    column_sets = [
        e.column_set for e in unlabelled.expectations if hasattr(e, "column_set")
    ]
    assert column_sets and all(schema.target not in s for s in column_sets)
