"""Evaluation nodes and metrics on predictions built in the test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.metrics import (
    best_f1_threshold,
    best_threshold,
    classification_metrics,
    expected_calibration_error,
)
from {{ cookiecutter.python_package }}.models import FittedModel, Model, ModelEngineeringParams
from {{ cookiecutter.python_package }}.models.estimator import FittedClassifier
from {{ cookiecutter.python_package }}.models.fitted import predict_split
from {{ cookiecutter.python_package }}.models.params import DecisionParams
from {{ cookiecutter.python_package }}.pipelines.evaluation.baselines import predict_baselines
from {{ cookiecutter.python_package }}.pipelines.evaluation.nodes import (
    challenge_champion,
    evaluate_model,
    oracle_probabilities,
    uncalibrated,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.params import (
    BaselineSampleParams,
    EvaluationParams,
)
from {{ cookiecutter.python_package }}.pipelines.evaluation.plots import (
    plot_evaluation,
    plot_interactive_curves,
)
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import (
    assemble_model,
    choose_threshold,
    fit_calibration,
    fit_conformal,
)
from {{ cookiecutter.python_package }}.preprocessing import encode_target
from {{ cookiecutter.python_package }}.runs.registry import RegisteredModel
from tests.conftest import (
    KINDS,
    toy_contract,
    toy_hyperparameters,
    toy_model,
    toy_split,
)

TOY = toy_contract()
MODELLING = ModelEngineeringParams.model_validate(toy_hyperparameters())

EVALUATION_PARAMS = EvaluationParams(
    logistic_baseline={"C": 1.0, "max_iter": 500},
    boosted_trees_baseline={"max_iter": 50, "random_state": 0},
    calibration_bins=5,
)


@pytest.fixture(scope="module", params=KINDS)
def trained(request: pytest.FixtureRequest):
    """Toy splits and a model of each kind trained on them (not calibrated)."""
    train, validation, test = toy_split(1200, 0), toy_split(400, 1), toy_split(400, 2)
    model, history = toy_model(train, validation, TOY, request.param)
    return train, validation, test, model, history


class OverConfident(Model):
    """Another kind's logits, five times too large: probabilities near 0 or 1."""

    def __init__(self, inner: Model) -> None:
        super().__init__(inner.settings, inner.task)
        self.inner = inner

    def fit(self, train, validation, report=None):
        raise NotImplementedError

    def predict_raw(self, inputs):
        return 5.0 * self.inner.predict_raw(inputs)

    def save(self, folder):
        raise NotImplementedError

    @classmethod
    def load(cls, folder):
        raise NotImplementedError

    def describe(self) -> str:
        return "Over-confident."


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


# Ten validation rows: 3 positives among the scores; the rules disagree.
_SCORES = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.3, 0.2, 0.1])
_HITS = np.array([1, 0, 0, 1, 0, 0, 1, 0, 0, 0])


@pytest.mark.parametrize(
    ("rule", "cost_ratio", "threshold"),
    [
        ("accuracy", 1.0, 0.95),  # 8 of 10 right; calling 0.5 and up positive: 6
        ("cost", 1.0, 0.95),  # 2 misses at 1 each < any cut catching more
        ("cost", 10.0, 0.5),  # a miss costs 10 false alarms: catch all three
        ("f1", 1.0, 0.5),  # F1 0.6 with all three caught
    ],
)
def test_each_decision_rule_picks_its_own_threshold(
    rule: str, cost_ratio: float, threshold: float
) -> None:
    assert best_threshold(_HITS, _SCORES, rule, cost_ratio) == pytest.approx(threshold)


def test_calling_nothing_positive_is_a_candidate_when_errors_cost_alike() -> None:
    hits, scores = np.array([0, 0, 1, 0]), np.array([0.9, 0.8, 0.1, 0.05])

    assert best_threshold(hits, scores, "accuracy") > 0.9  # nothing positive: 3 of 4


def test_the_rule_is_recorded_with_the_threshold(trained) -> None:
    _, validation, _, model, _ = trained
    predictions = predict_split(validation, model, TOY)
    costly = MODELLING.model_copy(
        update={"decision": DecisionParams(rule="cost", cost_ratio=5.0)}
    )

    decision = choose_threshold(predictions, TOY, costly)
    default = choose_threshold(predictions, TOY, MODELLING)

    assert decision["rule"] == "cost" and decision["cost_ratio"] == 5.0
    assert default["rule"] == "f1"
    assert decision["threshold"] <= default["threshold"]  # misses cost more: lower


def test_best_f1_threshold_separates_the_classes() -> None:
    target = np.array([0, 0, 0, 1, 1])
    probability = np.array([0.1, 0.2, 0.35, 0.4, 0.9])

    assert best_f1_threshold(target, probability) == pytest.approx(0.4)


@pytest.mark.parametrize(("n_classes", "threshold"), [(2, 0.4), (2, None), (4, None)])
def test_a_rows_weight_counts_as_that_many_copies_of_it(
    n_classes: int, threshold: float | None
) -> None:
    rng = np.random.default_rng(0)
    rows = 300
    probabilities = rng.dirichlet(np.ones(n_classes), rows)
    target = np.array([rng.choice(n_classes, p=p) for p in probabilities])
    weight = rng.integers(0, 4, rows)  # weight 0: the row does not count
    copies = np.repeat(np.arange(rows), weight)

    weighted = classification_metrics(
        target, probabilities, threshold, weight=weight.astype("float64")
    )
    repeated = classification_metrics(target[copies], probabilities[copies], threshold)
    unweighted = classification_metrics(target, probabilities, threshold)

    assert weighted == pytest.approx(repeated, rel=1e-9)
    assert weighted["log_loss"] != pytest.approx(unweighted["log_loss"], rel=1e-3)


@pytest.mark.parametrize("rule", ["f1", "accuracy", "cost"])
def test_the_threshold_rules_count_rows_by_their_weight(rule: str) -> None:
    rng = np.random.default_rng(1)
    positive = rng.random(200)
    target = (rng.random(200) < positive).astype("int64")
    weight = rng.integers(0, 4, 200)
    copies = np.repeat(np.arange(200), weight)

    weighted = best_threshold(target, positive, rule, 3.0, weight.astype("float64"))

    assert weighted == best_threshold(target[copies], positive[copies], rule, 3.0)


def test_expected_calibration_error_tells_calibrated_from_distorted() -> None:
    rng = np.random.default_rng(0)
    probability = rng.random(50_000)
    target = (rng.random(50_000) < probability).astype("int64")

    calibrated = expected_calibration_error(target, np.c_[1 - probability, probability])
    squashed = expected_calibration_error(
        target, np.c_[1 - probability**3, probability**3]
    )

    assert calibrated < 0.01
    assert squashed > 0.15


def test_temperature_scaling_softens_an_over_confident_model(trained) -> None:
    _, validation, test, model, _ = trained
    over_confident = FittedModel(OverConfident(model.model), model.preprocessing)

    calibrated = fit_calibration(validation, over_confident, TOY)
    before = predict_split(test, over_confident, TOY)
    after = predict_split(test, calibrated, TOY)
    target = encode_target(test, TOY.table)

    calibration = calibrated.calibration
    assert calibration["temperature"] == pytest.approx(5.0, rel=0.5)
    loss = calibration["validation_log_loss"]
    assert loss["after"] < loss["before"]
    assert (
        classification_metrics(
            target, after[["probability_no", "probability_yes"]].to_numpy(), None
        )["ece"]
        < classification_metrics(
            target, before[["probability_no", "probability_yes"]].to_numpy(), None
        )["ece"]
    )
    # Scaling logits never reorders rows: the ranking metric stays.
    assert roc_auc_score(target, after["probability_yes"]) == pytest.approx(
        roc_auc_score(target, before["probability_yes"]), abs=1e-3
    )


def test_served_calibration_matches_scikit_learns(trained) -> None:
    _, validation, test, model, _ = trained
    calibrated = fit_calibration(validation, model, TOY)
    target = encode_target(validation, TOY.table)
    reference = CalibratedClassifierCV(
        FrozenEstimator(FittedClassifier(model)), method="temperature"
    ).fit(validation, target)

    ours = predict_split(test, calibrated, TOY)

    np.testing.assert_allclose(
        ours[["probability_no", "probability_yes"]].to_numpy(),
        reference.predict_proba(test),
        atol=1e-5,
    )


def test_probabilities_before_calibration_are_recovered(trained) -> None:
    _, validation, test, model, _ = trained
    calibrated = fit_calibration(validation, model, TOY)

    recovered = uncalibrated(calibrated.predict_proba(test), calibrated.temperature)

    np.testing.assert_allclose(recovered, model.predict_proba(test), atol=1e-9)


def test_evaluation_nodes_end_to_end(trained) -> None:
    train, validation, test, model, _ = trained

    calibrated = fit_calibration(validation, model, TOY)
    validation_predictions = predict_split(validation, calibrated, TOY)
    decision = choose_threshold(validation_predictions, TOY, MODELLING)
    conformal = fit_conformal(validation, calibrated, TOY, EVALUATION_PARAMS)
    fitted = assemble_model(calibrated, decision, conformal, {"numeric": {}})
    test_predictions = predict_split(test, fitted, TOY)
    baselines = predict_baselines(train, test, fitted, TOY, EVALUATION_PARAMS)
    report = evaluate_model(
        test_predictions,
        baselines,
        pd.DataFrame(),  # no ground truth: no oracle
        fitted,
        TOY,
        EVALUATION_PARAMS,
    )

    assert list(test_predictions.columns) == [
        "id",
        "probability_no",
        "probability_yes",
        "label",
    ]
    threshold = decision["threshold"]
    assert 0 < threshold < 1
    scores = {name: m["roc_auc"] for name, m in report["baselines"].items()}
    assert scores["majority"] == 0.5
    assert scores["logistic"] > 0.9  # the toy signal is nearly linear
    assert scores["boosted_trees"] > 0.85
    assert report["model"]["roc_auc"] > 0.9
    assert report["model"]["roc_auc"] >= scores["logistic"] - 0.02
    assert report["oracle"] is None
    assert report["calibration"]["temperature"] == fitted.temperature
    assert report["calibration"]["ece_after"] == report["model"]["ece"]
    before = classification_metrics(
        encode_target(test, TOY.table), model.predict_proba(test), None, 5
    )
    assert report["calibration"]["log_loss_before"] == pytest.approx(
        before["log_loss"], abs=1e-9
    )
    assert report["conformal"]["confidence"] == 0.9
    assert report["conformal"]["min_probability"] == conformal["min_probability"]
    assert 0.8 < report["conformal"]["coverage"] <= 1.0
    assert report["best_roc_auc"] in {"model", "logistic", "boosted_trees"}
    assert report["decision_threshold"] == threshold
    assert report["test_rows"] == 400


WEIGHTED = Contract.model_validate(
    {
        **TOY.model_dump(),
        "sources": {
            "rows": {
                **TOY.entity.model_dump(),
                "columns": {
                    **TOY.entity.model_dump()["columns"],
                    "w": {"type": "number", "role": "weight", "min": 0},
                },
            }
        },
    }
)


def _weighted(frame: pd.DataFrame, weight: Any) -> pd.DataFrame:
    return frame.assign(w=np.asarray(weight, dtype="float64"))


def test_a_sample_weight_counts_from_training_to_evaluation() -> None:
    clean = toy_split(1200, 0)
    # Every training row again with the other label, of weight 0: nothing to learn
    # from unless the weights are used.
    flipped = clean.assign(
        id=clean["id"] + "-flipped",
        label=clean["label"].map({"no": "yes", "yes": "no"}),
    )
    train = _weighted(pd.concat([clean, flipped]), [1.0] * 1200 + [0.0] * 1200)
    validation = _weighted(toy_split(400, 1), 1.0)
    test = _weighted(toy_split(400, 2), np.random.default_rng(0).integers(0, 4, 400))
    model, _ = toy_model(train, validation, WEIGHTED)

    calibrated = fit_calibration(validation, model, WEIGHTED)
    decision = choose_threshold(
        predict_split(validation, calibrated, WEIGHTED), WEIGHTED, MODELLING
    )
    conformal = fit_conformal(validation, calibrated, WEIGHTED, EVALUATION_PARAMS)
    fitted = assemble_model(calibrated, decision, conformal, {"numeric": {}})

    def report(test: pd.DataFrame) -> dict[str, Any]:
        return evaluate_model(
            predict_split(test, fitted, WEIGHTED),
            predict_baselines(train, test, fitted, WEIGHTED, EVALUATION_PARAMS),
            pd.DataFrame(),
            fitted,
            WEIGHTED,
            EVALUATION_PARAMS,
        )

    weighted = report(test)
    repeated = report(_weighted(test.loc[test.index.repeat(test["w"])], 1.0))

    assert weighted["model"]["roc_auc"] > 0.9  # the flipped rows did not count
    assert weighted["baselines"]["logistic"]["roc_auc"] > 0.9
    assert weighted["baselines"]["majority"]["roc_auc"] == 0.5
    assert weighted["model"] == pytest.approx(repeated["model"], rel=1e-6)
    del weighted["calibration"]["method"], repeated["calibration"]["method"]
    assert weighted["calibration"] == pytest.approx(repeated["calibration"], rel=1e-6)
    for name in ("majority", "logistic", "boosted_trees"):
        assert weighted["baselines"][name] == pytest.approx(
            repeated["baselines"][name], rel=1e-6
        )


def test_baselines_predict_every_test_row_with_probabilities(trained) -> None:
    train, _, test, model, _ = trained

    predictions = predict_baselines(train, test, model, TOY, EVALUATION_PARAMS)

    assert list(predictions[["id", "label"]].itertuples(index=False)) == list(
        test[["id", "label"]].itertuples(index=False)
    )
    for name in ("majority", "logistic", "boosted_trees"):
        probabilities = predictions[
            [f"{name}.probability_no", f"{name}.probability_yes"]
        ]
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    prior = (train["label"] == "yes").mean()
    assert predictions["majority.probability_yes"].eq(prior).all()


def test_baselines_learn_from_a_seeded_sample_of_a_large_training_split(
    trained,
) -> None:
    train, _, test, model, _ = trained
    bounded = EVALUATION_PARAMS.model_copy(
        update={"baseline_sample": BaselineSampleParams(max_rows=300, seed=7)}
    )
    sample = train.sample(n=300, random_state=7)

    predictions = predict_baselines(train, test, model, TOY, bounded)

    pd.testing.assert_frame_equal(
        predictions, predict_baselines(sample, test, model, TOY, EVALUATION_PARAMS)
    )
    assert predictions["majority.probability_yes"].iloc[0] == pytest.approx(
        (sample["label"] == "yes").mean()
    )
    assert not predictions.equals(
        predict_baselines(train, test, model, TOY, EVALUATION_PARAMS)
    )


def test_oracle_is_scored_only_when_the_truth_covers_the_rows() -> None:
    predictions = pd.DataFrame({"id": ["a", "b", "c"], "label": ["no", "yes", "no"]})
    truth = pd.DataFrame(
        {"id": ["c", "b", "a", "z"], "probability_yes": [0.3, 0.9, 0.2, 0.5]}
    )

    oracle = oracle_probabilities(predictions, truth, TOY.table)

    np.testing.assert_allclose(oracle, [[0.8, 0.2], [0.1, 0.9], [0.7, 0.3]])
    assert oracle_probabilities(predictions, truth.iloc[1:], TOY.table) is None
    assert oracle_probabilities(predictions, pd.DataFrame(), TOY.table) is None
    other_ids = truth.rename(columns={"id": "customer_id"})
    assert oracle_probabilities(predictions, other_ids, TOY.table) is None


def test_oracle_of_a_multiclass_target_needs_every_class() -> None:
    three = toy_contract(["a", "b", "c"]).table
    predictions = pd.DataFrame({"id": ["x", "y"], "label": ["a", "c"]})
    truth = pd.DataFrame(
        {
            "id": ["x", "y"],
            "probability_a": [0.7, 0.1],
            "probability_b": [0.2, 0.1],
            "probability_c": [0.1, 0.8],
        }
    )

    np.testing.assert_allclose(
        oracle_probabilities(predictions, truth, three),
        [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
    )
    assert (
        oracle_probabilities(predictions, truth.drop(columns="probability_a"), three)
        is None
    )


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

    assert choose_threshold(predictions, schema, MODELLING) == {
        "threshold": None,
        "rule": "most probable class",
    }


def test_plots_are_figures_with_content(trained) -> None:
    train, _, test, model, history = trained
    predictions = predict_split(test, model, TOY)
    baselines = predict_baselines(train, test, model, TOY, EVALUATION_PARAMS)
    fitted = model.with_parts(decision_threshold={"threshold": 0.5})

    figures = plot_evaluation(
        predictions, baselines, fitted, history, TOY, EVALUATION_PARAMS
    )

    assert len(figures) == 5
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure.axes[0].get_title()
        assert figure.axes[0].get_xlabel() and figure.axes[0].get_ylabel()
        assert figure.axes[0].lines or figure.axes[0].images
    roc, pr, reliability = (
        f.axes[0].get_legend_handles_labels()[1] for f in figures[:3]
    )
    auc = roc_auc_score(test["label"] == "yes", predictions["probability_yes"])
    assert roc[:3] == [
        f"model (AUC {auc:.3f})",
        *(
            f"{name} (AUC {roc_auc_score(test['label'] == 'yes', baselines[f'{name}.probability_yes']):.3f})"
            for name in ("logistic", "boosted_trees")
        ),
    ]
    assert pr[-1] == f"prevalence {(test['label'] == 'yes').mean():.2f}"
    assert [label.split(" (ECE")[0] for label in reliability[:3]] == [
        "model",
        "logistic",
        "boosted_trees",
    ]


def test_interactive_curves_hold_roc_and_pr_traces(trained) -> None:
    _, _, test, model, _ = trained
    predictions = predict_split(test, model, TOY)

    figure = plot_interactive_curves(predictions, TOY)

    names = [trace.name for trace in figure.data]
    truth = predictions["label"] == "yes"
    auc = roc_auc_score(truth, predictions["probability_yes"])
    assert names[0] == f"ROC, label = yes (AUC {auc:.3f})"
    assert names[1].startswith("PR, label = yes (AP 0.")
    assert names[2] == "chance"
    assert names[3] == f"prevalence {truth.mean():.2f}"
    assert figure.data[0].x[0] == 0.0 and figure.data[0].x[-1] == 1.0
    assert figure.layout.xaxis.title.text and figure.layout.yaxis2.title.text


def test_baselines_work_on_a_table_of_numbers_only() -> None:
    raw = TOY.model_dump()
    raw["sources"]["rows"]["columns"]["colour"]["role"] = "ignore"
    numbers_only = Contract.model_validate(raw)
    train, test = toy_split(300, 0), toy_split(100, 1)
    model, _ = toy_model(
        train, toy_split(100, 2), numbers_only, "hist_gradient_boosting"
    )

    predictions = predict_baselines(train, test, model, numbers_only, EVALUATION_PARAMS)

    for name in ("logistic", "boosted_trees"):
        assert (
            roc_auc_score(
                test["label"] == "yes", predictions[f"{name}.probability_yes"]
            )
            > 0.8
        )


@pytest.mark.parametrize(
    ("challenger_kind", "champion_kind"),
    [("hist_gradient_boosting", "mlp"), ("mlp", "hist_gradient_boosting")],
)
def test_the_gate_compares_kinds_on_the_same_rows(
    challenger_kind: str, champion_kind: str
) -> None:
    train, validation, test = toy_split(1200, 0), toy_split(400, 1), toy_split(400, 2)
    weak, _ = toy_model(  # a champion of the other kind that learnt little
        train.head(60), validation, TOY, champion_kind, **_WEAK[champion_kind]
    )
    strong, _ = toy_model(train, validation, TOY, challenger_kind)
    champion = RegisteredModel(weak, "churn", "3", None)
    params = EVALUATION_PARAMS
    metrics = {"model": {"roc_auc": _auc(test, strong)}}

    decision = challenge_champion(test, metrics, champion, TOY, params)
    reverse = challenge_champion(
        test,
        {"model": {"roc_auc": _auc(test, weak)}},
        RegisteredModel(strong, "churn", "4", None),
        TOY,
        params,
    )

    assert decision["champion"] == pytest.approx(_auc(test, weak))
    assert decision["challenger_wins"] is True
    assert reverse["challenger_wins"] is False
    assert "against champion v4's" in reverse["reason"]


_WEAK = {
    "mlp": {"max_epochs": 1, "learning_rate": 1e-4},
    "hist_gradient_boosting": {"max_iter": 1, "max_leaf_nodes": 2},
}


def _auc(test: pd.DataFrame, model: FittedModel) -> float:
    return roc_auc_score(test["label"] == "yes", model.predict_proba(test)[:, 1])
