"""Runs as units: MLflow storage per run, and what the registry, the challenger gate
and drift monitoring add to a run.

    python -m benchmarks.runs [--runs 10] [--project PATH]

``--project`` measures another checkout (an older commit, for a before/after of the
storage per run); the bundled data is copied from this one.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import mlflow

from benchmarks.common import (
    ROOT,
    copy_code,
    experiment_id,
    kedro,
    node_timings,
    table,
)

TRAINING_NODES = (
    "evaluation.challenge_champion",
    "model_engineering.build_drift_reference",
)
INFERENCE_NODES = (
    "inference.use_champion",
    "inference.monitor_drift",
    "inference.enforce_drift_policy",
)


def measure(workdir: Path, runs: int, source: Path = ROOT) -> dict[str, Any]:
    """``runs`` default runs then one inference run in a fresh copy of ``source``."""
    project = _copy(workdir / "project_runs", source)
    client = mlflow.MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    per_run, added = [], []
    for _ in range(runs):
        timings = node_timings(kedro(project, "run"))
        per_run.append(_newest_run_bytes(client))
        added.append(sum(timings["nodes_s"].get(n, 0.0) for n in TRAINING_NODES))
    result: dict[str, Any] = {
        "runs": runs,
        "bytes_per_run": per_run,
        "gate_and_reference_s": statistics.median(added),
    }
    if (project / "src/{{ cookiecutter.python_package }}/runs/registry.py").is_file():
        result["register_and_promote_s"] = _registration_seconds(project, client)
        inference = node_timings(kedro(project, "run", "--pipelines", "inference"))
        result["inference_monitoring_s"] = sum(
            inference["nodes_s"].get(n, 0.0) for n in INFERENCE_NODES
        )
    return result


def _copy(project: Path, source: Path) -> Path:
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    copy_code(project, source)
    shutil.copytree(ROOT / "data" / "01_raw", project / "data" / "01_raw")
    return project


def _newest_run_bytes(client: mlflow.MlflowClient) -> int:
    """Bytes of the newest run's artifacts plus the model it logged."""
    experiment = experiment_id(client, "{{ cookiecutter.python_package }}")
    (run,) = client.search_runs(
        [experiment],
        order_by=["attributes.start_time DESC"],
        max_results=1,
    )
    folders = [Path(run.info.artifact_uri.removeprefix("file://"))]
    folders += [
        Path(model.artifact_location.removeprefix("file://"))
        for model in client.search_logged_models([experiment])
        if model.source_run_id == run.info.run_id
    ]
    return sum(p.stat().st_size for f in folders for p in f.rglob("*") if p.is_file())


def _registration_seconds(project: Path, client: mlflow.MlflowClient) -> float:
    """Median time to register the last logged model and move the champion alias."""
    from {{ cookiecutter.python_package }}.runs.registry import register, set_champion  # noqa: PLC0415

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    champion = client.get_model_version_by_alias("{{ cookiecutter.python_package }}", "champion")
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        version = register(
            client, str(champion.source), "{{ cookiecutter.python_package }}", {"run": "benchmark"}
        )
        set_champion(client, "{{ cookiecutter.python_package }}", version)
        seconds.append(time.perf_counter() - started)
    set_champion(client, "{{ cookiecutter.python_package }}", str(champion.version))
    return statistics.median(seconds)


def report(result: dict[str, Any], before: dict[str, Any] | None = None) -> str:
    """Storage per run, and the seconds the run machinery adds."""
    rows = [["this commit", *_kilobytes(result["bytes_per_run"])]]
    if before:
        rows.insert(0, ["before", *_kilobytes(before["bytes_per_run"])])
    storage = table(
        "MLflow artifact KB per run (artifacts + logged model), run by run",
        ["", *[str(i + 1) for i in range(result["runs"])]],
        rows,
    )
    added = table(
        "Seconds the run machinery adds (bundled size, medians)",
        [
            "challenger gate + drift reference",
            "register + promote",
            "inference: champion + drift",
        ],
        [
            [
                f"{result['gate_and_reference_s']:.2f}",
                f"{result.get('register_and_promote_s', float('nan')):.2f}",
                f"{result.get('inference_monitoring_s', float('nan')):.2f}",
            ]
        ],
    )
    return f"{storage}\n\n{added}"


def _kilobytes(sizes: list[int]) -> list[str]:
    return [f"{size / 1024:.0f}" for size in sizes]


def main() -> None:
    """Measure this checkout (and, with --before, another), print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench_runs_"))
    before = (
        measure(workdir / "before", arguments.runs, arguments.before)
        if arguments.before
        else None
    )
    print(report(measure(workdir, arguments.runs), before))


if __name__ == "__main__":
    main()
