"""The data-engineering pipeline: its shape, and a real run on tiny generated data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.pipelines.data_engineering.pipeline import create_pipeline
from tests.conftest import NOT_COPIED, run_session

LAYER_OUTPUTS = {
    "customers_intermediate",
    "usage_intermediate",
    "tickets_intermediate",
    "primary_table",
    "features",
    "train_set",
    "validation_set",
    "test_set",
}


def test_pipeline_turns_raw_sources_into_splits(contract: Contract) -> None:
    pipeline = create_pipeline(contract)

    assert pipeline.inputs() == {
        "customers_raw",
        "usage_raw",
        "tickets_raw",
        "params:contract",
        "params:data_engineering.split",
    }
    assert pipeline.outputs() == {
        "train_set",
        "validation_set",
        "test_set",
        "customers_quarantine",
        "usage_quarantine",
        "tickets_quarantine",
    }
    assert LAYER_OUTPUTS <= pipeline.datasets()


def _latest(project: Path, relative: str) -> pd.DataFrame:
    versions = sorted((project / "data" / relative).iterdir())
    return pd.read_parquet(versions[-1] / Path(relative).name)


@pytest.fixture(scope="module")
def tiny_run(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project after one data-engineering run."""
    project = tmp_path_factory.mktemp("de_run") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project, pipeline_names=["data_engineering"])
    return project


@pytest.mark.slow
def test_run_writes_every_layer_and_passes_every_gate(tiny_run: Path) -> None:
    results = {
        path.stem: json.loads(path.read_text())
        for path in (tiny_run / "data/08_reporting/validation").glob("*/*/*.json")
    }

    assert set(results) == {
        "customers_raw",
        "usage_raw",
        "tickets_raw",
        *LAYER_OUTPUTS - {"features"},
    }
    assert all(result["success"] for result in results.values())


@pytest.mark.slow
def test_run_splits_every_valid_customer_once(tiny_run: Path) -> None:
    primary = _latest(tiny_run, "03_primary/primary_table.parquet")
    splits = [
        _latest(tiny_run, f"05_model_input/{name}.parquet")
        for name in ("train_set", "validation_set", "test_set")
    ]

    ids = pd.concat([split["customer_id"] for split in splits])
    assert not ids.duplicated().any()
    assert set(ids) == set(primary["customer_id"])
    assert [round(len(s) / len(primary), 2) for s in splits] == [0.7, 0.15, 0.15]
    assert "signup_date_age_days" in splits[0]


@pytest.mark.slow
def test_run_quarantines_the_generated_dirt_with_reasons(tiny_run: Path) -> None:
    quarantine = _latest(tiny_run, "02_intermediate/quarantine/customers.parquet")
    reasons = quarantine["quarantine_reason"].str.split("; ").explode()
    causes = set(reasons.str.replace(r": '.*'$", "", regex=True))

    assert "duplicate row" in causes
    assert causes <= {
        "duplicate row",
        "duplicate key customer_id",
        "churned: missing",
        "age: above 110",
        "tenure_months: below 0",
        "signup_date: above as_of",
        "plan: not in ['basic', 'standard', 'premium']",
        "payment_method: not in ['credit-card', 'bank-transfer', 'electronic-check', "
        "'mailed-check']",
        "region: not in ['north', 'south', 'east', 'west', 'central']",
    }
    assert "age: above 110: '" in reasons[reasons.str.startswith("age")].iloc[0]
