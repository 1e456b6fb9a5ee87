"""Wiring of the tuning pipeline: `kedro run --pipelines tuning`."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.pipelines.tuning.nodes import tune_hyperparameters
from {{ cookiecutter.python_package }}.pipelines.tuning.plots import plot_tuning


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the hyper-parameter search over the last completed run's splits."""
    return Pipeline(
        [
            Node(
                tune_hyperparameters,
                inputs=[
                    "train_set",
                    "validation_set",
                    "params:contract",
                    "params:model_engineering",
                    "params:tuning",
                ],
                outputs=["best_hyperparameters", "tuning_trials"],
                name="tune_hyperparameters",
            ),
            Node(
                plot_tuning,
                inputs="tuning_trials",
                outputs="tuning_history_plot",
                name="plot_tuning",
            ),
        ],
        tags="tuning",
        namespace="tuning",
        prefix_datasets_with_namespace=False,
    )
