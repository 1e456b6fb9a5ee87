"""Wiring of the inference pipeline: new raw sources -> the data-engineering pipeline's
own cleaning, gates and join (reused under the ``inference`` namespace) -> the served
model's steps -> predictions."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.contract.active import active_contract
from {{ cookiecutter.python_package }}.pipelines.data_engineering.nodes import engineer_features
from {{ cookiecutter.python_package }}.pipelines.data_engineering.pipeline import CONTRACT, sources_to_primary
from {{ cookiecutter.python_package }}.pipelines.inference.nodes import predict, prepare_rows

NAMESPACE = "inference"
SERVING_INPUT = f"{NAMESPACE}.primary_table"


def serving_pipeline() -> Pipeline:
    """From primary-table rows to predictions: what the logged MLflow model runs."""
    return Pipeline(
        [
            Node(
                prepare_rows,
                inputs=[SERVING_INPUT, CONTRACT],
                outputs=f"{NAMESPACE}.scoring_rows",
                name="inference_prepare_rows_node",
            ),
            Node(
                engineer_features,
                inputs=[f"{NAMESPACE}.scoring_rows", CONTRACT],
                outputs=f"{NAMESPACE}.features",
                name="inference_engineer_features_node",
            ),
            Node(
                predict,
                inputs=[
                    f"{NAMESPACE}.features",
                    "model",
                    "preprocessing",
                    "decision_threshold",
                    CONTRACT,
                ],
                outputs=f"{NAMESPACE}.predictions",
                name="inference_predict_node",
            ),
        ],
        tags="inference",
    )


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the inference pipeline (needs a trained model: run the default first)."""
    batch = Pipeline(
        sources_to_primary(active_contract()),
        namespace=NAMESPACE,
        parameters={CONTRACT},
        tags="inference",
    )
    return batch + serving_pipeline()
