"""Where the project's configuration lives, how it is read (Kedro's loader), and
the one typed tracking setting."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader
from pydantic import BaseModel

from ml_template.quiet import silence_known_noise


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


class TrackingSettings(BaseModel):
    """Where runs are tracked and shown, read once from ``mlflow.yml`` and
    ``globals.yml``: the hooks, the release, prune, the registry commands, the run
    summary's link and ``make mlflow`` all use this."""

    tracking_uri: str
    registry_uri: str | None = None
    ui_host: str = "127.0.0.1"
    ui_port: int = 5000
    experiment: str
    model_name: str

    @property
    def on_server(self) -> bool:
        """Whether runs go to a tracking server (``http(s)://``), not a local store."""
        return self.tracking_uri.startswith(("http://", "https://"))

    @property
    def ui_address(self) -> str:
        """The MLflow UI: the server's own, or the one ``make mlflow`` starts."""
        if self.on_server:
            return self.tracking_uri.rstrip("/")
        return f"http://{self.ui_host}:{self.ui_port}"

    def run_link(self, experiment_id: str, run_id: str) -> str:
        """A run's page in the MLflow UI, in its model-training view (MLflow 3 opens
        an experiment in its GenAI view otherwise)."""
        page = f"#/experiments/{experiment_id}/runs/{run_id}"
        return f"{self.ui_address}/{page}?workflowType=machine_learning"


def tracking_settings(loader: Any) -> TrackingSettings:
    """The tracking settings of a loaded configuration (``context.config_loader``)."""
    mlflow = loader["mlflow"]
    names = loader["globals"]
    ui = mlflow.get("ui") or {}
    return TrackingSettings(
        tracking_uri=str(mlflow["server"]["mlflow_tracking_uri"]),
        registry_uri=mlflow["server"].get("mlflow_registry_uri"),
        ui_host=str(ui.get("host", "127.0.0.1")),
        ui_port=int(ui.get("port", 5000)),
        experiment=str(names["mlflow_experiment"]),
        model_name=str(names.get("model_name") or "model"),
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m ml_template.config tracking_uri ui_host ui_port``: tracking
    settings, space-separated, for the Makefile."""
    silence_known_noise()
    fields = [*TrackingSettings.model_fields, "ui_address", "on_server"]
    parser = argparse.ArgumentParser(prog="python -m ml_template.config")
    parser.add_argument("fields", nargs="+", choices=fields)
    args = parser.parse_args(argv)
    settings = tracking_settings(config_loader(os.environ.get("KEDRO_ENV")))
    values = (getattr(settings, field) for field in args.fields)
    sys.stdout.write(" ".join("" if v is None else str(v) for v in values) + "\n")


if __name__ == "__main__":
    main()
