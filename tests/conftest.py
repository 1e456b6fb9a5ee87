"""Shared fixtures: the project's real configuration and tiny copies of the project."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro_mlflow.framework.hooks import mlflow_hook

from ml_template.schema import DatasetSchema, parse_schema
from ml_template.settings import CONFIG_LOADER_ARGS
from ml_template.validation import ValidationSession, activate

PROJECT_ROOT = Path(__file__).resolve().parents[1]
_COPIED = ("conf", "src", "pyproject.toml", ".telemetry")
# A copy starts with no MLflow store of its own: experiments record absolute paths.
NOT_COPIED = shutil.ignore_patterns("mlflow.db", "mlruns")

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# Tests use each project copy's own embedded store, never a server from the shell.
os.environ.pop("MLFLOW_TRACKING_URI", None)


def load_config(env: str = "test") -> OmegaConfigLoader:
    """The project's configuration loader, built from ``settings.py``'s arguments."""
    return OmegaConfigLoader(
        conf_source=str(PROJECT_ROOT / "conf"),
        **{**CONFIG_LOADER_ARGS, "default_run_env": env},
    )


@pytest.fixture(scope="session")
def config() -> OmegaConfigLoader:
    """The project's configuration in the ``test`` environment."""
    return load_config()


@pytest.fixture(scope="session")
def de_params(config: OmegaConfigLoader) -> dict[str, Any]:
    """The ``data_engineering`` parameters."""
    return config["parameters"]["data_engineering"]


@pytest.fixture(scope="session")
def schema(de_params: dict[str, Any]) -> DatasetSchema:
    """The dataset contract."""
    return parse_schema(de_params["schema"])


@pytest.fixture
def validation_session(
    config: OmegaConfigLoader, schema: DatasetSchema
) -> Iterator[ValidationSession]:
    """An active validation session over the project's real suites."""
    session = ValidationSession(suites=config["expectations"], schema=schema)
    activate(session)
    yield session
    activate(None)


def run_session(
    project: Path,
    runtime_params: dict[str, Any] | None = None,
    env: str = "test",
    **run_args: Any,
) -> dict[str, Any]:
    """Run the project at ``project`` in-process (in the ``test`` environment)."""
    bootstrap_project(project)
    previous = Path.cwd()
    # mlflow.set_tracking_uri() exports MLFLOW_TRACKING_URI, which would send every
    # later in-process session to the first project's store.
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    os.chdir(project)  # the embedded MLflow store (sqlite:///mlflow.db) is cwd-relative
    try:
        with KedroSession.create(
            project_path=project, env=env, runtime_params=runtime_params
        ) as session:
            return session.run(**run_args)
    finally:
        os.chdir(previous)
        # kedro-mlflow's hook is a process-wide singleton that re-opens its last run
        # before every node and leaves it on MLflow's run stack: reset both so the next
        # in-process session starts clean (one session per process, as the CLI does,
        # never needs this).
        mlflow_hook.run_id = None
        while mlflow.active_run():
            mlflow.end_run()


@pytest.fixture(scope="session")
def tiny_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with tiny generated raw data (600 customers)."""
    root = tmp_path_factory.mktemp("tiny") / "project"
    copy_project(root)
    run_session(root, pipeline_names=["synthetic"])
    return root


@pytest.fixture
def project_copy(tiny_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the tiny project for a test to change and run."""
    root = tmp_path / "project"
    shutil.copytree(tiny_project, root, ignore=NOT_COPIED)
    return root


def copy_project(root: Path, with_raw_data: bool = False) -> None:
    """Copy code and configuration (and optionally the bundled raw data) to ``root``."""
    root.mkdir(parents=True)
    for name in _COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, root / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, root / name)
    (root / "data").mkdir()
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    if with_raw_data:
        shutil.copytree(PROJECT_ROOT / "data" / "01_raw", root / "data" / "01_raw")


TOY_SCHEMA: dict[str, Any] = {
    "id": "id",
    "target": "label",
    "classes": ["no", "yes"],
    "numeric": ["x", "noise"],
    "categorical": {"colour": ["red", "blue"]},
    "date": [],
}

TOY_PARAMS: dict[str, Any] = {
    "model": {"hidden_sizes": [8], "dropout": 0.0, "max_embedding_dim": 2},
    "training": {
        "learning_rate": 0.02,
        "weight_decay": 0.0,
        "batch_size": 64,
        "max_epochs": 30,
        "patience": 3,
        "min_delta": 0.0,
        "seed": 1,
        "num_threads": 1,
        "device": "cpu",
    },
}


def toy_split(n: int, seed: int, classes: list[str] | None = None) -> pd.DataFrame:
    """Rows whose label depends on ``x`` and ``colour``: learnable, not trivial."""
    import numpy as np  # noqa: PLC0415

    classes = classes or TOY_SCHEMA["classes"]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    colour = rng.choice(["red", "blue"], n)
    score = (
        2.0 * x + np.where(colour == "red", 1.0, -1.0) + rng.normal(scale=0.5, size=n)
    )
    bins = np.quantile(score, np.linspace(0, 1, len(classes) + 1)[1:-1])
    return pd.DataFrame(
        {
            "id": [f"r{seed}-{i}" for i in range(n)],
            "label": np.asarray(classes)[np.digitize(score, bins)],
            "x": x,
            "noise": rng.normal(size=n),
            "colour": colour,
        }
    )


@pytest.fixture(scope="session")
def tracked(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """A tiny project after one default (tracked) run: project, MLflow client, run."""
    project = tmp_path_factory.mktemp("tracked") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("ml_template")
    (run,) = client.search_runs([experiment.experiment_id])
    return project, client, run
