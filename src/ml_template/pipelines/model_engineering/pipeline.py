"""Wiring of the model-engineering pipeline: from the splits to one fitted bundle."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.contract import Contract
from ml_template.models.fitted import predict_split
from ml_template.pipelines.model_engineering.nodes import (
    assemble_model,
    build_drift_reference,
    choose_hyperparameters,
    choose_threshold,
    fit_calibration,
    fit_conformal,
    fit_preprocessing,
    train_model,
)

_CONTRACT = "params:contract"


def create_pipeline(contract: Contract) -> Pipeline:
    """Create the model-engineering pipeline (the drift reference reads each of the
    contract's sources' quarantine)."""
    return Pipeline(
        [
            Node(
                fit_preprocessing,
                inputs=["train_set", _CONTRACT],
                outputs="preprocessing",
                name="fit_preprocessing",
            ),
            Node(
                choose_hyperparameters,
                inputs=["params:model_engineering", "tuned_hyperparameters"],
                outputs="hyperparameters",
                name="choose_hyperparameters",
            ),
            Node(
                train_model,
                inputs=[
                    "train_set",
                    "validation_set",
                    "preprocessing",
                    _CONTRACT,
                    "hyperparameters",
                ],
                outputs=["trained_model", "training_history"],
                name="train_model",
            ),
            Node(
                fit_calibration,
                inputs=["validation_set", "trained_model", _CONTRACT],
                outputs="calibrated_model",
                name="fit_calibration",
            ),
            Node(
                predict_split,
                inputs=["validation_set", "calibrated_model", _CONTRACT],
                outputs="validation_predictions",
                name="predict_validation",
            ),
            Node(
                choose_threshold,
                inputs=[
                    "validation_predictions",
                    _CONTRACT,
                    "params:model_engineering",
                ],
                outputs="decision_threshold",
                name="choose_threshold",
            ),
            Node(
                fit_conformal,
                inputs=[
                    "validation_set",
                    "calibrated_model",
                    _CONTRACT,
                    "params:evaluation",
                ],
                outputs="conformal",
                name="fit_conformal",
            ),
            Node(
                build_drift_reference,
                inputs={
                    "train_set": "train_set",
                    "validation_predictions": "validation_predictions",
                    "contract": _CONTRACT,
                    "params": "params:monitoring",
                    **cleaning_outputs(contract),
                },
                outputs="drift_reference",
                name="build_drift_reference",
            ),
            Node(
                assemble_model,
                inputs=[
                    "calibrated_model",
                    "decision_threshold",
                    "conformal",
                    "drift_reference",
                ],
                outputs="fitted_model",
                name="assemble_model",
            ),
        ],
        tags=["model_engineering", "training"],
        namespace="model_engineering",
        prefix_datasets_with_namespace=False,
    )


def cleaning_outputs(contract: Contract, prefix: str = "") -> dict[str, str]:
    """Each contract source's clean and quarantined tables, by argument name."""
    return {
        f"{source}_{part}": f"{prefix}{source}_{part}"
        for source in contract.sources
        for part in ("intermediate", "quarantine")
    }
