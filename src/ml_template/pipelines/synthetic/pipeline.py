"""Wiring of the synthetic-data pipeline."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.pipelines.synthetic.nodes import generate_raw_data


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the pipeline that writes the raw sample to ``data/01_raw``."""
    return Pipeline(
        [
            Node(
                generate_raw_data,
                inputs="params:synthetic",
                outputs=[
                    "customers_raw",
                    "usage_raw",
                    "tickets_raw",
                    "customers_churn_probability",
                ],
                name="generate_raw_data_node",
            )
        ],
        tags="synthetic",
    )
