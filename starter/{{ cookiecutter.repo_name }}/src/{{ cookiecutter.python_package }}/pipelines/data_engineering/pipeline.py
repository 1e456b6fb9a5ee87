"""Wiring of the data-engineering pipeline, one cleaning node per contract source.

Great Expectations gates sit on catalog entries (``validator:`` in catalog.yml); the
``gate.<suite>`` tags mark the nodes where they fire so kedro-viz can highlight them.
"""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.contract.active import active_contract
from {{ cookiecutter.python_package }}.pipelines.data_engineering.nodes import (
    engineer_features,
    source_cleaner,
    split_dataset,
)
from {{ cookiecutter.python_package }}.pipelines.data_engineering.primary import build_primary_table

CONTRACT = "params:contract"


def sources_to_primary(contract: Contract) -> Pipeline:
    """Raw sources -> clean sources and quarantine -> the primary table."""
    cleaning = [
        Node(
            source_cleaner(source),
            inputs=[f"{source}_raw", CONTRACT],
            outputs=[f"{source}_intermediate", f"{source}_quarantine"],
            name=f"clean_{source}_node",
            tags=[f"gate.{source}_raw", f"gate.{source}_intermediate"],
        )
        for source in contract.sources
    ]
    events = {source: f"{source}_intermediate" for source in contract.events}
    return Pipeline(
        [
            *cleaning,
            Node(
                build_primary_table,
                inputs={
                    "entity": f"{contract.entity_name}_intermediate",
                    "contract": CONTRACT,
                    **events,
                },
                outputs="primary_table",
                name="build_primary_table_node",
                tags=["gate.primary_table"],
            ),
        ]
    )


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the data-engineering pipeline from the run's contract."""
    return Pipeline(
        [
            sources_to_primary(active_contract()),
            Node(
                engineer_features,
                inputs=["primary_table", CONTRACT],
                outputs="features",
                name="engineer_features_node",
            ),
            Node(
                split_dataset,
                inputs=["features", CONTRACT, "params:data_engineering.split"],
                outputs=["train_set", "validation_set", "test_set"],
                name="split_dataset_node",
                tags=["gate.train_set", "gate.validation_set", "gate.test_set"],
            ),
        ],
        tags="data_engineering",
    )
