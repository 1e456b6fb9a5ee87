"""What the run commands (prune, registry) read from the project's configuration."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from {{ cookiecutter.python_package }}.config import config_loader, project_root, tracking_settings
from {{ cookiecutter.python_package }}.runs.records import RunStore

if TYPE_CHECKING:
    from {{ cookiecutter.python_package }}.config import TrackingSettings


@dataclass(frozen=True)
class ProjectPaths:
    """The data folder, the run records, and where runs are tracked."""

    data_dir: Path
    store: RunStore
    tracking: TrackingSettings


def project_paths(env: str | None = None) -> ProjectPaths:
    """Read ``globals.yml`` and ``mlflow.yml`` of the project around the working folder."""
    root = project_root()
    loader = config_loader(env)
    settings = loader["globals"]
    data_dir = root / settings.get("data_dir", "data")
    return ProjectPaths(
        data_dir=data_dir,
        store=RunStore(data_dir / "runs"),
        tracking=tracking_settings(loader),
    )


def say(message: str) -> None:
    """A line of a run command's report, for the person who ran it."""
    sys.stdout.write(f"{message}\n")
