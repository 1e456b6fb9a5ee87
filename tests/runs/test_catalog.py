"""The run's catalog: pinned versions, the run's own read back, the served files
frozen, raw files that cannot be read said as such."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from ml_template.datasets.unreadable import UnreadableFileError
from ml_template.runs.catalog import RunCatalog

OLD, NEW, CRASHED = (
    "2026-11-22T10.00.00.000Z",
    "2026-11-23T10.00.00.000Z",
    "2999-01-01T00.00.00.000Z",
)


def _config(tmp_path: Path) -> dict:
    return {
        "model_card": {
            "type": "ml_template.datasets.text.TextDataset",
            "filepath": str(tmp_path / "model_card.md"),
            "versioned": True,
        }
    }


def test_a_pinned_dataset_reads_its_pin_not_the_newest_file(tmp_path: Path) -> None:
    config = _config(tmp_path)
    RunCatalog.from_config(config, save_version=OLD).save("model_card", "completed")
    RunCatalog.from_config(config, save_version=CRASHED).save("model_card", "torn")

    catalog = RunCatalog.from_config(config, save_version=NEW)
    assert catalog.load("model_card") == "torn"  # Kedro alone: the newest file
    catalog.pin({"model_card": OLD})

    assert catalog.load("model_card") == "completed"
    assert catalog.load("model_card", version=CRASHED) == "torn"  # asked: given


def test_what_a_run_saves_it_reads_back_as_its_own(tmp_path: Path) -> None:
    config = _config(tmp_path)
    RunCatalog.from_config(config, save_version=OLD).save("model_card", "old card")
    catalog = RunCatalog.from_config(config, save_version=NEW)
    catalog.pin({"model_card": OLD})
    RunCatalog.from_config(config, save_version=CRASHED).save("model_card", "other")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Kedro's save/load version mismatch warning
        catalog.save("model_card", "new card")

    assert catalog.load("model_card") == "new card"  # not the newer run's
    assert catalog.written == {"model_card"}
    assert catalog.saved_file("model_card") == (
        tmp_path / "model_card.md" / NEW / "model_card.md"
    )
    assert (
        tmp_path / "model_card.md" / OLD / "model_card.md"
    ).read_text() == "old card"


def test_a_frozen_dataset_holds_the_runs_version_only(tmp_path: Path) -> None:
    config = _config(tmp_path)
    RunCatalog.from_config(config, save_version=OLD).save("model_card", "old card")
    catalog = RunCatalog.from_config(config, save_version=NEW)
    catalog.save("model_card", "new card")

    catalog.freeze_own_version("model_card")

    frozen = catalog.get("model_card")
    assert catalog.load("model_card") == "new card"
    assert frozen is not None
    assert not catalog.versioned("model_card")
    assert frozen.exists()
    assert str(tmp_path / "model_card.md" / NEW) in str(frozen)


def _parquet_cut_short(path: Path) -> None:
    pd.DataFrame({"id": ["a", "b"]}).to_parquet(path)
    path.write_bytes(path.read_bytes()[:40])


@pytest.mark.parametrize(
    ("name", "write", "says"),
    [
        ("empty.csv", lambda p: p.write_bytes(b""), "is empty (0 bytes). Put the"),
        (
            "blank.csv",
            lambda p: p.write_bytes(b"\n\n"),
            "is blank (2 bytes, no header)",
        ),
        (
            "latin.csv",
            lambda p: p.write_bytes(
                b"id,town\na,Paris\n" + "b,Orléans\n".encode("latin-1")
            ),
            "is not UTF-8 text: line 3 holds the byte 0xe9 ('b,Orléans'). Say the "
            "file's encoding under customers_raw in conf/<env>/catalog_sources.yml: "
            "load_args: {encoding: latin-1}",
        ),
        (
            "cut.parquet",
            _parquet_cut_short,
            "is not a readable Parquet file (Could not open Parquet input source",
        ),
    ],
)
def test_a_raw_file_that_cannot_be_read_says_what_is_wrong_with_it(
    tmp_path: Path, name: str, write: object, says: str
) -> None:
    path = tmp_path / name
    write(path)  # type: ignore[operator]
    kind = "ParquetDataset" if name.endswith(".parquet") else "CSVDataset"
    catalog = RunCatalog.from_config(
        {"customers_raw": {"type": f"pandas.{kind}", "filepath": str(path)}}
    )

    with pytest.raises(UnreadableFileError) as refused:
        catalog.load("customers_raw")

    assert str(refused.value).startswith(f"customers_raw: {path} ")
    assert says in str(refused.value)
