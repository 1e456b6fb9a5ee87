"""Training reads a completed search's best values only when asked, and says what to
run when there is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kedro.io import DatasetError

from {{ cookiecutter.python_package }}.datasets.tuning import TunedHyperparametersDataset
from {{ cookiecutter.python_package }}.runs.records import RunRecord, RunStore

SEARCH = "2026-11-23T10.00.00.000Z"


def _search(data: Path, version: str, values: dict) -> None:
    folder = data / "06_models/best_hyperparameters.json" / version
    folder.mkdir(parents=True)
    (folder / "best_hyperparameters.json").write_text(json.dumps({"values": values}))
    RunStore(data / "runs").save(
        RunRecord(
            version=version,
            pipelines=["tuning"],
            finished_at="2026-11-23T10:00:00+00:00",
            datasets={"best_hyperparameters": version},
            saved=["best_hyperparameters"],
        )
    )


def test_nothing_is_read_unless_asked(tmp_path: Path) -> None:
    assert TunedHyperparametersDataset(use=False, data_dir=str(tmp_path)).load() == {}


def test_the_latest_completed_search_or_the_one_named(tmp_path: Path) -> None:
    _search(tmp_path, SEARCH, {"model.dropout": 0.2})
    _search(tmp_path, "2026-11-24T10.00.00.000Z", {"model.dropout": 0.3})
    # A crashed search wrote its values but no record: never read.
    crashed = tmp_path / "06_models/best_hyperparameters.json/2026-11-25T10.00.00.000Z"
    crashed.mkdir(parents=True)
    (crashed / "best_hyperparameters.json").write_text('{"values": {}}')

    latest = TunedHyperparametersDataset(use="true", data_dir=str(tmp_path)).load()
    named = TunedHyperparametersDataset(use=SEARCH, data_dir=str(tmp_path)).load()

    assert latest == {
        "values": {"model.dropout": 0.3},
        "tuning_run": "2026-11-24T10.00.00.000Z",
    }
    assert named["values"] == {"model.dropout": 0.2}


def test_asking_before_any_search_says_what_to_run(tmp_path: Path) -> None:
    # Kedro wraps a dataset's error; the message is what the user reads.
    with pytest.raises(DatasetError, match=r"there is none: run `make tune`"):
        TunedHyperparametersDataset(use=True, data_dir=str(tmp_path)).load()
