"""Evaluation plots as matplotlib figures (saved by the catalog, never by a node).

scikit-learn is imported where a plot uses it (0.6 s, at the plot, not at start-up).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly import graph_objects as go
from plotly.subplots import make_subplots

from ml_template.contract import Contract
from ml_template.figures import Figure, new_figure
from ml_template.metrics import expected_calibration_error
from ml_template.models import FittedModel
from ml_template.models.fitted import predicted_labels, probability_columns
from ml_template.pipelines.evaluation.baselines import baseline_probabilities
from ml_template.pipelines.evaluation.params import EvaluationParams
from ml_template.preprocessing import encode_target, sample_weights
from ml_template.schema import DatasetSchema


def plot_evaluation(
    test_predictions: pd.DataFrame,
    baseline_predictions: pd.DataFrame,
    fitted_model: FittedModel,
    training_history: list[dict[str, float]],
    contract: Contract,
    params: EvaluationParams,
) -> tuple[Figure, Figure, Figure, Figure, Figure]:
    """ROC, precision-recall and reliability diagrams (the model beside the fitted
    baselines), the confusion matrix and the training curves; with a sample weight,
    curves, areas, ECE and counts weigh each row by it (the reliability diagram's
    points count rows: scikit-learn's ``calibration_curve`` takes no weights)."""
    table = contract.table
    target = encode_target(test_predictions, table)
    weight = sample_weights(test_predictions, table)
    scored = {
        "model": test_predictions[probability_columns(table.classes)].to_numpy()
    } | {
        name: baseline_probabilities(baseline_predictions, name, table)
        for name in _FITTED_BASELINES
    }
    return (
        _curves(target, scored, table, "roc", weight),
        _curves(target, scored, table, "pr", weight),
        _calibration(target, scored, table, params.calibration_bins, weight),
        _confusion(
            target,
            scored["model"],
            fitted_model.decision_threshold["threshold"],
            table,
            weight,
        ),
        _training_curves(training_history, fitted_model.model.step_name),
    )


_FITTED_BASELINES = ("logistic", "boosted_trees")  # the majority is a single point


def _lines(
    scored: dict[str, np.ndarray], schema: DatasetSchema
) -> list[tuple[str, np.ndarray, int]]:
    """What each curve plots: the positive class of every model for a binary target;
    each class of the model otherwise (one-vs-rest)."""
    if schema.is_binary:
        return [(name, probabilities, 1) for name, probabilities in scored.items()]
    return [
        (f"{schema.target} = {label}", scored["model"], index)
        for index, label in enumerate(schema.classes)
    ]


def _curves(
    target: np.ndarray,
    scored: dict[str, np.ndarray],
    schema: DatasetSchema,
    kind: str,
    weight: np.ndarray | None,
) -> Figure:
    from sklearn import metrics  # noqa: PLC0415

    figure = new_figure(figsize=(5, 5))
    axes = figure.subplots()
    for name, probabilities, index in _lines(scored, schema):
        truth, score = target == index, probabilities[:, index]
        counted = {"sample_weight": weight}
        if kind == "roc":
            x, y, _ = metrics.roc_curve(truth, score, **counted)
            area = metrics.roc_auc_score(truth, score, **counted)
            label = f"{name} (AUC {area:.3f})"
        else:
            y, x, _ = metrics.precision_recall_curve(truth, score, **counted)
            area = metrics.average_precision_score(truth, score, **counted)
            label = f"{name} (AP {area:.3f})"
        axes.plot(x, y, label=label)
    if kind == "roc":
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
        axes.set(
            xlabel="False positive rate", ylabel="True positive rate", title="ROC curve"
        )
    else:
        if schema.is_binary:
            prevalence = float(np.average(target == 1, weights=weight))
            axes.axhline(
                prevalence,
                linestyle="--",
                color="grey",
                label=f"prevalence {prevalence:.2f}",
            )
        axes.set(xlabel="Recall", ylabel="Precision", title="Precision-recall curve")
    axes.legend(loc="best")
    return figure


def _calibration(
    target: np.ndarray,
    scored: dict[str, np.ndarray],
    schema: DatasetSchema,
    bins: int,
    weight: np.ndarray | None,
) -> Figure:
    """Reliability diagram: the positive class (binary) or the top class (multi-class)."""
    from sklearn.calibration import calibration_curve  # noqa: PLC0415

    figure = new_figure(figsize=(5, 5))
    axes = figure.subplots()
    for name, probabilities in scored.items():
        if schema.is_binary:
            hit, predicted = target == 1, probabilities[:, 1]
        else:
            hit = probabilities.argmax(axis=1) == target
            predicted = probabilities.max(axis=1)
        observed, mean_predicted = calibration_curve(hit, predicted, n_bins=bins)
        ece = expected_calibration_error(target, probabilities, bins, weight)
        axes.plot(mean_predicted, observed, marker="o", label=f"{name} (ECE {ece:.3f})")
    axes.plot(
        [0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated"
    )
    what = "positive class" if schema.is_binary else "top class"
    axes.set(
        xlabel=f"Predicted probability ({what})",
        ylabel="Observed frequency",
        title="Reliability diagram (test split)",
    )
    axes.legend(loc="best")
    return figure


def _confusion(
    target: np.ndarray,
    probabilities: np.ndarray,
    threshold: float | None,
    schema: DatasetSchema,
    weight: np.ndarray | None,
) -> Figure:
    from sklearn.metrics import ConfusionMatrixDisplay  # noqa: PLC0415

    figure = new_figure(figsize=(5, 5))
    axes = figure.subplots()
    ConfusionMatrixDisplay.from_predictions(
        target,
        predicted_labels(probabilities, threshold),
        labels=list(range(len(schema.classes))),
        display_labels=[str(label) for label in schema.classes],
        sample_weight=weight,
        values_format=None if weight is None else ".3g",
        ax=axes,
        colorbar=False,
    )
    suffix = f" (threshold {threshold:.2f})" if threshold is not None else ""
    axes.set_title(f"Confusion matrix{suffix}")
    return figure


def _training_curves(history: list[dict[str, float]], step_name: str) -> Figure:
    figure = new_figure(figsize=(6, 4))
    axes = figure.subplots()
    steps = [record["step"] for record in history]
    for key in ("train_loss", "validation_loss"):
        if key in history[0]:
            values = [record[key] for record in history]
            axes.plot(steps, values, label=key.replace("_", " "))
    best = min(history, key=lambda record: record["validation_loss"])
    axes.axvline(best["step"], linestyle="--", color="grey", label=f"best {step_name}")
    axes.set(xlabel=step_name.capitalize(), ylabel="Loss", title="Training curves")
    axes.legend(loc="best")
    return figure


def _plotted_classes(schema: DatasetSchema) -> list[int]:
    """The positive class for a binary target, every class otherwise."""
    return [1] if schema.is_binary else list(range(len(schema.classes)))


def plot_interactive_curves(
    test_predictions: pd.DataFrame, contract: Contract
) -> go.Figure:
    """ROC and precision-recall curves as one Plotly figure (kedro-viz previews it)."""
    from sklearn import metrics  # noqa: PLC0415

    table = contract.table
    target = encode_target(test_predictions, table)
    counted = {"sample_weight": sample_weights(test_predictions, table)}
    probabilities = test_predictions[probability_columns(table.classes)].to_numpy()
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("ROC curve", "Precision-recall curve")
    )
    for index in _plotted_classes(table):
        truth, score = target == index, probabilities[:, index]
        name = f"{table.target} = {table.classes[index]}"
        fpr, tpr, _ = metrics.roc_curve(truth, score, **counted)
        precision, recall, _ = metrics.precision_recall_curve(truth, score, **counted)
        auc = metrics.roc_auc_score(truth, score, **counted)
        average_precision = metrics.average_precision_score(truth, score, **counted)
        figure.add_trace(
            go.Scatter(x=fpr, y=tpr, name=f"ROC, {name} (AUC {auc:.3f})"), row=1, col=1
        )
        figure.add_trace(
            go.Scatter(
                x=recall, y=precision, name=f"PR, {name} (AP {average_precision:.3f})"
            ),
            row=1,
            col=2,
        )
    grey = {"dash": "dash", "color": "grey"}
    figure.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], name="chance", line=grey), row=1, col=1
    )
    if table.is_binary:  # precision of a classifier that ranks at random
        prevalence = float(np.average(target == 1, weights=counted["sample_weight"]))
        figure.add_trace(
            go.Scatter(
                x=[0, 1],
                y=[prevalence, prevalence],
                name=f"prevalence {prevalence:.2f}",
                line={"dash": "dot", "color": "grey"},
            ),
            row=1,
            col=2,
        )
    figure.update_xaxes(title_text="False positive rate", row=1, col=1)
    figure.update_yaxes(title_text="True positive rate", row=1, col=1)
    figure.update_xaxes(title_text="Recall", row=1, col=2)
    figure.update_yaxes(title_text="Precision", row=1, col=2)
    return figure.update_layout(height=450, width=950)
