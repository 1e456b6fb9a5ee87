"""Conformal prediction sets: coverage at the chosen confidence, binary and multi-class."""

from __future__ import annotations

import numpy as np
import pytest
from mapie.classification import SplitConformalClassifier

from {{ cookiecutter.python_package }}.conformal import (
    ConformalParams,
    coverage,
    fit_sets,
    prediction_sets,
    set_labels,
)
from {{ cookiecutter.python_package }}.models.estimator import FittedClassifier
from {{ cookiecutter.python_package }}.preprocessing import encode_target
from tests.conftest import KINDS, toy_contract, toy_model, toy_split

TEST_ROWS = 4000


def _tolerance(confidence: float, calibration_rows: int, test_rows: int) -> float:
    """Three standard errors of the measured coverage: the rule learnt from
    ``calibration_rows`` rows varies (coverage given the calibration rows is
    Beta-distributed) and so does the share among ``test_rows``; plus the conformal
    quantile's finite-sample slack, 1 / (n + 1)."""
    variance = confidence * (1 - confidence) * (1 / calibration_rows + 1 / test_rows)
    return 3 * np.sqrt(variance) + 1 / (calibration_rows + 1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("classes", [["no", "yes"], ["a", "b", "c", "d"]])
def test_sets_hold_the_true_class_at_the_chosen_confidence(classes, kind) -> None:
    contract = toy_contract(classes)
    train, validation = toy_split(1200, 0, classes), toy_split(600, 1, classes)
    test = toy_split(TEST_ROWS, 2, classes)
    model, _ = toy_model(train, validation, contract, kind)
    classifier = FittedClassifier(model)
    target = encode_target(test, contract.table)

    for confidence in (0.8, 0.95):
        rule = fit_sets(
            classifier,
            validation,
            encode_target(validation, contract.table),
            ConformalParams(confidence=confidence),
        )
        members = prediction_sets(classifier.predict_proba(test), rule)
        reached = coverage(members, target)

        assert reached["coverage"] == pytest.approx(
            confidence, abs=_tolerance(confidence, len(validation), TEST_ROWS)
        )
        assert rule["calibration_rows"] == 600
        # Informative sets: about one class. (LAC leaves a set empty when no class is
        # probable enough, as it does on uncertain rows when the confidence asked is
        # below the model's accuracy.)
        assert 0.5 < reached["mean_set_size"] < 1 + (len(classes) - 1) / 2
    assert reached["mean_set_size"] > 1.0  # at 95% the model hesitates on some rows


@pytest.mark.parametrize("kind", KINDS)
def test_served_sets_are_mapies(kind: str) -> None:
    contract = toy_contract(["a", "b", "c"])
    train, validation = (
        toy_split(900, 0, ["a", "b", "c"]),
        toy_split(400, 1, ["a", "b", "c"]),
    )
    test = toy_split(500, 2, ["a", "b", "c"])
    model, _ = toy_model(train, validation, contract, kind)
    classifier = FittedClassifier(model)
    target = encode_target(validation, contract.table)

    rule = fit_sets(classifier, validation, target, ConformalParams(confidence=0.9))
    mapie = SplitConformalClassifier(
        classifier, confidence_level=0.9, conformity_score="lac", prefit=True
    ).conformalize(validation, target)

    _, expected = mapie.predict_set(test)
    np.testing.assert_array_equal(
        prediction_sets(classifier.predict_proba(test), rule), expected[:, :, 0]
    )


def test_sets_read_as_labels_and_their_summary() -> None:
    members = np.array(
        [[True, False, False], [True, True, False], [False, False, False]]
    )

    assert set_labels(members, ["a", "b", "c"]) == [["a"], ["a", "b"], []]
    assert coverage(members, np.array([0, 1, 2])) == {
        "coverage": pytest.approx(2 / 3),
        "mean_set_size": 1.0,
        "singleton_share": pytest.approx(1 / 3),
        "empty_share": pytest.approx(1 / 3),
    }
