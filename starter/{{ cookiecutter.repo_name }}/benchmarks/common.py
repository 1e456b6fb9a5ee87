"""Shared benchmark helpers: project copies at a given size, timed child processes with
their peak memory, Kedro log parsing, medians and tables."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

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
    """One child process: wall seconds, peak resident memory and its output.

    ``peak_tree_bytes``: the peak of the summed resident memory of the child and all
    its descendants (a Spark driver and its JVM), sampled every half second; 0 unless
    asked for.
    """

    seconds: float
    peak_bytes: int
    started: float
    stdout: str
    peak_tree_bytes: int = 0


def run_child(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, tree: bool = False
) -> Measured:
    """Run ``args`` to completion; fail loudly with its output if it fails.

    With ``tree``, also sample the summed memory of the process tree.
    """
    environment = {**os.environ, **QUIET_ENV, **(env or {})}
    environment.pop("MLFLOW_TRACKING_URI", None)  # each copy uses its own store
    # Python's default: the copy's modules are compiled once and cached. Some sandboxes
    # set PYTHONDONTWRITEBYTECODE, which recompiles the project's hundred modules at
    # every start (0.2-0.3 s a command), a cost no user's `make run` pays.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    process = subprocess.Popen(  # noqa: S603
        args,
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sampler = TreeSampler(process.pid) if tree else None
    # Read first, then reap with wait4: its rusage is this child's own peak RSS.
    output = process.stdout.read() if process.stdout else ""
    peak_tree = sampler.stop() if sampler else 0
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.time() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output[-4000:]}")
    return Measured(seconds, usage.ru_maxrss * 1024, started, output, peak_tree)


class TreeSampler:
    """Samples the summed resident memory of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._done.set()
        self._thread.join()
        return self.peak

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    """``root`` and its descendants' process ids, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes (0 once it has exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def kedro(
    cwd: Path, *arguments: str, tree: bool = False, env: dict[str, str] | None = None
) -> Measured:
    """``kedro <arguments>`` in ``cwd`` with timestamped logs (see logging.yml).

    ``cwd``'s own ``src`` comes first on the path: the package's ``kedro.init`` entry
    point imports it before Kedro adds ``src``, which would otherwise run the
    installed (editable) checkout instead of the copy being measured. ``env`` adds
    variables (``SPARK_DRIVER_MEMORY``...).
    """
    return run_child(
        [sys.executable, "-m", "kedro", *arguments],
        cwd,
        env={
            "KEDRO_LOGGING_CONFIG": str(LOGGING),
            "PYTHONPATH": str(cwd / "src"),
            **(env or {}),
        },
        tree=tree,
    )


def project_with_data(workdir: Path, customers: int) -> Path:
    """A fresh copy of the project with ``customers`` generated customers.

    Code and configuration are copied anew and earlier outputs and MLflow stores are
    removed; raw data generated by an earlier benchmark run is reused.
    """
    project = workdir / f"project_{customers}"
    raw = project / "data" / "01_raw"
    for name in [*COPIED, "mlflow.db", "mlruns"]:
        path = project / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for layer in (project / "data").glob("0[2-9]_*"):
        shutil.rmtree(layer)
    project.mkdir(parents=True, exist_ok=True)
    copy_code(project)
    if (raw / "customers.csv").exists():
        return project
    kedro(
        project,
        "run",
        "--pipelines",
        "synthetic",
        "--params",
        f"synthetic.n_customers={customers}",
    )
    return project


def copy_code(project: Path, source: Path = ROOT) -> None:
    """Copy the code and configuration of the checkout ``source`` into ``project``."""
    for name in COPIED:
        path = source / name
        if path.is_dir():
            shutil.copytree(
                path, project / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(path, project / name)


# A node's completion: Kedro's own line, or the project's one line per node
# (``Completed <n> of <N> tasks: <node>``, src/<package>/quiet.py).
_COMPLETED = re.compile(r"Completed (?:node: |\d+ of \d+ tasks: )(?P<node>\S+)")


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
        elif done := _COMPLETED.search(message):
            name = done["node"]
            nodes[name] = moment - (moment if previous is None else previous)
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
    cells = pd.DataFrame(
        [[_format(value) for value in row] for row in rows], columns=header
    )
    return f"{title}\n{cells.to_string(index=False)}"


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def experiment_id(client: Any, name: str) -> str:
    """The id of MLflow experiment ``name``, which a run must have created."""
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        raise LookupError(f"No MLflow experiment {name!r}: run the pipeline first.")
    return str(experiment.experiment_id)
