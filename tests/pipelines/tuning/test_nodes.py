"""The hyper-parameter search on toy data: seeded, bounded, pruning, trial 0 the default."""

from __future__ import annotations

import logging

import pytest

from ml_template.models import ModelEngineeringParams
from ml_template.pipelines.model_engineering.nodes import choose_hyperparameters
from ml_template.pipelines.tuning.nodes import TuningParams, tune_hyperparameters
from ml_template.pipelines.tuning.plots import plot_tuning
from tests.conftest import TOY_SETTINGS, toy_contract, toy_hyperparameters, toy_split

TOY = toy_contract()
SEARCH = {
    "n_trials": 3,
    "timeout_seconds": 120,
    "seed": 7,
    "pruner": {"n_startup_trials": 1, "n_warmup_steps": 1},
    "search_space": {
        "mlp": {
            "learning_rate": {"low": 0.001, "high": 0.05, "log": True},
            "hidden_sizes": {"choices": [[4], [8], [16, 8]]},
            "dropout": {"low": 0.0, "high": 0.3},
        },
        "hist_gradient_boosting": {
            "learning_rate": {"low": 0.05, "high": 0.5, "log": True},
            "max_leaf_nodes": {"low": 3, "high": 15},
        },
    },
    "budget": {"mlp": {"max_epochs": 6}, "hist_gradient_boosting": {"max_iter": 20}},
}
MLP = ModelEngineeringParams.model_validate(toy_hyperparameters("mlp"))
TREES = ModelEngineeringParams.model_validate(
    toy_hyperparameters("hist_gradient_boosting")
)


@pytest.fixture(scope="module")
def splits():
    return toy_split(800, 0), toy_split(300, 1)


def _search(splits, params=MLP, **changes):
    train, validation = splits
    tuning = TuningParams.model_validate(SEARCH | changes)
    return tune_hyperparameters(train, validation, TOY, params, tuning)


def test_three_trials_start_from_the_default_and_keep_the_best(splits) -> None:
    best, trials = _search(splits)

    assert [t["number"] for t in trials] == [0, 1, 2]
    mlp = TOY_SETTINGS["mlp"]
    assert trials[0]["params"] == {
        "learning_rate": mlp["learning_rate"],
        "hidden_sizes": mlp["hidden_sizes"],
        "dropout": mlp["dropout"],
    }
    assert best["kind"] == "mlp"
    assert best["default_validation_loss"] == trials[0]["validation_loss"]
    finished = [t["validation_loss"] for t in trials if t["state"] == "COMPLETE"]
    assert best["validation_loss"] == min(finished)
    assert best["validation_loss"] <= best["default_validation_loss"]
    assert best["trials"] == 3
    assert best["values"] == trials[best["best_trial"]]["params"]
    assert best["values"]["hidden_sizes"] in ([4], [8], [16, 8])
    for trial in trials:  # every trial stops within the search's epoch budget
        assert 1 <= len(trial["validation_loss_by_step"]) <= 6


def test_the_search_is_seeded(splits) -> None:
    first, _ = _search(splits)
    second, _ = _search(splits)

    assert first["values"] == second["values"]
    assert first["validation_loss"] == second["validation_loss"]


@pytest.mark.filterwarnings("ignore:Fixed parameter")  # the default lies outside
def test_lagging_trials_are_pruned_before_their_budget(splits) -> None:
    # Learning rates far too small lag the default from the first epochs.
    space = SEARCH["search_space"]["mlp"] | {
        "learning_rate": {"low": 1.0e-6, "high": 1.0e-5, "log": True}
    }
    best, trials = _search(splits, n_trials=4, search_space={"mlp": space})

    pruned = [t for t in trials if t["state"] == "PRUNED"]
    assert best["pruned"] == len(pruned) >= 1
    assert all(len(t["validation_loss_by_step"]) < 6 for t in pruned)


def test_training_uses_the_search_only_when_asked(splits) -> None:
    best, trials = _search(splits)

    configured = choose_hyperparameters(MLP, {})
    tuned = choose_hyperparameters(MLP, best | {"tuning_run": "2026-01-01"})

    assert configured["source"] == "parameters_model_engineering.yml"
    assert configured["model"]["mlp"] == MLP.model.settings().model_dump()
    assert tuned["source"] == "tuning run 2026-01-01"
    chosen = tuned["model"]["mlp"]
    assert chosen["learning_rate"] == best["values"]["learning_rate"]
    assert chosen["hidden_sizes"] == best["values"]["hidden_sizes"]
    assert chosen["max_epochs"] == TOY_SETTINGS["mlp"]["max_epochs"]  # not the budget
    axes = plot_tuning(trials).axes[0]
    assert axes.get_xlabel() == "Trial"
    assert axes.get_ylabel() == "Best validation loss"


def test_the_trees_search_their_own_space(splits) -> None:
    best, trials = _search(splits, params=TREES)

    assert best["kind"] == "hist_gradient_boosting"
    assert set(best["values"]) == {"learning_rate", "max_leaf_nodes"}
    assert 3 <= best["values"]["max_leaf_nodes"] <= 15
    assert all(t["state"] == "COMPLETE" for t in trials)  # judged on whole fits
    assert all(len(t["validation_loss_by_step"]) == 0 for t in trials)
    tuned = choose_hyperparameters(TREES, best | {"tuning_run": "v"})
    assert tuned["model"]["hist_gradient_boosting"]["max_iter"] == 60  # not the budget


def test_a_kind_without_a_space_is_named(splits) -> None:
    space = {"hist_gradient_boosting": SEARCH["search_space"]["hist_gradient_boosting"]}

    with pytest.raises(ValueError, match="no space for model kind 'mlp'"):
        _search(splits, search_space=space)


def test_the_search_logs_one_line_per_trial(splits, caplog) -> None:
    caplog.set_level(logging.INFO)

    _search(splits)

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("ml_template")]
    assert [line.split(":")[0] for line in lines] == [
        "trial 1/3",
        "trial 2/3",
        "trial 3/3",
    ]
    assert logging.getLogger("ml_template.models").level == logging.NOTSET  # restored
