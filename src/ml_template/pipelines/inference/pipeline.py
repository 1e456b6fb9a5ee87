"""Wiring of the inference pipeline: new raw rows -> the same cleaning, gates and
features as training -> the trained preprocessing and model -> predictions."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.pipelines.data_engineering.nodes import engineer_features
from ml_template.pipelines.data_engineering.primary import build_customer_table
from ml_template.pipelines.inference.nodes import clean_unlabelled_source, predict

_AS_OF = "params:data_engineering.as_of_date"
_SCHEMA = "params:data_engineering.schema"


def _clean(source: str) -> Node:
    return Node(
        clean_unlabelled_source,
        inputs=[
            f"inference.{source}_raw",
            f"params:data_engineering.sources.{source}",
            _SCHEMA,
            _AS_OF,
        ],
        outputs=[f"inference.{source}_intermediate", f"inference.{source}_quarantine"],
        name=f"inference.clean_{source}_node",
        tags=[f"gate.{source}_raw", f"gate.{source}_intermediate"],
    )


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the inference pipeline (needs a trained model: run the default first)."""
    return Pipeline(
        [
            _clean("customers"),
            _clean("usage"),
            _clean("tickets"),
            Node(
                build_customer_table,
                inputs=[
                    "inference.customers_intermediate",
                    "inference.usage_intermediate",
                    "inference.tickets_intermediate",
                ],
                outputs="inference.customer_table",
                name="inference.build_customer_table_node",
                tags=["gate.customer_table_primary"],
            ),
            Node(
                engineer_features,
                inputs=["inference.customer_table", _SCHEMA, _AS_OF],
                outputs="inference.features",
                name="inference.engineer_features_node",
            ),
            Node(
                predict,
                inputs=[
                    "inference.features",
                    "model",
                    "preprocessing",
                    "decision_threshold",
                    _SCHEMA,
                ],
                outputs="inference.predictions",
                name="inference.predict_node",
            ),
        ],
        tags="inference",
    )
