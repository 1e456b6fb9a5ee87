"""The GX validator on frames built in the test: what passes, and what a failure says."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.validation import DataValidationError, Validator

from {{ cookiecutter.python_package }}.validation import GXValidator, ValidationSession, current, gates


@pytest.fixture
def session() -> ValidationSession:
    suites = {
        "people": {
            "expectations": [
                {
                    "expect_column_values_to_be_between": {
                        "column": "age",
                        "min_value": 0,
                    }
                },
                {"expect_column_values_to_be_unique": {"column": "id"}},
                {"expect_table_row_count_to_be_between": {"min_value": 2}},
            ]
        }
    }
    session = ValidationSession(contract=None, extras=suites)
    with gates(session):
        yield session


def test_gx_validator_satisfies_kedros_protocol() -> None:
    assert isinstance(GXValidator(suite="people"), Validator)


def test_valid_data_passes_through_unchanged(session: ValidationSession) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "age": [3, 40]})

    assert GXValidator("people").validate(frame) is frame
    assert session.results["people"]["success"] is True


def test_failure_names_each_rule_observed_value_and_samples(
    session: ValidationSession,
) -> None:
    frame = pd.DataFrame({"id": ["a", "a", "c"], "age": [-5, 40, -1]})

    with pytest.raises(DataValidationError) as error:
        GXValidator("people").validate(frame)

    message = str(error.value)
    assert "suite 'people'" in message
    assert "expect_column_values_to_be_between(min_value=0" in message
    assert "2 of 3 rows unexpected" in message
    assert "-5" in message and "-1" in message
    assert "expect_column_values_to_be_unique" in message
    assert "[conf/<env>/expectations/people.yml]" in message
    assert session.results["people"]["success"] is False


def test_aggregate_failure_reports_the_observed_value(
    session: ValidationSession,
) -> None:
    with pytest.raises(DataValidationError, match="observed 1"):
        GXValidator("people").validate(pd.DataFrame({"id": ["a"], "age": [1]}))


def test_missing_column_is_named_with_its_source_before_gx_runs(
    session: ValidationSession,
) -> None:
    with pytest.raises(DataValidationError) as error:
        GXValidator("people").validate(pd.DataFrame({"id": ["a", "b"]}))

    message = str(error.value)
    assert "people: column(s) ['age'] declared in conf/<env>/expectations" in message
    assert "present: ['id']" in message
    assert "list index" not in message and "error:" not in message


def test_one_gx_context_serves_every_validation(session: ValidationSession) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "age": [3, 40]})
    GXValidator("people").validate(frame)
    context = session._gx_context()

    GXValidator("people").validate(frame)

    assert session._gx_context() is context


def test_unknown_suite_says_where_to_add_it(session: ValidationSession) -> None:
    with pytest.raises(KeyError, match=r"conf/<env>/expectations/nobody\.yml"):
        GXValidator("nobody").validate(pd.DataFrame({"id": ["a"]}))


def test_outside_a_run_a_validator_checks_with_the_projects_own_rules() -> None:
    assert current() is None  # no run's session in scope
    bad = pd.DataFrame({"customer_id": ["C0000001"], "tenure_months": [-4]})

    # The live project's contract (conf/base/contract.yml), as a notebook reads it.
    with pytest.raises(DataValidationError, match="customers_raw"):
        GXValidator("customers_raw").validate(bad)


def test_failure_samples_carry_row_ids(validation_session: ValidationSession) -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "ticket_id": ["t1", "t2"],
            "category": ["billing", "x"],
            "opened_at": pd.to_datetime(["2026-01-01"] * 2),
            "resolution_hours": [1.0, 2.0],
            "satisfaction": [3.0, 4.0],
        }
    )

    with pytest.raises(DataValidationError) as error:
        GXValidator("tickets_intermediate").validate(frame)

    assert "C2: 'x'" in str(error.value)
    assert "[sources.tickets.columns.category.values]" in str(error.value)
