"""Where the project's configuration lives and how it is read (Kedro's loader)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader


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


CONFIG_LOADER_ARGS: dict[str, Any] = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {
        # One Great Expectations suite per gate: conf/<env>/expectations/<suite>.yml
        # The data contract is a parameter (`params:contract`), in its own file.
        "parameters": ["parameters*", "parameters*/**", "**/parameters*", "contract*"],
        "expectations": ["expectations/**"],
        "mlflow": ["mlflow*", "mlflow*/**"],
        # The SparkSession of `--env spark` (Spark properties, ml_template.spark).
        "spark": ["spark*", "spark*/**"],
    },
    "custom_resolvers": {"env": _env, "sqlite": _sqlite},
}


def config_loader(env: str | None = None) -> OmegaConfigLoader:
    """The project's configuration as a run in ``env`` reads it (default: ``local``
    over ``base``), for commands that run without a Kedro session."""
    args = {**CONFIG_LOADER_ARGS, **({"default_run_env": env} if env else {})}
    return OmegaConfigLoader(conf_source=str(project_root() / "conf"), **args)
