"""The contract compiled to pandas: every problem is a reason or a named failure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml_template.contract import QUARANTINE_REASON, Contract, ContractError, clean
from ml_template.contract.frames import row_ids
from ml_template.contract.rows import check_rows

AS_OF = "2026-06-30"


def _contract(columns: dict[str, Any], **source: Any) -> Contract:
    columns = {
        "id": {"type": "text", "role": "id"},
        "label": {"type": "category", "role": "target", "values": ["no", "yes"]},
        **columns,
    }
    spec = {"key": ["id"], "max_quarantined": 1.0, "columns": columns, **source}
    return Contract.model_validate({"as_of_date": AS_OF, "sources": {"rows": spec}})


def _raw(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "id": [f"r{i}" for i in range(n)],
        "label": ["no", "yes"] * (n // 2) + ["no"] * (n % 2),
    }
    return pd.DataFrame({**base, **columns}, dtype="str")


def _reasons(quarantine: pd.DataFrame) -> dict[str, str]:
    return dict(zip(quarantine["id"], quarantine[QUARANTINE_REASON], strict=True))


def test_numbers_parse_with_their_declared_format_and_bad_ones_are_reasons() -> None:
    contract = _contract({"amount": {"type": "number", "thousands": ",", "min": 0}})
    raw = _raw(amount=[" 4,200 ", "12.5", "", "n/a-value", "inf", "-3"])

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["amount"].tolist()[:2] == [4200.0, 12.5]
    assert np.isnan(kept["amount"][2])  # blank is missing, not a problem
    assert _reasons(quarantine) == {
        "r3": "amount: not a number: 'n/a-value'",
        "r4": "amount: not a finite number: 'inf'",
        "r5": "amount: below 0: '-3'",
    }


def test_without_a_thousands_separator_4200_with_a_comma_is_not_a_number() -> None:
    contract = _contract({"amount": {"type": "number"}})

    _, quarantine = clean(_raw(amount=["4,200", "1"]), contract, "rows")

    assert _reasons(quarantine) == {"r0": "amount: not a number: '4,200'"}


def test_dates_parse_with_their_format_and_respect_as_of() -> None:
    contract = _contract(
        {"day": {"type": "date", "format": "%d/%m/%Y", "max": "as_of"}}
    )
    raw = _raw(day=["11/12/2007", "2007-11-12", "01/07/2026", ""])

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["day"].tolist()[0] == pd.Timestamp("2007-12-11")
    assert _reasons(quarantine) == {
        "r1": "day: not a date (%d/%m/%Y): '2007-11-12'",
        "r2": "day: above as_of: '01/07/2026'",
    }


def test_vocabularies_are_normalised_on_both_sides_and_kept_as_declared() -> None:
    contract = _contract(
        {"plan": {"type": "category", "values": ["Month-to-month", "Two year"]}}
    )
    raw = _raw(plan=["month to month", " TWO_YEAR ", "Two-Year", "weekly"])

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["plan"].tolist() == ["Month-to-month", "Two year", "Two year"]
    assert _reasons(quarantine) == {
        "r3": "plan: not in ['Month-to-month', 'Two year']: 'weekly'"
    }


def test_renames_come_from_the_raw_header() -> None:
    contract = _contract({"body_mass_g": {"type": "number", "raw": "Body Mass (g)"}})

    kept, _ = clean(_raw(**{"Body Mass (g)": ["3750", "3800"]}), contract, "rows")

    assert kept["body_mass_g"].tolist() == [3750.0, 3800.0]
    assert "Body Mass (g)" not in kept.columns


def test_a_missing_column_names_the_contract_field_and_what_is_present() -> None:
    contract = _contract({"body_mass_g": {"type": "number", "raw": "Body Mass (g)"}})

    with pytest.raises(ContractError) as error:
        clean(_raw(mass=["1"]), contract, "rows")

    assert str(error.value) == (
        "column 'Body Mass (g)' declared in conf/<env>/contract.yml "
        "(sources.rows.columns.body_mass_g) is missing from rows_raw; "
        "present: ['id', 'label', 'mass']"
    )


def test_undeclared_columns_fail_with_the_fix() -> None:
    contract = _contract({"x": {"type": "number"}})

    with pytest.raises(
        ContractError, match=r"does not declare: \['extra'\].*role: ignore"
    ):
        clean(_raw(x=["1"], extra=["a"]), contract, "rows")


def test_ignored_columns_are_dropped() -> None:
    contract = _contract(
        {"x": {"type": "number"}, "note": {"type": "text", "role": "ignore"}}
    )

    kept, _ = clean(_raw(x=["1"], note=["hello"]), contract, "rows")

    assert list(kept.columns) == ["id", "label", "x"]


def test_patterns_required_values_and_every_reason_of_a_row() -> None:
    contract = _contract(
        {
            "code": {"type": "text", "role": "id", "pattern": r"C\d{3}"},
            "age": {"type": "number", "min": 18, "max": 110, "required": True},
        }
    )
    raw = _raw(code=["C123", "X1", "C999"], age=["40", "500", ""])

    _, quarantine = clean(raw, contract, "rows")

    assert _reasons(quarantine) == {
        "r1": r"code: does not match 'C\d{3}': 'X1'; age: above 110: '500'",
        "r2": "age: missing",
    }
    assert quarantine["age"].tolist() == ["500", ""]  # as received


def test_a_pattern_takes_ascii_digits_only_in_batches_and_served_rows() -> None:
    contract = _contract({"code": {"type": "text", "role": "id", "pattern": r"C\d{3}"}})
    raw = _raw(code=["C123", "C\u0661\u0662\u0663", "C\uff11\uff12\uff13"])

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["code"].tolist() == ["C123"]
    assert _reasons(quarantine) == {
        "r1": "code: does not match 'C\\d{3}': 'C\u0661\u0662\u0663'",
        "r2": "code: does not match 'C\\d{3}': 'C\uff11\uff12\uff13'",
    }
    served, served_quarantine = check_rows(raw, contract, "rows")
    pd.testing.assert_frame_equal(served, kept)
    pd.testing.assert_frame_equal(served_quarantine, quarantine)


def test_row_rules_compare_columns_and_skip_missing_sides() -> None:
    rule = {
        "name": "total covers a month",
        "column": "total",
        "op": ">=",
        "other": "monthly",
    }
    contract = _contract(
        {"total": {"type": "number"}, "monthly": {"type": "number"}}, rules=[rule]
    )
    raw = _raw(total=["100", "10", ""], monthly=["30", "30", "30"])

    _, quarantine = clean(raw, contract, "rows")

    assert _reasons(quarantine) == {
        "r1": "total covers a month: total >= monthly broken: '10.0 vs 30.0'"
    }


def test_a_rule_whose_action_is_fail_stops_with_its_field_and_samples() -> None:
    contract = _contract({"age": {"type": "number", "max": 110, "invalid": "fail"}})

    with pytest.raises(ContractError) as error:
        clean(_raw(age=["40", "500", "700"]), contract, "rows")

    assert "sources.rows.columns.age (fail): 2 rows" in str(error.value)
    assert "age: above 110: '500'" in str(error.value)


def test_duplicates_exact_rows_then_repeated_keys() -> None:
    contract = _contract({"x": {"type": "number"}})
    raw = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b"],
            "label": ["no", "no", "yes", "yes"],
            "x": ["1", "1", "2", "3"],
        }
    )

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["id"].tolist() == ["a", "b"]
    assert quarantine[QUARANTINE_REASON].tolist() == [
        "duplicate row",
        "duplicate key id",
    ]


def test_a_compound_key() -> None:
    contract = _contract(
        {"month": {"type": "text", "role": "id"}, "x": {"type": "number"}},
        key=["id", "month"],
    )
    raw = pd.DataFrame(
        {
            "id": ["a", "a", "a"],
            "month": ["1", "2", "2"],
            "label": ["no", "yes", "no"],
            "x": ["1", "2", "3"],
        }
    )

    kept, quarantine = clean(raw, contract, "rows")

    assert len(kept) == 2
    assert quarantine[QUARANTINE_REASON].tolist() == ["duplicate key id, month"]


def test_without_a_key_each_row_gets_a_stable_id() -> None:
    contract = _contract({"x": {"type": "number"}}, key=[])
    raw = _raw(x=["1", "2", "3"])

    first, _ = clean(raw, contract, "rows")
    again, _ = clean(raw.iloc[::-1].reset_index(drop=True), contract, "rows")

    assert first["row_id"].is_unique
    assert sorted(first["row_id"]) == sorted(again["row_id"])
    assert first["row_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert row_ids(raw.fillna("")).tolist() == first["row_id"].tolist()


def test_more_quarantined_rows_than_tolerated_fail_with_the_causes() -> None:
    contract = _contract({"x": {"type": "number"}}, max_quarantined=0.05)
    raw = _raw(x=["1", "2", "3", "4"])
    raw["id"] = ["a", "a", "b", "b"]

    with pytest.raises(ContractError) as error:
        clean(raw, contract, "rows")

    message = str(error.value)
    assert "rows: 50.0% of 4 rows quarantined" in message
    assert "sources.rows.max_quarantined (5.0%)" in message
    assert "'duplicate key id' (2 rows)" in message
    assert "change sources.rows.key" in message


@pytest.mark.parametrize(
    ("values", "fix"),
    [
        (
            ["1,250", "12,000.5", "7", "2,000,000"],
            "numbers with a thousands separator: set sources.rows.columns.x."
            "thousands: ','.",
        ),
        (
            ["1.250.000", "12.000,5", "7", "2.000.000"],
            "set sources.rows.columns.x.thousands: '.', sources.rows.columns.x."
            "decimal: ','.",
        ),
        (
            ["one", "two", "7", "n/a"],
            "If these are numbers written another way, set sources.rows.columns.x."
            "thousands or sources.rows.columns.x.decimal.",
        ),
    ],
)
def test_a_dominant_reason_names_the_contract_field_that_fixes_it(
    values: list[str], fix: str
) -> None:
    contract = _contract({"x": {"type": "number"}}, max_quarantined=0.05)

    with pytest.raises(ContractError) as error:
        clean(_raw(x=values), contract, "rows")
    with pytest.raises(ContractError) as served:
        check_rows(_raw(x=values), contract, "rows")

    message = str(error.value)
    assert "'x: not a number' (3 rows)" in message
    assert fix in message
    assert "The run stopped before committing" in message
    assert "Nothing was written" not in message
    assert str(served.value) == message


def test_dates_in_another_format_name_the_format_field() -> None:
    contract = _contract({"d": {"type": "date"}}, max_quarantined=0.05)

    with pytest.raises(ContractError) as error:
        clean(_raw(d=["31/12/2024", "01/02/2025"]), contract, "rows")

    assert "set sources.rows.columns.d.format (e.g. '%d/%m/%Y')" in str(error.value)


def test_an_empty_source_fails() -> None:
    contract = _contract({"x": {"type": "number"}})

    with pytest.raises(ContractError, match="rows_raw has no rows"):
        clean(_raw(x=["1"]).iloc[:0], contract, "rows")


def test_without_its_target_column_the_entity_is_unlabelled() -> None:
    contract = _contract({"x": {"type": "number"}})

    kept, _ = clean(_raw(x=["1", "2"]).drop(columns="label"), contract, "rows")

    assert list(kept.columns) == ["id", "x"]


def test_a_sample_weight_is_needed_to_learn_not_to_score() -> None:
    contract = _contract(
        {"x": {"type": "number"}, "w": {"type": "number", "role": "weight", "min": 0}}
    )
    raw = _raw(x=["1", "2", "3"], w=["1.5", "", "-2"])

    kept, quarantine = clean(raw, contract, "rows")
    unlabelled, _ = clean(raw.drop(columns=["label", "w"]), contract, "rows")
    served, _ = check_rows(raw.drop(columns=["label", "w"]), contract, "rows")

    assert kept["w"].tolist() == [1.5]
    assert _reasons(quarantine) == {"r1": "w: missing", "r2": "w: below 0: '-2'"}
    assert list(unlabelled.columns) == list(served.columns) == ["id", "x"]


def test_typed_parquet_columns_are_kept_and_checked() -> None:
    contract = _contract({"x": {"type": "number", "max": 5}, "day": {"type": "date"}})
    raw = pd.DataFrame(
        {
            "id": ["a", "b"],
            "label": ["no", "yes"],
            "x": [1.0, 9.0],
            "day": pd.to_datetime(["2026-01-01", "2026-02-01"]),
        }
    )

    kept, quarantine = clean(raw, contract, "rows")

    assert kept["day"].dtype.kind == "M"
    assert _reasons(quarantine) == {"b": "x: above 5: '9.0'"}


def test_cleaning_does_not_change_its_input() -> None:
    contract = _contract({"x": {"type": "number"}})
    raw = _raw(x=[" 1", "oops"])
    before = raw.copy()

    clean(raw, contract, "rows")

    pd.testing.assert_frame_equal(raw, before)
