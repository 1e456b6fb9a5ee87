"""The record of each completed run: which version of every dataset forms its set.

Kedro saves every versioned dataset of a run under the run's version (a timestamp),
so one run's outputs already share a name. What Kedro lacks is the commit: a load
without a version takes the newest file of each dataset on its own, whichever run
wrote it, completed or killed. A run that completes (every node, every gate, its
model logged) writes ``<data_dir>/runs/<version>.json``; reads that are not the
run's own go through these records, so a crashed run's files are never picked up.

A record holds the whole set as of that run: what it saved, what it read, and the
rest of the set it started from. Replaying evaluation after a training-only run
therefore finds the test split the training run was built on.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from ml_template.datasets.json import JSONDataset
from ml_template.user_errors import UserError

LATEST = "latest"


class UnknownRunError(UserError, LookupError):
    """No completed run matches what was asked for."""


class RunRecord(BaseModel):
    """A completed run and the dataset versions that form its set."""

    version: str
    pipelines: list[str]
    finished_at: str
    datasets: dict[str, str]  # dataset name -> version, the whole set
    saved: list[str]  # the datasets this run wrote itself
    made_from: dict[str, list[str]] = {}  # dataset -> the datasets its node read
    based_on: str | None = None  # the record whose set this run started from
    mlflow_run_id: str | None = None
    model_uri: str | None = None  # the MLflow model the run logged, if any
    model_version: str | None = None  # its version in the Model Registry
    champion: bool = False  # whether it took the champion alias
    scored_with: str | None = None  # the registered champion version the run read
    command: str = ""


class RunStore:
    """The completed runs' records in one folder, newest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def completed(self) -> list[RunRecord]:
        """Every completed run, the last committed first (a run that started
        earlier but finished later is the newer set)."""
        records = [
            RunRecord.model_validate(json.loads(p.read_text()))
            for p in self.folder.glob("*.json")
        ]
        return sorted(records, key=_committed, reverse=True)

    def save(self, record: RunRecord) -> Path:
        """Write a record atomically: a run is completed once its record exists."""
        path = self.folder / f"{record.version}.json"
        JSONDataset(filepath=str(path), save_args={"indent": 2}).save(
            record.model_dump(mode="json")
        )
        return path

    def find(
        self, run: str, needed: set[str] | frozenset[str] = frozenset()
    ) -> RunRecord:
        """The completed run named by ``run``, which holds every ``needed`` dataset.

        Args:
            run: ``latest`` (the newest run holding them), a run's version or its
                MLflow run id.
            needed: Dataset names the caller reads.

        Raises:
            UnknownRunError: No completed run matches; the message says what to run.
        """
        records = self.completed()
        if run != LATEST:
            records = [r for r in records if run in (r.version, r.mlflow_run_id)]
            if not records:
                raise UnknownRunError(
                    f"No completed run has version or MLflow run id {run!r} "
                    f"(completed runs are in {self.folder})."
                )
        for record in records:
            if needed <= record.datasets.keys():
                return record
        missing = sorted(needed - (records[0].datasets.keys() if records else set()))
        raise UnknownRunError(
            f"No completed run {'' if run == LATEST else repr(run) + ' '}holds "
            f"{', '.join(missing)}. Run the pipeline that makes them first "
            "(`kedro run` trains and evaluates), or name a run that has them with "
            "`--params load_run=<version or MLflow run id>`."
        )


def _committed(record: RunRecord) -> tuple[datetime, str]:
    return datetime.fromisoformat(record.finished_at), record.version
