"""Wiring of the data-engineering pipeline, one cleaning node per contract source.

Great Expectations gates sit on catalog entries (``validator:`` in catalog.yml); the
nodes where they fire carry the ``gate`` tag and a kedro-viz preview that lists them.
The nodes are grouped under the pipeline's name (``data_engineering.clean_customers``),
which kedro-viz draws as one box to expand; dataset names are left as they are.
"""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.contract import Contract
from ml_template.pipelines.data_engineering.nodes import (
    engineer_features,
    source_cleaner,
    split_dataset,
)
from ml_template.pipelines.data_engineering.primary import build_primary_table
from ml_template.validation.preview import GATE_TAG, gate_preview

CONTRACT = "params:contract"
MONITORING = "params:monitoring"
SPLITS = ("train_set", "validation_set", "test_set")


def sources_to_primary(contract: Contract, scoring: bool = False) -> Pipeline:
    """Raw sources -> clean sources and quarantine -> the primary table (``scoring``:
    of a batch to score, with its own quarantine limit, ``params:monitoring``)."""
    limit = [MONITORING] if scoring else []
    cleaning = [
        Node(
            source_cleaner(source, scoring),
            inputs=[f"{source}_raw", CONTRACT, *limit],
            outputs=[f"{source}_intermediate", f"{source}_quarantine"],
            name=f"clean_{source}",
            tags=GATE_TAG,
            preview_fn=gate_preview(
                {
                    f"{source}_raw": f"on loading {source}_raw",
                    f"{source}_intermediate": f"on saving {source}_intermediate",
                },
                contract,
            ),
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
                name="build_primary_table",
                tags=GATE_TAG,
                preview_fn=gate_preview(
                    {"primary_table": "on saving primary_table"}, contract
                ),
            ),
        ]
    )


def create_pipeline(contract: Contract) -> Pipeline:
    """Create the data-engineering pipeline from the run's contract."""
    return Pipeline(
        [
            sources_to_primary(contract),
            Node(
                engineer_features,
                inputs=["primary_table", CONTRACT],
                outputs="features",
                name="engineer_features",
            ),
            Node(
                split_dataset,
                inputs=["features", CONTRACT, "params:data_engineering.split"],
                outputs=["train_set", "validation_set", "test_set"],
                name="split_dataset",
                tags=GATE_TAG,
                preview_fn=gate_preview(
                    {split: f"on saving {split}" for split in SPLITS}, contract
                ),
            ),
        ],
        tags="data_engineering",
        namespace="data_engineering",
        prefix_datasets_with_namespace=False,
    )
