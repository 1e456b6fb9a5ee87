"""Wiring of the data-engineering pipeline.

Great Expectations gates sit on catalog entries (``validator:`` in catalog.yml); the
``gate.<suite>`` tags mark the nodes where they fire so kedro-viz can highlight them.
"""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.pipelines.data_engineering.nodes import (
    clean_source,
    engineer_features,
    split_dataset,
)
from ml_template.pipelines.data_engineering.primary import build_customer_table

_AS_OF = "params:data_engineering.as_of_date"
_SCHEMA = "params:data_engineering.schema"


def _clean(source: str) -> Node:
    return Node(
        clean_source,
        inputs=[f"{source}_raw", f"params:data_engineering.sources.{source}", _AS_OF],
        outputs=[f"{source}_intermediate", f"{source}_quarantine"],
        name=f"clean_{source}_node",
        tags=[f"gate.{source}_raw", f"gate.{source}_intermediate"],
    )


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the data-engineering pipeline."""
    return Pipeline(
        [
            _clean("customers"),
            _clean("usage"),
            _clean("tickets"),
            Node(
                build_customer_table,
                inputs={
                    "customers": "customers_intermediate",
                    "usage": "usage_intermediate",
                    "tickets": "tickets_intermediate",
                    "primary": "params:data_engineering.primary",
                },
                outputs="customer_table_primary",
                name="build_customer_table_node",
                tags=["gate.customer_table_primary"],
            ),
            Node(
                engineer_features,
                inputs=["customer_table_primary", _SCHEMA, _AS_OF],
                outputs="features",
                name="engineer_features_node",
            ),
            Node(
                split_dataset,
                inputs=["features", _SCHEMA, "params:data_engineering.split"],
                outputs=["train_set", "validation_set", "test_set"],
                name="split_dataset_node",
                tags=["gate.train_set", "gate.validation_set", "gate.test_set"],
            ),
        ],
        tags="data_engineering",
    )
