"""Evaluation nodes and metrics on predictions built in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.metrics import best_f1_threshold, classification_metrics
from {{ cookiecutter.python_package }}.pipelines.evaluation.nodes import (
    EvaluationParams,
    choose_threshold,
    evaluate_baselines,
    evaluate_model,
    predict_split,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.plots import (
    plot_evaluation,
    plot_interactive_curves,
)
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing, train_model
from tests.conftest import TOY_PARAMS, toy_contract, toy_split

TOY = toy_contract()

EVALUATION_PARAMS = EvaluationParams(
    logistic_baseline={"C": 1.0, "max_iter": 500}, calibration_bins=5
)


@pytest.fixture(scope="module")
def trained():
    train, validation, test = toy_split(1200, 0), toy_split(400, 1), toy_split(400, 2)
    preprocessing = fit_preprocessing(train, TOY)
    model, history = train_model(train, validation, preprocessing, TOY, TOY_PARAMS)
    return train, validation, test, preprocessing, model, history


def test_metrics_of_perfect_and_known_predictions() -> None:
    target = np.array([0, 0, 1, 1])
    perfect = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])

    result = classification_metrics(target, perfect, threshold=0.5)

    assert (
        result["accuracy"]
        == result["f1"]
        == result["roc_auc"]
        == result["pr_auc"]
        == 1.0
    )
    assert result["brier"] == pytest.approx(np.mean([0.01, 0.04, 0.09, 0.01]))
    assert result["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.8, 0.7, 0.9])))
    # A threshold above every positive probability predicts no positives.
    assert classification_metrics(target, perfect, threshold=0.95)["recall"] == 0.0


def test_multiclass_metrics_are_macro_averaged() -> None:
    target = np.array([0, 1, 2, 2])
    probabilities = np.array(
        [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]
    )

    result = classification_metrics(target, probabilities, threshold=None)

    assert result["accuracy"] == 0.75
    assert result["recall"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert 0 < result["roc_auc"] <= 1


def test_best_f1_threshold_separates_the_classes() -> None:
    target = np.array([0, 0, 0, 1, 1])
    probability = np.array([0.1, 0.2, 0.35, 0.4, 0.9])

    assert best_f1_threshold(target, probability) == pytest.approx(0.4)


def test_evaluation_nodes_end_to_end(trained) -> None:
    train, validation, test, preprocessing, model, _ = trained

    validation_predictions = predict_split(validation, model, preprocessing, TOY)
    test_predictions = predict_split(test, model, preprocessing, TOY)
    decision = choose_threshold(validation_predictions, TOY)
    threshold = decision["threshold"]
    baselines = evaluate_baselines(train, test, preprocessing, TOY, EVALUATION_PARAMS)
    report = evaluate_model(test_predictions, decision, baselines, TOY)

    assert list(test_predictions.columns) == [
        "id",
        "probability_no",
        "probability_yes",
        "label",
    ]
    assert 0 < threshold < 1
    assert baselines["majority"]["roc_auc"] == 0.5
    assert baselines["logistic"]["roc_auc"] > 0.9  # the toy signal is nearly linear
    assert report["model"]["roc_auc"] > 0.9
    assert report["model"]["roc_auc"] >= baselines["logistic"]["roc_auc"] - 0.02
    assert report["decision_threshold"] == threshold
    assert report["test_rows"] == 400


def test_multiclass_has_no_threshold() -> None:
    schema = toy_contract(["a", "b", "c"])
    predictions = pd.DataFrame(
        {
            "id": ["1"],
            "label": ["a"],
            "probability_a": [1.0],
            "probability_b": [0.0],
            "probability_c": [0.0],
        }
    )

    assert choose_threshold(predictions, schema) == {"threshold": None}


def test_plots_are_figures_with_content(trained) -> None:
    _, _, test, preprocessing, model, history = trained
    predictions = predict_split(test, model, preprocessing, TOY)

    figures = plot_evaluation(
        predictions, {"threshold": 0.5}, history, TOY, EVALUATION_PARAMS
    )

    assert len(figures) == 5
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure.axes[0].get_title()
        assert figure.axes[0].lines or figure.axes[0].images


def test_interactive_curves_hold_roc_and_pr_traces(trained) -> None:
    _, _, test, preprocessing, model, _ = trained
    predictions = predict_split(test, model, preprocessing, TOY)

    figure = plot_interactive_curves(predictions, TOY)

    names = [trace.name for trace in figure.data]
    assert names == ["ROC, label = yes", "PR, label = yes", "chance"]
    assert figure.data[0].x[0] == 0.0 and figure.data[0].x[-1] == 1.0


def test_baselines_work_on_a_table_of_numbers_only() -> None:
    raw = TOY.model_dump()
    raw["sources"]["rows"]["columns"]["colour"]["role"] = "ignore"
    numbers_only = Contract.model_validate(raw)
    train, test = toy_split(300, 0), toy_split(100, 1)
    preprocessing = fit_preprocessing(train, numbers_only)

    baselines = evaluate_baselines(
        train, test, preprocessing, numbers_only, EVALUATION_PARAMS
    )

    assert baselines["logistic"]["roc_auc"] > 0.8
