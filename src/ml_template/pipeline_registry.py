"""Project pipelines, each built from the run's data contract when first asked for."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import version

from kedro.pipeline import Pipeline
from kedro_mlflow.pipeline import pipeline_ml_factory

from ml_template import pipelines as _package
from ml_template.contract import Contract
from ml_template.contract.loading import load_contract, run_env
from ml_template.serving import SequentialRunner

_TRAINING = ("data_engineering", "model_engineering", "evaluation")
_BOUND = ("training", "__default__")
# What the served model imports, whatever its kind (torch for the MLP, skops for the
# trees); pinned to this environment's versions. (MLflow's own inference of
# requirements misses both and lists this unpublished package.)
_SERVING_PACKAGES = (
    "kedro",
    "kedro-datasets",
    "kedro-mlflow",
    "mlflow",
    "torch",
    "skops",
    "pandas",
    "numpy",
    "pyarrow",
    "scikit-learn",
    "pydantic",
)


class ProjectPipelines(Mapping[str, Pipeline]):
    """Every folder of ``pipelines/`` by name, plus ``training`` (= ``__default__``).

    A pipeline is built on first use: its module is imported then, and its
    ``create_pipeline(contract=...)`` called with the one contract, loaded on first
    need. A data-only run does not import the modelling pipelines (about 2 s here).
    """

    def __init__(self, contract: Callable[[], Contract]) -> None:
        self._contract = contract
        names = [m.name for m in pkgutil.iter_modules(_package.__path__) if m.ispkg]
        self._names = [*names, *_BOUND]
        self._built: dict[str, Pipeline] = {}

    def __getitem__(self, name: str) -> Pipeline:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._built:
            self._built[name] = self._build(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def _build(self, name: str) -> Pipeline:
        if name in _BOUND:
            return self["training"] if name == "__default__" else self._training()
        module = importlib.import_module(f"{_package.__name__}.{name}.pipeline")
        return module.create_pipeline(contract=self._contract())

    def _training(self) -> Pipeline:
        """Training bound to the serving steps with kedro-mlflow's
        ``pipeline_ml_factory``: its run logs one MLflow model that takes primary-table
        rows and returns predictions."""
        from ml_template.pipelines.inference.pipeline import (  # noqa: PLC0415
            SERVING_INPUT,
            serving_pipeline,
        )

        return pipeline_ml_factory(
            training=sum((self[n] for n in _TRAINING), start=Pipeline([])),
            inference=serving_pipeline(),
            input_name=SERVING_INPUT,
            kpm_kwargs={"runner": SequentialRunner(input_name=SERVING_INPUT)},
            log_model_kwargs={
                "name": "model",
                # Rows arrive as exported, text included; prepare_rows checks them by
                # the contract and refuses bad ones with a clear message: no schema.
                "signature": None,
                # Ship the package with the model so it loads outside this project.
                "code_paths": ["src/ml_template"],
                "pip_requirements": [
                    f"{name}=={version(name)}" for name in _SERVING_PACKAGES
                ],
            },
        )


def register_pipelines(contract: Contract | None = None) -> ProjectPipelines:
    """Register the project's pipelines, wired from ``contract`` (default: the one of
    the environment Kedro runs in, ``KEDRO_ENV``, loaded once when first needed)."""
    return ProjectPipelines(
        (lambda: contract)
        if contract is not None
        else cache(lambda: load_contract(run_env()))
    )
