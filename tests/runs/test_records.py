"""Completed runs' records: which run a read goes to."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_template.runs import RunRecord, RunStore, UnknownRunError


def _record(version: str, datasets: list[str], run_id: str | None = None) -> RunRecord:
    return RunRecord(
        version=version,
        pipelines=["__default__"],
        finished_at="2026-01-01T00:00:00+00:00",
        datasets=dict.fromkeys(datasets, version),
        saved=datasets,
        mlflow_run_id=run_id,
    )


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    store = RunStore(tmp_path / "runs")
    store.save(_record("2026-01-01T00.00.00.000Z", ["model", "test_set"], "aaa"))
    store.save(_record("2026-01-02T00.00.00.000Z", ["test_set"], "bbb"))
    return store


def test_latest_is_the_newest_run_holding_every_needed_dataset(store: RunStore) -> None:
    assert store.find("latest").version == "2026-01-02T00.00.00.000Z"
    assert store.find("latest", {"model", "test_set"}).version.startswith("2026-01-01")


def test_a_run_is_named_by_version_or_mlflow_run_id(store: RunStore) -> None:
    assert store.find("aaa").version == "2026-01-01T00.00.00.000Z"
    assert store.find("2026-01-02T00.00.00.000Z").mlflow_run_id == "bbb"


def test_a_named_run_without_what_is_needed_says_so(store: RunStore) -> None:
    with pytest.raises(UnknownRunError, match=r"'bbb' holds model\. Run the pipeline"):
        store.find("bbb", {"model"})
    with pytest.raises(UnknownRunError, match="No completed run has version"):
        store.find("2025-01-01T00.00.00.000Z")


def test_records_are_written_whole_and_read_newest_first(store: RunStore) -> None:
    assert [r.mlflow_run_id for r in store.completed()] == ["bbb", "aaa"]
    assert not list(store.folder.glob(".*"))  # no temporary file left


def test_latest_is_the_run_committed_last_not_the_one_started_last(
    tmp_path: Path,
) -> None:
    store = RunStore(tmp_path / "runs")
    long_run = _record("2026-01-01T00.00.00.000Z", ["model"], "long")
    short_run = _record("2026-01-01T00.05.00.000Z", ["model"], "short")
    store.save(
        short_run.model_copy(update={"finished_at": "2026-01-01T00:06:00+00:00"})
    )
    store.save(long_run.model_copy(update={"finished_at": "2026-01-01T00:30:00+00:00"}))

    assert store.find("latest").mlflow_run_id == "long"
    assert [r.mlflow_run_id for r in store.completed()] == ["long", "short"]
