"""Wiring of the evaluation pipeline: the fitted bundle on the test split."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from ml_template.models.fitted import predict_split
from ml_template.pipelines.evaluation.baselines import predict_baselines
from ml_template.pipelines.evaluation.importance import (
    permutation_importances,
    plot_importances,
)
from ml_template.pipelines.evaluation.nodes import (
    challenge_champion,
    evaluate_model,
    metrics_for_tracking,
)
from ml_template.pipelines.evaluation.plots import (
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
                inputs=["test_set", "fitted_model", _SCHEMA],
                outputs="test_predictions",
                name="predict_test",
            ),
            Node(
                predict_baselines,
                inputs=[
                    "train_set",
                    "test_set",
                    "fitted_model",
                    _SCHEMA,
                    "params:evaluation",
                ],
                outputs="baseline_predictions",
                name="predict_baselines",
            ),
            Node(
                evaluate_model,
                inputs=[
                    "test_predictions",
                    "baseline_predictions",
                    "true_probabilities",
                    "fitted_model",
                    _SCHEMA,
                    "params:evaluation",
                ],
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
                    "fitted_model",
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
                inputs=["test_set", "fitted_model", _SCHEMA, "params:evaluation"],
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
        ],
        tags="evaluation",
        namespace="evaluation",
        prefix_datasets_with_namespace=False,
    )
