"""What the run commands (prune, registry) read from the project's configuration."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ml_template.runs.records import RunStore


@dataclass(frozen=True)
class ProjectPaths:
    """The data folder, the run records, the registered model and the MLflow store."""

    data_dir: Path
    store: RunStore
    model_name: str
    tracking_uri: str


def project_paths(env: str | None = None) -> ProjectPaths:
    """Read ``globals.yml`` and ``mlflow.yml`` of the project around the working folder."""
    from ml_template.config import config_loader, project_root  # noqa: PLC0415

    root = project_root()
    loader = config_loader(env)
    settings = loader["globals"]
    data_dir = root / settings.get("data_dir", "data")
    return ProjectPaths(
        data_dir=data_dir,
        store=RunStore(data_dir / "runs"),
        model_name=str(settings["model_name"]),
        tracking_uri=str(loader["mlflow"]["server"]["mlflow_tracking_uri"]),
    )


def say(message: str) -> None:
    """A line of a run command's report, for the person who ran it."""
    sys.stdout.write(f"{message}\n")
