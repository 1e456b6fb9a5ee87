"""Retention: keep the last N completed runs and the registry's aliased versions.

Every run adds a version of each dataset it writes, and nothing is ever overwritten;
this is how the disk is given back::

    make prune KEEP=5            # python -m ml_template.runs.prune --keep 5
    make prune KEEP=5 DRY_RUN=1  # print what would go, delete nothing
    make prune KEEP=5 MLFLOW=0   # the data folder only (--no-mlflow)

With the data versions of the runs that go, their MLflow runs, logged models and
registered versions go too (never an aliased one), with the MLflow runs of killed and
failed runs: once a run's record is gone, nothing could find its MLflow run again.

Kept: the newest ``KEEP`` completed runs and the runs of every version an alias
(``champion``...) points at, with every dataset version their sets name. Deleted:
every other version folder under the data folder (crashed runs' orphaned versions
too), ``.partial`` files of interrupted saves, and the records of the runs that go.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml_template.datasets.atomic import PARTIAL_SUFFIX
from ml_template.quiet import silence_known_noise
from ml_template.runs.project import project_paths, say
from ml_template.runs.records import RunRecord, RunStore
from ml_template.runs.registry import aliased_runs, aliases
from ml_template.runs.tracking import connect

if TYPE_CHECKING:
    from ml_template.config import TrackingSettings

# Kedro's version strings: 2026-11-23T17.02.34.757Z
_VERSION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$")


@dataclass
class Plan:
    """What a prune keeps and deletes."""

    kept: list[RunRecord]
    dropped: list[RunRecord]
    paths: list[Path] = field(default_factory=list)  # version folders, partial files

    def size(self) -> int:
        """Bytes the deleted paths hold."""
        return sum(_size(p) for p in self.paths)


def plan(data_dir: Path, store: RunStore, keep: int, protected: set[str]) -> Plan:
    """Decide what to keep: ``keep`` newest runs and the runs whose MLflow id is in
    ``protected`` (the aliased versions' runs)."""
    records = store.completed()
    kept = [
        r
        for i, r in enumerate(records)
        if i < keep or (r.mlflow_run_id is not None and r.mlflow_run_id in protected)
    ]
    versions = {v for r in kept for v in r.datasets.values()}
    dropped = [r for r in records if r not in kept]
    paths = [
        p
        for p in sorted(data_dir.rglob("*"))
        if (p.is_dir() and _VERSION.match(p.name) and p.name not in versions)
        or (p.name.startswith(".") and p.name.endswith(PARTIAL_SUFFIX))
    ]
    paths += [store.folder / f"{r.version}.json" for r in dropped]
    return Plan(kept=kept, dropped=dropped, paths=paths)


def apply(plan_: Plan) -> None:
    """Delete what the plan drops."""
    for path in plan_.paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def prune_mlflow(
    client: Any, settings: TrackingSettings, plan_: Plan, dry_run: bool
) -> list[str]:
    """Delete the dropped runs' MLflow runs (with killed and failed ones), their
    logged models and registered versions, aliased versions excepted."""
    versions = {v for r in plan_.kept for v in r.datasets.values()}
    dropped = {
        r.mlflow_run_id
        for r in plan_.dropped
        if r.mlflow_run_id and r.version not in versions  # no kept set reads its files
    }
    kept = {r.mlflow_run_id for r in plan_.kept if r.mlflow_run_id}
    experiments = [e.experiment_id for e in client.search_experiments()]
    for run in client.search_runs(
        experiments, filter_string="attributes.status != 'RUNNING'"
    ):
        if run.info.status in ("KILLED", "FAILED") and run.info.run_id not in kept:
            dropped.add(run.info.run_id)
    model_name = settings.model_name
    aliased = set(aliases(client, model_name).values())  # searches omit aliases
    lines = []
    for version in client.search_model_versions(f"name = '{model_name}'"):
        if version.run_id in dropped and str(version.version) not in aliased:
            lines.append(f"registered {model_name} v{version.version}")
            if not dry_run:
                client.delete_model_version(model_name, version.version)
    for run_id in sorted(dropped):
        lines.append(f"MLflow run {run_id}")
        if not dry_run:
            client.delete_run(run_id)
    if dropped and not dry_run and not settings.on_server:
        # Runs deleted above go for good, artifacts with them. (A tracking server
        # frees deleted runs with its own `mlflow gc`, run where its store is.)
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "mlflow",
                "gc",
                "--backend-store-uri",
                settings.tracking_uri,
                "--run-ids",
                ",".join(sorted(dropped)),
            ],
            check=True,
            capture_output=True,
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    """Prune the data folder (and, if asked, the MLflow store); print what went."""
    silence_known_noise()

    parser = argparse.ArgumentParser(prog="python -m ml_template.runs.prune")
    parser.add_argument("--keep", type=int, default=5, help="completed runs to keep")
    parser.add_argument("--dry-run", action="store_true", help="delete nothing")
    parser.add_argument(
        "--no-mlflow",
        dest="mlflow",
        action="store_false",
        help="leave the MLflow runs and registered versions of the runs that go",
    )
    args = parser.parse_args(argv)
    if args.keep < 1:
        parser.error("--keep must be at least 1: the newest completed run stays")
    paths = project_paths()
    client = connect(paths.tracking)
    protected = aliased_runs(client, paths.tracking.model_name)
    chosen = plan(paths.data_dir, paths.store, args.keep, protected)
    verb = "Would delete" if args.dry_run else "Deleted"
    say(
        f"Keeping {len(chosen.kept)} completed run(s): "
        f"{', '.join(r.version for r in chosen.kept) or 'none'}"
        + (f" ({len(protected)} aliased in the registry)" if protected else ""),
    )
    say(
        f"{verb} {len(chosen.paths)} dataset version(s), partial file(s) and run "
        f"record(s): {_megabytes(chosen.size())} freed.",
    )
    if not args.dry_run:
        apply(chosen)
    if args.mlflow:
        lines = prune_mlflow(client, paths.tracking, chosen, args.dry_run)
        say(f"{verb} in MLflow: {len(lines)} item(s)")
        for line in lines:
            say(f"  {line}")


if __name__ == "__main__":
    main()
