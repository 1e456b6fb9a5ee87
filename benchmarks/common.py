"""Shared benchmark helpers: project copies at a given size, timed child processes with
their peak memory, Kedro log parsing, medians and tables."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOGGING = Path(__file__).resolve().parent / "logging.yml"
COPIED = ("conf", "src", "pyproject.toml", ".telemetry")
QUIET_ENV = {
    "KEDRO_DISABLE_TELEMETRY": "true",
    "GX_ANALYTICS_ENABLED": "false",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
}


@dataclass(frozen=True)
class Measured:
    """One child process: wall seconds, peak resident memory and its output."""

    seconds: float
    peak_bytes: int
    started: float
    stdout: str


def run_child(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> Measured:
    """Run ``args`` to completion; fail loudly with its output if it fails."""
    environment = {**os.environ, **QUIET_ENV, **(env or {})}
    environment.pop("MLFLOW_TRACKING_URI", None)  # each copy uses its own store
    started = time.time()
    process = subprocess.Popen(  # noqa: S603
        args,
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Read first, then reap with wait4: its rusage is this child's own peak RSS.
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.time() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output[-4000:]}")
    return Measured(seconds, usage.ru_maxrss * 1024, started, output)


def kedro(cwd: Path, *arguments: str) -> Measured:
    """``kedro <arguments>`` in ``cwd`` with timestamped logs (see logging.yml)."""
    return run_child(
        [sys.executable, "-m", "kedro", *arguments],
        cwd,
        env={"KEDRO_LOGGING_CONFIG": str(LOGGING)},
    )


def project_with_data(workdir: Path, customers: int) -> Path:
    """A copy of the project whose raw data has ``customers`` generated customers."""
    project = workdir / f"project_{customers}"
    if (project / "data" / "01_raw" / "customers.csv").exists():
        return project
    project.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, project / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, project / name)
    (project / "data").mkdir()
    kedro(
        project,
        "run",
        "--pipelines",
        "synthetic",
        "--params",
        f"synthetic.n_customers={customers}",
    )
    return project


def node_timings(measured: Measured) -> dict[str, Any]:
    """Per-node seconds, start-up (process start to first node) and the tail.

    Sequential runs log each dataset load and each completed node; a node's time runs
    from the previous node's completion (or, for the first, from its first load) to its
    own, so it includes loading, gates and saving its datasets.
    """
    first_load, previous, nodes, last = None, None, {}, None
    for line in measured.stdout.splitlines():
        stamp, _, rest = line.partition("|")
        logger, _, message = rest.partition("|")
        try:
            moment = float(stamp)
        except ValueError:
            continue
        reads = logger.startswith(("kedro.io", "plain")) and message.startswith(
            "Loading"
        )
        if first_load is None and reads:
            first_load = previous = moment
        elif "Completed node: " in message:
            name = message.split("Completed node: ")[1].strip()
            nodes[name] = moment - previous
            previous = last = moment
    if first_load is None or last is None:
        raise RuntimeError("No node timings in the log: " + measured.stdout[-2000:])
    return {
        "startup_s": first_load - measured.started,
        "nodes_s": nodes,
        "after_last_node_s": measured.started + measured.seconds - last,
    }


def median(values: list[float]) -> float:
    """The median (the figure every comparison reports)."""
    return statistics.median(values)


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table with a title, numbers formatted to 3 significant figures."""
    cells = [header, *[[_format(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
