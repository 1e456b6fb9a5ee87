"""A run as a unit: it reads one completed set and commits its outputs as a new one.

Before the pipeline runs, every versioned dataset it only reads is pinned to the
version of one completed run (``params:load_run``: the newest holding them all, or
the one named); what the run saves it reads back as its own (``RunCatalog``). Once
the run completed, its record is written: from then on it is the newest completed
set. Datasets of the base set made, directly or not, from what the run remade are
dropped from the new set.
"""

from __future__ import annotations

import shlex
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ml_template.runs.records import RunRecord, RunStore, UnknownRunError

if TYPE_CHECKING:
    from kedro.pipeline import Pipeline

    from ml_template.runs.catalog import RunCatalog


class RunUnit:
    """One run's reads and commit, over the run records in ``store``."""

    def __init__(self, store: RunStore, load_run: str) -> None:
        self.store = store
        self.load_run = load_run
        self.base: RunRecord | None = None
        self.read: dict[str, str] = {}
        self.made_from: dict[str, list[str]] = {}

    def begin(
        self, pipeline: Pipeline, catalog: RunCatalog, user_pins: dict[str, str]
    ) -> None:
        """Pin what the pipeline reads to one completed set (``--load-versions``
        aside), and note what each output is made from."""
        produced = pipeline.all_outputs()
        versioned = {n for n in pipeline.datasets() if catalog.versioned(n)}
        needed = {n for n in versioned - produced if n not in user_pins}
        self.base = self._base_record(needed)
        self.read = {n: self.base.datasets[n] for n in needed if self.base} | {
            n: v for n, v in user_pins.items() if n in pipeline.datasets()
        }
        catalog.pin({n: v for n, v in self.read.items() if n not in user_pins})
        self.made_from = lineage(pipeline, versioned)

    def _base_record(self, needed: set[str]) -> RunRecord | None:
        if needed:
            return self.store.find(self.load_run, needed)
        try:
            return self.store.find(self.load_run)
        except UnknownRunError:
            return None  # nothing completed yet, and nothing to read

    def the_set(self, saved: set[str], version: str) -> dict[str, str]:
        """The new set: the base set's datasets still valid, what the run read, and
        what it saved."""
        return self._inherited(saved) | self.read | dict.fromkeys(saved, version)

    def commit(
        self, version: str, saved: set[str], pipelines: list[str], **facts: Any
    ) -> RunRecord:
        """Write the run's record: its set becomes the newest completed one."""
        record = RunRecord(
            version=version,
            pipelines=pipelines,
            finished_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            datasets=self.the_set(saved, version),
            saved=sorted(saved),
            made_from=self._inherited_lineage(saved)
            | {n: self.made_from.get(n, []) for n in saved},
            based_on=self.base.version if self.base else None,
            command=command(),
            **facts,
        )
        self.store.save(record)
        return record

    def _stale(self, saved: set[str]) -> set[str]:
        """Datasets of the base set made, directly or not, from what this run remade."""
        made_from = self.base.made_from if self.base else {}
        stale: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, inputs in made_from.items():
                if name not in stale and (saved | stale) & set(inputs):
                    stale.add(name)
                    changed = True
        return stale

    def _inherited(self, saved: set[str]) -> dict[str, str]:
        if self.base is None:
            return {}
        dropped = self._stale(saved) | saved
        return {n: v for n, v in self.base.datasets.items() if n not in dropped}

    def _inherited_lineage(self, saved: set[str]) -> dict[str, list[str]]:
        kept = self._inherited(saved)
        return {
            n: i
            for n, i in (self.base.made_from if self.base else {}).items()
            if n in kept
        }


def lineage(pipeline: Pipeline, persisted: set[str]) -> dict[str, list[str]]:
    """Each output's persisted inputs: a dataset held in memory between two nodes
    (``trained_model``) is replaced by what it was made from, so a run that remakes
    the splits also drops the model made through memory from them."""
    direct = {
        output: [i for i in node.inputs if not i.startswith("params")]
        for node in pipeline.nodes
        for output in node.outputs
    }

    def sources(name: str) -> set[str]:
        found: set[str] = set()
        for source in direct.get(name, []):
            in_memory = source in direct and source not in persisted
            found |= sources(source) if in_memory else {source}
        return found

    return {output: sorted(sources(output)) for output in direct}


def command() -> str:
    """The command line that started this process, as typed (``kedro run --params ...``)."""
    if "kedro" not in sys.argv[0]:  # a notebook, a test: not started as `kedro ...`
        return shlex.join(sys.argv)
    return shlex.join(["kedro", *sys.argv[1:]])
