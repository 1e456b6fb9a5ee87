"""The gates in a real run: each kind of bad data stops the data-engineering pipeline
with an error naming the dataset, the rule, the observed value and offending values,
and nothing written before is lost or overwritten."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from kedro.io import DatasetError
from kedro.validation import DataValidationError

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
    _edit_customers(project, lambda f: pd.concat([f, f.iloc[: len(f) // 4]]))


def _wrong_type(project: Path) -> None:
    usage = pd.read_parquet(project / USAGE)
    usage.assign(data_gb=usage["data_gb"].astype(str) + " GB").to_parquet(
        project / USAGE
    )


def _charges_out_of_range(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[:2, "monthly_charges"] = "5000"
        return frame

    _edit_customers(project, edit)


def _unknown_contracts(project: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[: len(frame) // 5, "contract"] = "weekly"
        return frame

    _edit_customers(project, edit)


def _single_class(project: Path) -> None:
    _edit_customers(project, lambda f: f.assign(churned="no"))


CASES = {
    "missing column": (
        _missing_column,
        ["customers_raw' on load", "expect_table_columns_to_match_set", "observed"],
    ),
    "empty file": (
        _header_only,
        [
            "customers_raw' on load",
            "expect_table_row_count_to_be_between",
            "observed 0",
        ],
    ),
    "duplicated ids": (
        _many_duplicated_ids,
        ["customers_raw' on load", "customer_id: expect_column_values_to_be_unique"],
    ),
    "wrong type": (
        _wrong_type,
        [
            "usage_raw' on load",
            "data_gb: expect_column_values_to_be_in_type_list",
            "str",
        ],
    ),
    "values out of range": (
        _charges_out_of_range,
        [
            "customers_intermediate' on save",
            "monthly_charges: expect_column_values_to_be_between(min_value=0",
            "5000.0",
        ],
    ),
    "unknown categories": (
        _unknown_contracts,
        [
            "customers_intermediate' on save",
            "contract: expect_column_values_to_not_be_null(mostly=0.95)",
        ],
    ),
    "single-class target": (
        _single_class,
        [
            "customer_table_primary' on save",
            "churned: expect_column_distinct_values_to_equal_set",
            "observed missing values ['yes']",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_data_stops_the_run_with_a_clear_message(
    project_copy: Path, case: str
) -> None:
    corrupt, expected = CASES[case]
    corrupt(project_copy)

    with pytest.raises(DataValidationError) as error:
        run_session(project_copy, pipeline_names=["data_engineering"])

    message = str(error.value)
    for fragment in expected:
        assert fragment in message
    assert "Nothing was written" in message


def _fingerprints(project: Path) -> dict[str, str]:
    data = project / "data"
    return {
        str(path.relative_to(data)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in data.rglob("*")
        if path.is_file() and "validation" not in path.parts
    }


# The dataset whose gate fails, then everything downstream of it.
NOT_WRITTEN = {
    "values out of range": (
        "02_intermediate/customers.parquet",
        "03_primary",
        "04_feature",
        "05_model_input",
    ),
    "single-class target": ("03_primary", "04_feature", "05_model_input"),
}


@pytest.mark.parametrize("case", NOT_WRITTEN)
def test_a_failed_gate_leaves_earlier_outputs_intact(
    project_copy: Path, case: str
) -> None:
    run_session(project_copy, pipeline_names=["data_engineering"])
    corrupt, _ = CASES[case]
    corrupt(project_copy)
    before = _fingerprints(project_copy)

    with pytest.raises(DataValidationError):
        run_session(project_copy, pipeline_names=["data_engineering"])

    after = _fingerprints(project_copy)
    assert {name: after[name] for name in before} == before  # nothing overwritten
    new_files = set(after) - set(before)
    assert not [name for name in new_files if name.startswith(NOT_WRITTEN[case])]


def test_the_failed_result_is_saved_for_inspection(project_copy: Path) -> None:
    _charges_out_of_range(project_copy)

    with pytest.raises(DataValidationError):
        run_session(project_copy, pipeline_names=["data_engineering"])

    saved = list((project_copy / "data/08_reporting/validation").glob("*/*/*.json"))
    results = {path.stem: json.loads(path.read_text()) for path in saved}
    assert results["customers_raw"]["success"] is True
    assert results["customers_intermediate"]["success"] is False


def test_an_empty_file_is_reported_with_the_dataset_name(project_copy: Path) -> None:
    (project_copy / CUSTOMERS).write_text("")

    with pytest.raises(DatasetError, match="customers_raw"):
        run_session(project_copy, pipeline_names=["data_engineering"])


def test_inference_applies_the_same_gates_without_the_label(project_copy: Path) -> None:
    run_session(project_copy)  # train a model to score with
    path = project_copy / "data/01_raw/inference/customers.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns="region").to_csv(path, index=False)

    with pytest.raises(DataValidationError) as error:
        run_session(project_copy, pipeline_names=["inference"])

    message = str(error.value)
    assert "inference_customers_raw' on load" in message
    assert "missing columns ['region']" in message
    assert not (project_copy / "data/07_model_output/inference").exists()
