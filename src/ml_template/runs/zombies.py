"""MLflow runs left RUNNING by a process that is gone, and their unfinished models.

A run killed with ``kill -9``, by the out-of-memory killer or a power cut never ends
its MLflow run; a model being logged at that moment stays PENDING with part of its
files. Each tracked run tags itself with the process that runs it (host, PID and the
PID's start time, so a reused PID is not taken for the original); the next run ends
the runs of dead processes as KILLED and marks their pending models FAILED.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

from mlflow.entities import LoggedModelStatus, RunStatus

PROCESS_TAG = "ml_template.process"
logger = logging.getLogger(__name__)


def this_process() -> str:
    """``host:pid:start`` of the running process (start: boot ticks, Linux only)."""
    return _identity(os.getpid())


def _identity(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"


def _start_ticks(pid: int) -> str:
    """When the process started, in clock ticks since boot ('' where unknown)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the command name


def is_gone(process: str) -> bool:
    """Whether the process of a tag no longer runs (False for another host's)."""
    host, pid, start = process.rsplit(":", 2)
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return bool(start) and _start_ticks(int(pid)) != start


def end_zombies(client: Any, experiment_ids: list[str]) -> list[str]:
    """End this host's RUNNING runs whose process is gone; fail their pending models.

    Returns:
        The ids of the runs ended.
    """
    zombies = [
        run.info.run_id
        for run in client.search_runs(
            experiment_ids, filter_string="attributes.status = 'RUNNING'"
        )
        if PROCESS_TAG in run.data.tags and is_gone(run.data.tags[PROCESS_TAG])
    ]
    for run_id in zombies:
        client.set_terminated(run_id, RunStatus.to_string(RunStatus.KILLED))
        logger.warning("Ended MLflow run %s as KILLED: its process is gone.", run_id)
    for model in _logged_models(client, experiment_ids):
        source = model.source_run_id
        if (
            model.status == LoggedModelStatus.PENDING
            and source
            and client.get_run(source).info.status != "RUNNING"
        ):
            client.finalize_logged_model(model.model_id, LoggedModelStatus.FAILED)
            logger.warning(
                "Marked logged model %s FAILED: its run %s ended before it was "
                "complete.",
                model.model_id,
                source,
            )
    return zombies


def _logged_models(client: Any, experiment_ids: list[str]) -> list[Any]:
    """Every logged model of the experiments (MLflow 3.17 ignores a status filter)."""
    models, token = [], None
    while True:
        page = client.search_logged_models(experiment_ids, page_token=token)
        models += list(page)
        token = page.token
        if not token:
            return models
