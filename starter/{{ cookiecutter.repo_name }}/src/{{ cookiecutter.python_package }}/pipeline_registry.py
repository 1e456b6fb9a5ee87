"""Project pipelines."""

from __future__ import annotations

from importlib.metadata import version

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

_TRAINING = ("data_engineering", "model_engineering", "evaluation")
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


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    ``__default__`` (also ``training``) trains and evaluates; bound to the serving part
    of ``inference`` with kedro-mlflow's ``pipeline_ml_factory``, its run logs one MLflow
    model that takes primary-table rows and returns predictions.
    """
    pipelines = find_pipelines(raise_errors=True)
    if not all(name in pipelines for name in _TRAINING):
        return pipelines  # Kedro loaded only the pipelines a run asked for
    # Imported here: data-only runs need not pay for MLflow's pipeline binding.
    from kedro_mlflow.pipeline import pipeline_ml_factory  # noqa: PLC0415

    from {{ cookiecutter.python_package }}.pipelines.inference.pipeline import (  # noqa: PLC0415
        SERVING_INPUT,
        serving_pipeline,
    )
    from {{ cookiecutter.python_package }}.serving import SequentialRunner  # noqa: PLC0415

    training = sum((pipelines[name] for name in _TRAINING), start=Pipeline([]))
    pipelines["training"] = pipeline_ml_factory(
        training=training,
        inference=serving_pipeline(),
        input_name=SERVING_INPUT,
        kpm_kwargs={"runner": SequentialRunner(input_name=SERVING_INPUT)},
        log_model_kwargs={
            "name": "model",
            # Rows arrive as exported, text included; prepare_rows checks them by the
            # contract and refuses bad ones with a clear message: no MLflow schema.
            "signature": None,
            # Ship the package with the model so it loads outside this project.
            "code_paths": ["src/{{ cookiecutter.python_package }}"],
            "pip_requirements": [
                f"{name}=={version(name)}" for name in _SERVING_PACKAGES
            ],
        },
    )
    pipelines["__default__"] = pipelines["training"]
    return pipelines
