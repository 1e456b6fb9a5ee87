"""The gates in a real run: each kind of bad data is quarantined with its reason or stops
the data-engineering pipeline with an error naming the dataset, the rule, the contract
field behind it and what was observed; nothing written before is lost or overwritten."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from kedro.validation import DataValidationError

from {{ cookiecutter.python_package }}.contract import ContractError
from {{ cookiecutter.python_package }}.datasets.unreadable import UnreadableFileError
from tests.conftest import run_session

pytestmark = pytest.mark.slow

CUSTOMERS = "data/01_raw/customers.csv"
USAGE = "data/01_raw/usage.parquet"


def _edit_customers(
    project: Path, edit: Callable[[pd.DataFrame], pd.DataFrame]
) -> None:
    path = project / CUSTOMERS
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def _missing_column(project: Path) -> None:
    _edit_customers(project, lambda f: f.drop(columns="contract"))


def _header_only(project: Path) -> None:
    _edit_customers(project, lambda f: f.iloc[:0])


def _many_duplicated_ids(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        copies = frame.iloc[: len(frame) // 4].assign(age="33")
        return pd.concat([frame, copies])

    _edit_customers(project, edit)


def _text_in_numbers(project: Path) -> None:
    usage = pd.read_parquet(project / USAGE)
    usage.assign(data_gb=usage["data_gb"].astype(str) + " GB").to_parquet(
        project / USAGE
    )


def _unknown_contracts(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[: len(frame) // 5, "contract"] = "weekly"
        return frame

    _edit_customers(project, edit)


def _many_missing_ages(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[: len(frame) // 5, "age"] = ""
        return frame

    _edit_customers(project, edit)


def _constant_region(project: Path) -> None:
    _edit_customers(project, lambda f: f.assign(region="North"))


def _all_null_column(project: Path) -> None:
    _edit_customers(project, lambda f: f.assign(payment_method=""))


def _single_class(project: Path) -> None:
    _edit_customers(project, lambda f: f.assign(churned="no"))


def _total_below_a_month(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[:1, ["monthly_charges", "total_charges"]] = ["90", "10"]
        return frame

    _edit_customers(project, edit)


# Each kind of bad data, and fragments of the one message that stops the run: the
# dataset, the rule and the contract field behind it, and what was observed.
GATE_CASES = {
    "missing column": (
        _missing_column,
        [
            "customers_raw' on load",
            "column(s) ['contract'] declared in sources.customers.columns",
            "conf/<env>/contract.yml",
            "present: ['customer_id'",
        ],
    ),
    "header only": (
        _header_only,
        [
            "customers_raw' on load",
            "expect_table_row_count_to_be_between(min_value=1",
            "[sources.customers] -> observed 0",
        ],
    ),
    "too many missing values": (
        _many_missing_ages,
        [
            "customers_intermediate' on save",
            "age: expect_column_values_to_not_be_null(mostly=0.9) "
            "[sources.customers.columns.age.max_missing]",
        ],
    ),
    "constant feature": (
        _constant_region,
        [
            "customers_intermediate' on save",
            "region: expect_column_unique_value_count_to_be_between(min_value=2) "
            "[sources.customers.columns.region (a feature)] -> observed 1",
        ],
    ),
    "all-null feature": (
        _all_null_column,
        [
            "customers_intermediate' on save",
            "payment_method: expect_column_unique_value_count_to_be_between",
            "-> observed 0",
        ],
    ),
    "single-class target": (
        _single_class,
        [
            "train_set' on save",
            "churned: expect_column_distinct_values_to_equal_set",
            "observed missing values ['yes']",
        ],
    ),
}

# Bad data the cleaning itself refuses: the contract field to change, and samples.
CONTRACT_CASES = {
    "duplicated ids": (
        _many_duplicated_ids,
        [
            "customers: 2",
            "more than sources.customers.max_quarantined (5.0%)",
            "'duplicate key customer_id' (",
            "change sources.customers.key",
        ],
    ),
    "text in a numeric column": (
        _text_in_numbers,
        ["usage: 9", "'data_gb: not a number' (", " GB'"],
    ),
    "unknown categories": (
        _unknown_contracts,
        ["customers: 2", "contract: not in ['month-to-month'", "'weekly'"],
    ),
    "a rule that fails the run": (
        _total_below_a_month,
        [
            "sources.customers.rules.total covers a month (fail): 2 rows",
            "total_charges >= monthly_charges broken: '10.0 vs 90.0'",
        ],
    ),
}


CASES = {
    **{name: (DataValidationError, *case) for name, case in GATE_CASES.items()},
    **{name: (ContractError, *case) for name, case in CONTRACT_CASES.items()},
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_data_stops_the_run_with_a_clear_message(
    project_copy: Path, case: str
) -> None:
    error_type, corrupt, expected = CASES[case]
    corrupt(project_copy)

    with pytest.raises(error_type) as error:
        run_session(project_copy, pipeline_names=["data_engineering"])

    message = str(error.value)
    for fragment in expected:
        assert fragment in message
    assert "great_expectations" not in message and "list index" not in message


def test_out_of_range_values_are_quarantined_with_their_reason(
    project_copy: Path,
) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[:2, "monthly_charges"] = "5000"
        return frame

    _edit_customers(project_copy, edit)

    run_session(project_copy, pipeline_names=["data_engineering"])

    (path,) = (project_copy / "data/02_intermediate/quarantine").glob(
        "customers.parquet/*/*"
    )
    reasons = pd.read_parquet(path)["quarantine_reason"]
    assert reasons.str.contains("monthly_charges: above 1000: '5000'").sum() >= 2


def _fingerprints(project: Path) -> dict[str, str]:
    data = project / "data"
    return {
        str(path.relative_to(data)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in data.rglob("*")
        if path.is_file() and "validation" not in path.parts
    }


# The dataset whose gate fails, then everything downstream of it.
NOT_WRITTEN = {
    "too many missing values": (
        "02_intermediate/customers.parquet",
        "03_primary",
        "04_feature",
        "05_model_input",
    ),
    "single-class target": ("05_model_input",),
}


@pytest.mark.parametrize("case", NOT_WRITTEN)
def test_a_failed_gate_leaves_earlier_outputs_intact(
    project_copy: Path, case: str
) -> None:
    run_session(project_copy, pipeline_names=["data_engineering"])
    corrupt, _ = GATE_CASES[case]
    corrupt(project_copy)
    before = _fingerprints(project_copy)

    with pytest.raises(DataValidationError):
        run_session(project_copy, pipeline_names=["data_engineering"])

    after = _fingerprints(project_copy)
    assert {name: after[name] for name in before} == before  # nothing overwritten
    new_files = set(after) - set(before)
    assert not [name for name in new_files if name.startswith(NOT_WRITTEN[case])]


def test_the_failed_result_is_saved_for_inspection(project_copy: Path) -> None:
    _many_missing_ages(project_copy)

    with pytest.raises(DataValidationError):
        run_session(project_copy, pipeline_names=["data_engineering"])

    saved = list((project_copy / "data/08_reporting/validation").glob("*/*/*.json"))
    results = {path.stem: json.loads(path.read_text()) for path in saved}
    assert results["customers_raw"]["success"] is True
    assert results["customers_intermediate"]["success"] is False


def test_an_empty_file_is_reported_with_the_dataset_name(project_copy: Path) -> None:
    (project_copy / CUSTOMERS).write_text("")

    with pytest.raises(UnreadableFileError, match=r"^customers_raw: .* is empty"):
        run_session(project_copy, pipeline_names=["data_engineering"])


def test_inference_applies_the_same_gates_without_the_label(project_copy: Path) -> None:
    run_session(project_copy)  # train a model to score with
    path = project_copy / "data/01_raw/inference/customers.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns="region").to_csv(path, index=False)

    with pytest.raises(DataValidationError) as error:
        run_session(project_copy, pipeline_names=["inference"])

    message = str(error.value)
    assert "inference.customers_raw' on load" in message
    assert "['region'] declared in sources.customers.columns" in message
    assert not (project_copy / "data/07_model_output/inference").exists()
