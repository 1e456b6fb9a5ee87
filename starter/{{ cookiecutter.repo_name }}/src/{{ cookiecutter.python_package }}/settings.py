"""Project settings: hooks, the context, configuration patterns."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from {{ cookiecutter.python_package }}.quiet import silence_known_noise

silence_known_noise()  # before the imports below, which raise some of it

from kedro.config import OmegaConfigLoader  # noqa: E402

from {{ cookiecutter.python_package }}.context import ProjectContext  # noqa: E402
from {{ cookiecutter.python_package }}.hooks import TrackingHooks, ValidationHooks  # noqa: E402
from {{ cookiecutter.python_package }}.runs.hooks import ModelArtifactHooks, RunHooks  # noqa: E402
from {{ cookiecutter.python_package }}.runs.tracking import ExperimentHooks  # noqa: E402
from {{ cookiecutter.python_package }}.spark import SparkHooks  # noqa: E402

_RUNS = RunHooks()
HOOKS = (
    SparkHooks(),
    ValidationHooks(),
    TrackingHooks(),
    _RUNS,
    ModelArtifactHooks(_RUNS.staging),
    ExperimentHooks(),
)
CONTEXT_CLASS = ProjectContext


def _env(name: str, default: str | None = None) -> str | None:
    """``${env:NAME,default}`` in configuration: an environment variable or a default."""
    return os.environ.get(name, default)


def _sqlite(filename: str) -> str:
    """``${sqlite:mlflow.db}``: an absolute SQLite URI for a file at the project root.

    Absolute, because MLflow caches stores by URI; found from the working directory up,
    so a notebook in ``notebooks/`` uses the project's store too.
    """
    return f"sqlite:///{project_root() / filename}"


def project_root() -> Path:
    """The folder with ``pyproject.toml``, from the working directory up."""
    here = Path.cwd().resolve()
    return next(
        (p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here
    )


CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS: dict[str, Any] = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {
        # One Great Expectations suite per gate: conf/<env>/expectations/<suite>.yml
        # The data contract is a parameter (`params:contract`), in its own file.
        "parameters": ["parameters*", "parameters*/**", "**/parameters*", "contract*"],
        "expectations": ["expectations/**"],
        "mlflow": ["mlflow*", "mlflow*/**"],
        # The SparkSession of `--env spark` (Spark properties, {{ cookiecutter.python_package }}.spark).
        "spark": ["spark*", "spark*/**"],
    },
    "custom_resolvers": {"env": _env, "sqlite": _sqlite},
}
