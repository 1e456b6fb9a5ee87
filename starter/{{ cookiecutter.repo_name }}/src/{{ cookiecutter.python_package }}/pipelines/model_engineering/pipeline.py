"""Wiring of the model-engineering pipeline."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import (
    choose_hyperparameters,
    fit_preprocessing,
    train_model,
)


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the model-engineering pipeline."""
    return Pipeline(
        [
            Node(
                fit_preprocessing,
                inputs=["train_set", "params:contract"],
                outputs="preprocessing",
                name="fit_preprocessing",
            ),
            Node(
                choose_hyperparameters,
                inputs=["params:model_engineering", "tuned_hyperparameters"],
                outputs="hyperparameters",
                name="choose_hyperparameters",
            ),
            Node(
                train_model,
                inputs=[
                    "train_set",
                    "validation_set",
                    "preprocessing",
                    "params:contract",
                    "hyperparameters",
                ],
                outputs=["model", "training_history"],
                name="train_model",
            ),
        ],
        tags=["model_engineering", "training"],
        namespace="model_engineering",
        prefix_datasets_with_namespace=False,
    )
