"""The contract's rules become real GX suites on every layer; extras never repeat them."""

from __future__ import annotations

import pytest
from kedro.config import OmegaConfigLoader

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.contract.expectations import generated_rules, suite_names
from {{ cookiecutter.python_package }}.validation.suites import build_suite, suite_rules


def test_every_generated_suite_builds(
    contract: Contract, config: OmegaConfigLoader
) -> None:
    extras = config["expectations"]

    built = {
        name: build_suite(name, suite_rules(name, contract, extras.get(name)))
        for name in suite_names(contract)
    }

    assert set(built) == {
        *(
            f"{s}_{layer}"
            for s in ("customers", "usage", "tickets")
            for layer in ("raw", "intermediate")
        ),
        "primary_table",
        "train_set",
        "validation_set",
        "test_set",
    }
    assert all(len(suite.expectations) >= 2 for suite in built.values())
    sources = {e.meta["source"] for e in built["customers_intermediate"].expectations}
    assert "sources.customers.columns.age.min/max" in sources


def test_every_catalog_gate_names_a_suite_the_contract_generates(
    config: OmegaConfigLoader, contract: Contract
) -> None:
    gates = {
        entry["validator"]["options"]["suite"]
        for entry in config["catalog"].values()
        if "validator" in entry
    }

    concrete = {gate for gate in gates if "{" not in gate}
    assert concrete <= set(suite_names(contract))


def _kinds(contract: Contract, suite: str) -> set[tuple[str, str | None]]:
    return {
        (kind, kwargs.get("column"))
        for kind, kwargs, _ in generated_rules(contract, suite)
    }


def test_intermediate_rules_come_from_each_column(contract: Contract) -> None:
    rules = generated_rules(contract, "customers_intermediate")
    by_kind = {(kind, kwargs.get("column")): kwargs for kind, kwargs, _ in rules}

    assert by_kind[("expect_column_values_to_be_between", "age")] == {
        "column": "age",
        "min_value": 18,
        "max_value": 110,
    }
    # Dates are bounded by their smallest and largest value (GX compares dates value
    # by value otherwise, 50x slower); cleaning has already set each bad row aside.
    assert by_kind[("expect_column_max_to_be_between", "signup_date")] == {
        "column": "signup_date",
        "max_value": "2026-06-30T00:00:00",
    }
    assert by_kind[("expect_column_values_to_not_be_null", "age")]["mostly"] == 0.9
    assert (
        by_kind[("expect_column_values_to_be_in_set", "region")]["value_set"][0]
        == "north"
    )
    assert ("expect_column_values_to_be_unique", "customer_id") in by_kind
    assert ("expect_column_unique_value_count_to_be_between", "plan") in by_kind
    assert ("expect_column_pair_values_a_to_be_greater_than_b", None) in by_kind
    compound = generated_rules(contract, "usage_intermediate")
    assert (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["customer_id", "month"]},
    ) in [(k, a) for k, a, _ in compound]


def test_aggregates_inherit_the_range_of_their_source_column(
    contract: Contract,
) -> None:
    rules = generated_rules(contract, "primary_table")
    between = {
        kwargs["column"]: (kwargs["min_value"], kwargs["max_value"])
        for kind, kwargs, _ in rules
        if kind == "expect_column_values_to_be_between"
    }

    assert between["avg_dropped_calls"] == (0, 10000)  # mean of 0..10000
    assert between["n_tickets"] == (0, None)  # a count
    assert "data_gb_trend" not in between  # a ratio has no inherited range


def test_splits_need_every_class(contract: Contract) -> None:
    assert ("expect_column_distinct_values_to_equal_set", "churned") in _kinds(
        contract, "validation_set"
    )


def test_an_extra_that_repeats_a_generated_rule_is_refused(contract: Contract) -> None:
    extras = {
        "expectations": [
            {"expect_column_values_to_be_between": {"column": "age", "min_value": 0}}
        ]
    }

    with pytest.raises(ValueError) as error:
        suite_rules("customers_intermediate", contract, extras)

    message = str(error.value)
    assert "conf/<env>/expectations/customers_intermediate.yml" in message
    assert (
        "repeats the rule the contract generates from sources.customers.columns.age.min/max"
        in message
    )


def test_extras_add_to_the_generated_rules(contract: Contract) -> None:
    extra = {"expect_column_mean_to_be_between": {"column": "age", "min_value": 30}}

    rules = suite_rules("customers_intermediate", contract, {"expectations": [extra]})

    assert rules[-1] == (
        "expect_column_mean_to_be_between",
        extra["expect_column_mean_to_be_between"],
        "conf/<env>/expectations/customers_intermediate.yml",
    )


def test_malformed_extras_name_their_file() -> None:
    with pytest.raises(ValueError, match=r"expectations/people\.yml is malformed"):
        suite_rules("people", None, {"expectations": [{"a": {}, "b": {}}]})


def test_without_target_drops_every_rule_on_the_label(contract: Contract) -> None:
    unlabelled = suite_rules("primary_table", contract, without_target=True)
    kinds = {kind for kind, _, _ in unlabelled}

    assert "expect_column_unique_value_count_to_be_between" not in kinds  # population
    assert "expect_column_values_to_be_in_set" in kinds  # a row can break it
    assert all(kwargs.get("column") != "churned" for _, kwargs, _ in unlabelled)
    column_sets = [k["column_set"] for _, k, _ in unlabelled if "column_set" in k]
    assert column_sets and all("churned" not in s for s in column_sets)


def test_without_target_drops_the_target_by_its_raw_header_too() -> None:
    contract = Contract.model_validate(
        {
            "as_of_date": "2026-01-01",
            "sources": {
                "rows": {
                    "columns": {
                        "label": {
                            "raw": "The Label",
                            "type": "category",
                            "role": "target",
                            "values": ["a", "b"],
                        },
                        "x": {"type": "number"},
                    }
                }
            },
        }
    )

    (column_set,) = [
        k["column_set"]
        for _, k, _ in suite_rules("rows_raw", contract, without_target=True)
        if "column_set" in k
    ]
    assert column_set == ["x"]
