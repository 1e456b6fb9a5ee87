"""Wiring of the inference pipeline: new raw rows -> the same cleaning, gates and
features as training -> the trained preprocessing and model -> predictions."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.pipelines.data_engineering.nodes import engineer_features
from ml_template.pipelines.data_engineering.primary import build_customer_table
from ml_template.pipelines.inference.nodes import (
    clean_unlabelled_source,
    predict,
    prepare_rows,
)

_AS_OF = "params:data_engineering.as_of_date"
_SCHEMA = "params:data_engineering.schema"


def _clean(source: str) -> Node:
    return Node(
        clean_unlabelled_source,
        inputs=[
            f"inference_{source}_raw",
            f"params:data_engineering.sources.{source}",
            _SCHEMA,
            _AS_OF,
        ],
        outputs=[f"inference_{source}_intermediate", f"inference_{source}_quarantine"],
        name=f"inference_clean_{source}_node",
        tags=[f"gate.{source}_raw", f"gate.{source}_intermediate"],
    )


def serving_pipeline() -> Pipeline:
    """From customer-table rows to predictions: what the logged MLflow model runs."""
    return Pipeline(
        [
            Node(
                prepare_rows,
                inputs=["inference_customer_table", _SCHEMA, _AS_OF],
                outputs="inference_scoring_rows",
                name="inference_prepare_rows_node",
            ),
            Node(
                engineer_features,
                inputs=["inference_scoring_rows", _SCHEMA, _AS_OF],
                outputs="inference_features",
                name="inference_engineer_features_node",
            ),
            Node(
                predict,
                inputs=[
                    "inference_features",
                    "model",
                    "preprocessing",
                    "decision_threshold",
                    _SCHEMA,
                ],
                outputs="inference_predictions",
                name="inference_predict_node",
            ),
        ],
        tags="inference",
    )


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the inference pipeline (needs a trained model: run the default first)."""
    return serving_pipeline() + Pipeline(
        [
            _clean("customers"),
            _clean("usage"),
            _clean("tickets"),
            Node(
                build_customer_table,
                inputs={
                    "customers": "inference_customers_intermediate",
                    "usage": "inference_usage_intermediate",
                    "tickets": "inference_tickets_intermediate",
                    "primary": "params:data_engineering.primary",
                },
                outputs="inference_customer_table",
                name="inference_build_customer_table_node",
                tags=["gate.customer_table_primary"],
            ),
        ],
        tags="inference",
    )
