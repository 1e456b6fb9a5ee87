"""Wiring of the evaluation pipeline."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from {{ cookiecutter.python_package }}.contract.active import active_contract
from {{ cookiecutter.python_package }}.pipelines.evaluation.baselines import predict_baselines
from {{ cookiecutter.python_package }}.pipelines.evaluation.importance import (
    permutation_importances,
    plot_importances,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.nodes import (
    build_drift_reference,
    challenge_champion,
    choose_threshold,
    evaluate_model,
    fit_calibration,
    fit_conformal,
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
                fit_calibration,
                inputs=["validation_set", "model", "preprocessing", _SCHEMA],
                outputs="calibration",
                name="fit_calibration",
            ),
            Node(
                fit_conformal,
                inputs=[
                    "validation_set",
                    "model",
                    "preprocessing",
                    "calibration",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="conformal",
                name="fit_conformal",
            ),
            *(
                Node(
                    predict_split,
                    inputs=[
                        f"{split}_set",
                        "model",
                        "preprocessing",
                        "calibration",
                        _SCHEMA,
                    ],
                    outputs=f"{split}_predictions",
                    name=f"predict_{split}",
                )
                for split in ("validation", "test")
            ),
            Node(
                choose_threshold,
                inputs=["validation_predictions", _SCHEMA],
                outputs="decision_threshold",
                name="choose_threshold",
            ),
            Node(
                predict_baselines,
                inputs=[
                    "train_set",
                    "test_set",
                    "preprocessing",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="baseline_predictions",
                name="predict_baselines",
            ),
            Node(
                evaluate_model,
                inputs={
                    "test_set": "test_set",
                    "test_predictions": "test_predictions",
                    "baseline_predictions": "baseline_predictions",
                    "true_probabilities": "true_probabilities",
                    "model": "model",
                    "preprocessing": "preprocessing",
                    "decision": "decision_threshold",
                    "calibration": "calibration",
                    "conformal": "conformal",
                    "contract": _SCHEMA,
                    "params": "params:evaluation",
                },
                outputs="evaluation_metrics",
                name="evaluate_model",
            ),
            Node(
                metrics_for_tracking,
                inputs=["evaluation_metrics", "training_history"],
                outputs="tracked_metrics",
                name="metrics_for_tracking",
            ),
            Node(
                plot_interactive_curves,
                inputs=["test_predictions", _SCHEMA],
                outputs="evaluation_curves_plotly",
                name="plot_interactive_curves",
            ),
            Node(
                plot_evaluation,
                inputs=[
                    "test_predictions",
                    "baseline_predictions",
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
                name="plot_evaluation",
            ),
            Node(
                permutation_importances,
                inputs=[
                    "test_set",
                    "model",
                    "preprocessing",
                    "calibration",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="feature_importance",
                name="permutation_importances",
            ),
            Node(
                plot_importances,
                inputs="feature_importance",
                outputs="feature_importance_plot",
                name="plot_importances",
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
                name="challenge_champion",
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
                name="build_drift_reference",
            ),
        ],
        tags="evaluation",
        namespace="evaluation",
        prefix_datasets_with_namespace=False,
    )


def _cleaning_outputs(prefix: str = "") -> dict[str, str]:
    """Each contract source's clean and quarantined tables, by argument name."""
    return {
        f"{source}_{part}": f"{prefix}{source}_{part}"
        for source in active_contract().sources
        for part in ("intermediate", "quarantine")
    }
