"""Wiring of the synthetic-data pipeline."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.pipelines.synthetic.nodes import (
    generate_new_customers,
    generate_raw_data,
)


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the pipeline that writes the raw samples to ``data/01_raw``."""
    raw = Node(
        generate_raw_data,
        inputs="params:synthetic",
        outputs=["customers_raw", "usage_raw", "tickets_raw", "true_probabilities"],
        name="generate_raw_data",
    )
    new_customers = Node(
        generate_new_customers,
        inputs="params:synthetic",
        outputs=["customers_raw", "usage_raw", "tickets_raw"],
        name="generate_new_customers",
    )
    # The batch to score lands in the inference namespace's raw datasets.
    return Pipeline(
        [raw, Pipeline([new_customers], namespace="inference", parameters="synthetic")],
        tags="synthetic",
    )
