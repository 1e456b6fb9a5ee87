"""What hooks write for a run is saved under the run's version, quietly."""

from __future__ import annotations

import warnings
from pathlib import Path

from kedro.io import DataCatalog

from {{ cookiecutter.python_package }}.runs.catalog import save_own

OLD, NEW = "2026-11-22T10.00.00.000Z", "2026-11-23T10.00.00.000Z"


def test_a_dataset_pinned_to_the_last_set_saves_as_the_runs_own(tmp_path: Path) -> None:
    config = {
        "model_card": {
            "type": "{{ cookiecutter.python_package }}.datasets.text.TextDataset",
            "filepath": str(tmp_path / "model_card.md"),
            "versioned": True,
        }
    }
    DataCatalog.from_config(config, save_version=OLD).save("model_card", "old card")
    # The context pins every dataset of the last completed set to its version.
    catalog = DataCatalog.from_config(
        config, load_versions={"model_card": OLD}, save_version=NEW
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Kedro's save/load version mismatch warning
        save_own(catalog, "model_card", "new card")

    assert catalog.load("model_card") == "new card"
    assert (
        tmp_path / "model_card.md" / NEW / "model_card.md"
    ).read_text() == "new card"
    assert (
        tmp_path / "model_card.md" / OLD / "model_card.md"
    ).read_text() == "old card"
