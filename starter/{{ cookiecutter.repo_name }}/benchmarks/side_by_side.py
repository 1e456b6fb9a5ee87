"""Section 9: what a user waits for on the command line, side by side with Kedro's own
starter: the bundled default ``kedro run`` against the spaceflights-pandas starter's
``kedro run``, alternated repetition by repetition; start-up (process start to the first
dataset load); and ``kedro --help`` and ``kedro registry list``.

The starter is rendered at benchmark time with ``kedro new --starter
spaceflights-pandas``, which fetches Kedro's starters from GitHub. Offline, point
``SPACEFLIGHTS_STARTERS`` at a local copy of the kedro-starters repository (a folder
holding ``spaceflights-pandas/``); with neither, the comparison is skipped and says why.
The starter's run needs ``openpyxl`` and ``seaborn`` (its Excel input and its reporting
plots): the dev extra installs them. kedro-mlflow's hooks, which Kedro would run in any
project of this environment, are turned off in the rendered starter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import QUIET_ENV, kedro, median, node_timings, run_child

STARTERS_VARIABLE = "SPACEFLIGHTS_STARTERS"
STARTER = "spaceflights-pandas"


def measure(project: Path, workdir: Path, repetitions: int) -> dict[str, Any]:
    """Medians of ``repetitions`` runs of each, and of the two quick commands."""
    results: dict[str, Any] = {"commands": _commands(project, repetitions)}
    spaceflights, reason = _render(workdir)
    ours_s, ours_startup_s, theirs_s = [], [], []
    for _ in range(repetitions):
        ours = kedro(project, "run")
        ours_s.append(ours.seconds)
        ours_startup_s.append(node_timings(ours)["startup_s"])
        if spaceflights is not None:
            theirs_s.append(kedro(spaceflights, "run").seconds)
    results["ours"] = {"run_s": median(ours_s), "startup_s": median(ours_startup_s)}
    if spaceflights is None:
        results["spaceflights"] = {"skipped": reason}
    else:
        results["spaceflights"] = {
            "run_s": median(theirs_s),
            "ratio": median(ours_s) / median(theirs_s),
        }
    return results


def _commands(project: Path, repetitions: int) -> dict[str, float]:
    """Median seconds of ``kedro --help`` and ``kedro registry list``."""
    return {
        " ".join(arguments): median(
            [
                run_child(
                    [sys.executable, "-m", "kedro", *arguments],
                    project,
                    env={"PYTHONPATH": str(project / "src")},
                ).seconds
                for _ in range(repetitions)
            ]
        )
        for arguments in (["--help"], ["registry", "list"])
    }


def _render(workdir: Path) -> tuple[Path | None, str]:
    """The rendered starter, or why there is none."""
    target = workdir / "spaceflights"
    if (target / "pyproject.toml").exists():
        _clean(target)
        return target, ""
    shutil.rmtree(target, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    local = os.environ.get(STARTERS_VARIABLE)
    if local:
        source = ["--starter", local, "--directory", STARTER]
    else:
        source = ["--starter", STARTER]
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kedro", "new", *source, "--name", "spaceflights",
         "--telemetry", "no"],
        cwd=workdir, env={**os.environ, **QUIET_ENV}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        where = local or "GitHub (kedro-org/kedro-starters)"
        return None, (
            f"`kedro new --starter {STARTER}` could not render it from {where}; set "
            f"{STARTERS_VARIABLE} to a local copy of kedro-starters to compare offline"
        )
    # kedro-mlflow, installed here, registers its hooks in every Kedro project; the
    # starter does not use it (and its default ./mlruns store is refused by MLflow 3).
    with (target / "src" / "spaceflights" / "settings.py").open("a") as settings:
        settings.write('\nDISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow",)\n')
    return target, ""


def _clean(project: Path) -> None:
    """Remove the outputs of an earlier benchmark run (raw data stays)."""
    for layer in (project / "data").glob("0[2-8]_*"):
        for path in layer.iterdir():
            if path.name != ".gitkeep":
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def report(results: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The tables of this section: (title, header, rows)."""
    ours, theirs = results["ours"], results["spaceflights"]
    commands = results["commands"]
    return [
        (
            "Command line (medians, s)",
            ["kedro run", "start-up", "kedro --help", "kedro registry list"],
            [
                [
                    ours["run_s"],
                    ours["startup_s"],
                    commands["--help"],
                    commands["registry list"],
                ]
            ],
        ),
        (
            "Side by side with the spaceflights-pandas starter (medians, alternated)",
            ["ours s", "spaceflights s", "ratio"],
            [[ours["run_s"], theirs.get("run_s", "-"), theirs.get("ratio", "-")]]
            if "skipped" not in theirs
            else [[ours["run_s"], f"skipped: {theirs['skipped']}", "-"]],
        ),
    ]
