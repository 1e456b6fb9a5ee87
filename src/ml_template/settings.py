"""Project settings: hooks, configuration patterns and the session store."""

from __future__ import annotations

import os
from pathlib import Path

from kedro.config import OmegaConfigLoader

from ml_template.hooks import TrackingHooks, ValidationHooks

HOOKS = (ValidationHooks(), TrackingHooks())


def _env(name: str, default: str | None = None) -> str | None:
    """``${env:NAME,default}`` in configuration: an environment variable or a default."""
    return os.environ.get(name, default)


def _sqlite(filename: str) -> str:
    """``${sqlite:mlflow.db}``: an absolute SQLite URI for a file at the project root.

    Absolute, because MLflow caches stores by URI: a relative one would keep pointing
    at the first project a Python process opened.
    """
    return f"sqlite:///{(Path.cwd() / filename).resolve()}"


CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {
        # One Great Expectations suite per gate: conf/<env>/expectations/<suite>.yml
        "expectations": ["expectations/**"],
        "mlflow": ["mlflow*", "mlflow*/**"],
    },
    "custom_resolvers": {"env": _env, "sqlite": _sqlite},
}
