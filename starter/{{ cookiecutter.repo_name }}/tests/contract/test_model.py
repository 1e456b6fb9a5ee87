"""The contract model: what it accepts, what it derives, and errors that say the fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from omegaconf import OmegaConf

from {{ cookiecutter.python_package }}.contract import Contract, ContractError, normalise
from {{ cookiecutter.python_package }}.contract.loading import parse_contract
from {{ cookiecutter.python_package }}.contract.model import ascii_pattern
from tests.conftest import PROJECT_ROOT, TOY_CONTRACT


def _toy(**columns: Any) -> dict[str, Any]:
    raw = copy.deepcopy(TOY_CONTRACT)
    raw["sources"]["rows"]["columns"].update(columns)
    return raw


def test_the_fixture_contract_derives_the_primary_table(contract: Contract) -> None:
    table = contract.table

    assert contract.entity_name == "customers"
    assert list(contract.events) == ["usage", "tickets"]
    assert table.ids == ["customer_id"]
    assert (table.target, table.classes) == ("churned", ["no", "yes"])
    assert table.date == ["signup_date"]
    assert "region" in table.categorical
    assert {"avg_data_gb", "data_gb_trend", "n_tickets"} <= set(table.numeric)
    assert "tenure_months" in table.numeric


def test_normalisation_ignores_case_spaces_and_separators() -> None:
    assert normalise("  Month to_Month ") == normalise("month-to-month")
    assert normalise("Two  Year") == "two-year"


def test_unquoted_yes_and_no_are_refused_with_the_fix() -> None:
    raw = OmegaConf.to_container(OmegaConf.create("values: [no, yes]"))
    contract = _toy(flag={"type": "category", **raw})  # type: ignore[dict-item]

    with pytest.raises(ContractError) as error:
        parse_contract(contract)

    message = str(error.value)
    assert "conf/<env>/contract.yml" in message
    assert "contract.sources.rows.columns.flag.values" in message
    assert "quote" in message and "'yes'" in message


def test_a_column_name_that_is_not_an_identifier_says_to_use_raw() -> None:
    with pytest.raises(ContractError, match=r"raw: 'Body Mass \(g\)'"):
        parse_contract(_toy(**{"Body Mass (g)": {"type": "number"}}))


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ContractError, match=r"columns\.x\.maximum: Extra inputs"):
        parse_contract(_toy(x={"type": "number", "maximum": 3}))


def test_fields_that_do_not_fit_the_type_are_refused() -> None:
    with pytest.raises(ContractError, match="`values` is for category columns"):
        parse_contract(_toy(x={"type": "number", "values": ["a"]}))
    with pytest.raises(ContractError, match="a category column needs `values`"):
        parse_contract(_toy(colour={"type": "category"}))


def test_exactly_one_entity_and_one_target() -> None:
    raw = _toy(label={"type": "category", "values": ["no", "yes"]})
    with pytest.raises(ContractError, match="exactly one column with role `target`"):
        parse_contract(raw)

    events = copy.deepcopy(TOY_CONTRACT)
    events["sources"]["more"] = copy.deepcopy(events["sources"]["rows"])
    with pytest.raises(ContractError, match="exactly one source has no `join`"):
        parse_contract(events)


def test_an_event_source_joins_on_as_many_columns_as_the_entity_key() -> None:
    raw = copy.deepcopy(TOY_CONTRACT)
    raw["sources"]["events"] = {
        "columns": {"id": {"type": "text", "role": "id"}, "v": {"type": "number"}},
        "join": {"by": ["id", "v"], "aggregates": {"v_mean": ["v", "mean"]}},
    }
    with pytest.raises(ContractError, match=r"join\.by has 2 columns"):
        parse_contract(raw)


def test_references_to_unknown_columns_are_refused() -> None:
    raw = copy.deepcopy(TOY_CONTRACT)
    raw["sources"]["rows"]["key"] = ["identifier"]
    with pytest.raises(ContractError, match=r"key names \['identifier'\]"):
        parse_contract(raw)


def test_a_flat_table_without_key_gets_a_generated_row_id() -> None:
    raw = copy.deepcopy(TOY_CONTRACT)
    raw["sources"]["rows"]["key"] = []
    raw["sources"]["rows"]["columns"]["id"]["role"] = "ignore"

    contract = parse_contract(raw)

    assert contract.table.ids == ["row_id"]
    assert "id" not in contract.table.columns


def test_no_source_file_names_a_column_of_the_example(contract: Contract) -> None:
    """Only the example's generator knows its columns; the rest reads the contract."""
    names = {
        name
        for source in contract.sources.values()
        for name in [*source.columns, *(source.join.outputs if source.join else [])]
    } - {"contract", "category"}  # also words of the contract's own format
    generator = {"synthetic.py", "nodes.py", "pipeline.py"}
    offenders = {
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in (PROJECT_ROOT / "src").rglob("*.py")
        if not (path.name in generator and "synthetic" in str(path))
        for name in names
        if f'"{name}"' in path.read_text() or f"'{name}'" in path.read_text()
    }

    assert not offenders


@pytest.mark.parametrize(
    ("pattern", "spelled"),
    [
        (r"^C\d{7}$", r"^C[0-9]{7}$"),
        (r"[\d-]+", r"[0-9-]+"),
        (r"[^\s]+\W", r"[^ \t\n\r\f\v]+[^A-Za-z0-9_]"),
        (r"\w+\\d", r"[A-Za-z0-9_]+\\d"),  # an escaped backslash stays one
        (r"[]\d]", r"[]0-9]"),  # a ] first in brackets is a character
    ],
)
def test_pattern_classes_mean_ascii_on_every_route(pattern: str, spelled: str) -> None:
    assert ascii_pattern(pattern) == spelled


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        (r"[\D]", "has no ASCII spelling; write the characters it allows as a range"),
        (r"C(\d{7}", "is not a regular expression: missing ), unterminated subpattern"),
    ],
)
def test_a_pattern_that_cannot_be_checked_is_refused_with_the_fix(
    pattern: str, says: str
) -> None:
    raw = _toy(code={"type": "text", "role": "ignore", "pattern": pattern})

    with pytest.raises(ContractError, match="code") as refused:
        parse_contract(raw)

    assert says in str(refused.value)


def test_a_sample_weight_column_is_counted_not_learned() -> None:
    contract = parse_contract(_toy(w={"type": "number", "role": "weight", "min": 0}))
    table = contract.table

    assert table.weight == "w"
    assert table.columns[:3] == ["id", "label", "w"]
    assert "w" not in table.features
    assert contract.entity.columns["w"].mandatory  # a row without a weight is bad


@pytest.mark.parametrize(
    "column",
    [
        {"type": "number", "role": "weight"},  # no min
        {"type": "number", "role": "weight", "min": -1},
        {"type": "category", "role": "weight", "values": ["a", "b"]},
    ],
)
def test_a_weight_is_a_number_never_negative(column: dict[str, Any]) -> None:
    with pytest.raises(
        ContractError, match=r"role `weight` is a `number` with `min: 0`"
    ):
        parse_contract(_toy(w=column))


def test_one_column_weights_the_rows() -> None:
    weight = {"type": "number", "role": "weight", "min": 0}

    with pytest.raises(ContractError, match=r"one column of the entity source"):
        parse_contract(_toy(w=weight, v=weight))
