"""Shared fixtures: the test fixture's configuration and tiny copies of the project.

The machinery tests never read the user's data description: a project copy gets
``tests/fixture/conf`` laid over its ``conf/`` (the churn example, generated data), so
they pass unchanged after the example in ``conf/base`` is replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
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

from {{ cookiecutter.python_package }}.config import CONFIG_LOADER_ARGS
from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.contract.loading import parse_contract
from {{ cookiecutter.python_package }}.models import FittedModel
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing, train_model
from {{ cookiecutter.python_package }}.runs.tracking import experiment_params
from {{ cookiecutter.python_package }}.validation import ValidationSession, gates

# `make test` runs one pytest-xdist worker per core. A worker's __main__ (execnet's)
# has neither __spec__ nor __file__, which PySpark's Spark Connect module takes for a
# doctest run: it exits the process when first imported (Great Expectations imports it).
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CONF = PROJECT_ROOT / "tests" / "fixture" / "conf"
_COPIED = ("conf", "src", "pyproject.toml", ".telemetry")
# A copy starts with no MLflow store of its own: experiments record absolute paths.
NOT_COPIED = shutil.ignore_patterns("mlflow.db", "mlruns")

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# Tests use each project copy's own embedded store, never a server from the shell.
os.environ.pop("MLFLOW_TRACKING_URI", None)


def load_config(conf: Path, env: str = "test") -> OmegaConfigLoader:
    """The project's configuration loader over ``conf``, built from ``settings.py``."""
    return OmegaConfigLoader(
        conf_source=str(conf), **{**CONFIG_LOADER_ARGS, "default_run_env": env}
    )


def lay_fixture(conf: Path) -> None:
    """Replace the user's data description in ``conf`` by the test fixture's."""
    shutil.rmtree(conf / "base" / "expectations", ignore_errors=True)
    shutil.copytree(FIXTURE_CONF, conf, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> OmegaConfigLoader:
    """The fixture's configuration in the ``test`` environment."""
    conf = tmp_path_factory.mktemp("conf") / "conf"
    shutil.copytree(PROJECT_ROOT / "conf", conf)
    lay_fixture(conf)
    return load_config(conf)


@pytest.fixture(scope="session")
def contract(config: OmegaConfigLoader) -> Contract:
    """The fixture's data contract (the churn example)."""
    return parse_contract(config["parameters"]["contract"])


@pytest.fixture
def validation_session(
    config: OmegaConfigLoader, contract: Contract
) -> Iterator[ValidationSession]:
    """An active validation session over the fixture's contract and extra suites."""
    session = ValidationSession(contract=contract, extras=config["expectations"])
    with gates(session):
        yield session


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
    os.environ["KEDRO_ENV"] = env  # as the project's `kedro run --env` does
    try:
        # As the project's `kedro run` does: inference in its own experiment.
        asked = experiment_params(list(run_args.get("pipeline_names") or []))
        with KedroSession.create(
            project_path=project, env=env, runtime_params=asked | (runtime_params or {})
        ) as session:
            return session.run(**run_args)
    finally:
        os.chdir(previous)
        os.environ.pop("KEDRO_ENV", None)
        # kedro-mlflow's hook is a process-wide singleton that re-opens its last run
        # before every node and leaves it on MLflow's run stack: reset both so the next
        # in-process session starts clean (one session per process, as the CLI does,
        # never needs this).
        mlflow_hook.run_id = None
        while mlflow.active_run():
            mlflow.end_run()


@pytest.fixture(scope="session")
def tiny_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project on the fixture, with tiny generated data (600 customers)."""
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


def copy_project(root: Path, fixture: bool = True, with_raw_data: bool = False) -> None:
    """Copy code and configuration to ``root``: the fixture's data description unless
    ``fixture`` is false, and the project's raw data if ``with_raw_data``."""
    root.mkdir(parents=True)
    for name in _COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, root / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, root / name)
    if fixture:
        lay_fixture(root / "conf")
    (root / "data").mkdir()
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    if with_raw_data:
        shutil.copytree(PROJECT_ROOT / "data" / "01_raw", root / "data" / "01_raw")


TOY_CONTRACT: dict[str, Any] = {
    "as_of_date": "2026-01-31",
    "sources": {
        "rows": {
            "key": ["id"],
            "max_quarantined": 0.5,
            "columns": {
                "id": {"type": "text", "role": "id"},
                "label": {
                    "type": "category",
                    "role": "target",
                    "values": ["no", "yes"],
                },
                "x": {"type": "number"},
                "noise": {"type": "number"},
                "colour": {"type": "category", "values": ["red", "blue"]},
            },
        }
    },
}


def toy_contract(classes: list[str] | None = None) -> Contract:
    """A flat contract over :func:`toy_split`'s columns (two or more classes)."""
    raw = TOY_CONTRACT
    if classes:
        columns = {**raw["sources"]["rows"]["columns"]}
        columns["label"] = {**columns["label"], "values": classes}
        rows = {**raw["sources"]["rows"], "columns": columns}
        raw = {**raw, "sources": {"rows": rows}}
    return Contract.model_validate(raw)


#: Small, quick settings of each built-in kind for the toy splits.
TOY_SETTINGS: dict[str, dict[str, Any]] = {
    "mlp": {
        "hidden_sizes": [8],
        "dropout": 0.0,
        "max_embedding_dim": 2,
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
    "hist_gradient_boosting": {
        "learning_rate": 0.2,
        "max_iter": 60,
        "max_leaf_nodes": 8,
        "patience": 5,
        "seed": 1,
    },
}
KINDS = list(TOY_SETTINGS)


def toy_hyperparameters(kind: str = "mlp", **settings: Any) -> dict[str, Any]:
    """``hyperparameters`` as ``choose_hyperparameters`` gives them, for a toy kind."""
    return {"model": {"kind": kind, kind: TOY_SETTINGS[kind] | settings}}


def toy_model(
    train: Any, validation: Any, contract: Contract, kind: str = "mlp", **settings: Any
) -> tuple[FittedModel, list[dict[str, float]]]:
    """A model of ``kind`` trained on toy splits (not calibrated)."""
    preprocessing = fit_preprocessing(train, contract)
    return train_model(
        train,
        validation,
        preprocessing,
        contract,
        toy_hyperparameters(kind, **settings),
    )


def toy_split(n: int, seed: int, classes: list[str] | None = None) -> pd.DataFrame:
    """Rows whose label depends on ``x`` and ``colour``: learnable, not trivial."""
    import numpy as np  # noqa: PLC0415

    classes = classes or ["no", "yes"]
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
    experiment = client.get_experiment_by_name("{{ cookiecutter.python_package }}")
    (run,) = client.search_runs([experiment.experiment_id])
    return project, client, run


@pytest.fixture(scope="session")
def tracked_trees(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """A tiny project after an MLP run, then a boosted-trees run that challenged it:
    project, MLflow client, the trees' run."""
    project = tmp_path_factory.mktemp("tracked_trees") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    run_session(project, {"model_engineering": {"model": {"kind": KINDS[1]}}})
    bundles = sorted((project / "data/06_models/fitted_model").glob("*/*"))
    manifest = json.loads((bundles[-1] / "bundle.json").read_text())
    assert manifest["kind_class"].endswith(".HistGradientBoosting")  # it switched
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("{{ cookiecutter.python_package }}")
    runs = client.search_runs(
        [experiment.experiment_id], order_by=["attributes.start_time DESC"]
    )
    return project, client, runs[0]


@pytest.fixture(autouse=True)
def _tracked_store(request: pytest.FixtureRequest) -> None:
    """Point MLflow's global store at the tracked project for the tests that read it.

    MLflow resolves a run's logged models through its global store, and every later
    in-process run (another project copy) repoints that store.
    """
    for name in ("tracked", "tracked_trees"):
        if name in request.fixturenames:
            client = request.getfixturevalue(name)[1]
            mlflow.set_tracking_uri(client.tracking_uri)
