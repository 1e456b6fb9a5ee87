"""Wiring of the inference pipeline: new raw sources -> the data-engineering pipeline's
own cleaning, gates and join (reused under the ``inference`` namespace) -> the served
model's steps, with the registry's champion -> predictions."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.contract import Contract
from ml_template.pipelines.data_engineering.nodes import engineer_features
from ml_template.pipelines.data_engineering.pipeline import (
    CONTRACT,
    MONITORING,
    sources_to_primary,
)
from ml_template.pipelines.inference.nodes import (
    enforce_drift_policy,
    monitor_drift,
    predict,
    prepare_rows,
    use_champion,
)
from ml_template.pipelines.model_engineering.pipeline import cleaning_outputs

NAMESPACE = "inference"
SERVING_INPUT = f"{NAMESPACE}.primary_table"
# What the served steps read: in the logged model its own copy; in batch inference
# the registry's champion.
MODEL = "fitted_model"


def serving_pipeline() -> Pipeline:
    """From primary-table rows to predictions: what the logged MLflow model runs."""
    return Pipeline(
        [
            Node(
                prepare_rows,
                inputs=[SERVING_INPUT, CONTRACT],
                outputs=f"{NAMESPACE}.scoring_rows",
                name="prepare_rows",
                namespace=NAMESPACE,
            ),
            Node(
                engineer_features,
                inputs=[f"{NAMESPACE}.scoring_rows", CONTRACT],
                outputs=f"{NAMESPACE}.features",
                name="engineer_features",
                namespace=NAMESPACE,
            ),
            Node(
                predict,
                inputs=[f"{NAMESPACE}.features", MODEL, CONTRACT],
                outputs=f"{NAMESPACE}.predictions",
                name="predict",
                namespace=NAMESPACE,
            ),
        ],
        tags="inference",
    )


def create_pipeline(contract: Contract) -> Pipeline:
    """Create the inference pipeline: it scores with ``models:/<name>@champion``."""
    batch = Pipeline(
        sources_to_primary(contract, scoring=True),
        namespace=NAMESPACE,
        parameters={CONTRACT, MONITORING},
        tags="inference",
    )
    champion = f"{NAMESPACE}.champion_{MODEL}"
    reference = f"{NAMESPACE}.drift_reference"
    use = Node(
        use_champion,
        inputs="champion_model",
        outputs=[champion, reference],
        name="use_champion",
        namespace=NAMESPACE,
    )
    monitor = Node(
        monitor_drift,
        inputs={
            "features": f"{NAMESPACE}.features",
            "predictions": f"{NAMESPACE}.predictions",
            "reference": reference,
            "contract": CONTRACT,
            "params": MONITORING,
            **cleaning_outputs(contract, f"{NAMESPACE}."),
        },
        outputs=[
            f"{NAMESPACE}.drift_report",
            f"{NAMESPACE}.drift_report_html",
            f"{NAMESPACE}.drift_metrics",
        ],
        name="monitor_drift",
        namespace=NAMESPACE,
    )
    enforce = Node(
        enforce_drift_policy,
        inputs=[f"{NAMESPACE}.drift_report", MONITORING],
        outputs=None,
        name="enforce_drift_policy",
        namespace=NAMESPACE,
    )
    return (
        batch
        + Pipeline([use, monitor, enforce], tags="inference")
        + Pipeline(serving_pipeline(), inputs={MODEL: champion})
    )
