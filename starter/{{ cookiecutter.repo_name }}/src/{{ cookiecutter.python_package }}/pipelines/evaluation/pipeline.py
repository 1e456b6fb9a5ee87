"""Wiring of the evaluation pipeline."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.contract.active import active_contract
from {{ cookiecutter.python_package }}.pipelines.evaluation.nodes import (
    build_drift_reference,
    challenge_champion,
    choose_threshold,
    evaluate_baselines,
    evaluate_model,
    metrics_for_tracking,
    predict_split,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.plots import (
    plot_evaluation,
    plot_interactive_curves,
)

_SCHEMA = "params:contract"


def create_pipeline(**kwargs: object) -> Pipeline:
    """Create the evaluation pipeline."""
    return Pipeline(
        [
            Node(
                predict_split,
                inputs=["validation_set", "model", "preprocessing", _SCHEMA],
                outputs="validation_predictions",
                name="predict_validation_node",
            ),
            Node(
                predict_split,
                inputs=["test_set", "model", "preprocessing", _SCHEMA],
                outputs="test_predictions",
                name="predict_test_node",
            ),
            Node(
                choose_threshold,
                inputs=["validation_predictions", _SCHEMA],
                outputs="decision_threshold",
                name="choose_threshold_node",
            ),
            Node(
                evaluate_baselines,
                inputs=[
                    "train_set",
                    "test_set",
                    "preprocessing",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="baseline_metrics",
                name="evaluate_baselines_node",
            ),
            Node(
                evaluate_model,
                inputs=[
                    "test_predictions",
                    "decision_threshold",
                    "baseline_metrics",
                    _SCHEMA,
                ],
                outputs="evaluation_metrics",
                name="evaluate_model_node",
            ),
            Node(
                metrics_for_tracking,
                inputs=["evaluation_metrics", "training_history"],
                outputs="tracked_metrics",
                name="metrics_for_tracking_node",
            ),
            Node(
                plot_interactive_curves,
                inputs=["test_predictions", _SCHEMA],
                outputs="evaluation_curves_plotly",
                name="plot_interactive_curves_node",
            ),
            Node(
                plot_evaluation,
                inputs=[
                    "test_predictions",
                    "decision_threshold",
                    "training_history",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs=[
                    "roc_curve_plot",
                    "precision_recall_curve_plot",
                    "calibration_plot",
                    "confusion_matrix_plot",
                    "training_curves_plot",
                ],
                name="plot_evaluation_node",
            ),
            Node(
                challenge_champion,
                inputs=[
                    "test_set",
                    "evaluation_metrics",
                    "champion_model",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="promotion_decision",
                name="challenge_champion_node",
            ),
            Node(
                build_drift_reference,
                inputs={
                    "train_set": "train_set",
                    "validation_predictions": "validation_predictions",
                    "contract": _SCHEMA,
                    "params": "params:monitoring",
                    **_cleaning_outputs(),
                },
                outputs="drift_reference",
                name="build_drift_reference_node",
            ),
        ],
        tags="evaluation",
    )


def _cleaning_outputs(prefix: str = "") -> dict[str, str]:
    """Each contract source's clean and quarantined tables, by argument name."""
    return {
        f"{source}_{part}": f"{prefix}{source}_{part}"
        for source in active_contract().sources
        for part in ("intermediate", "quarantine")
    }
