"""The hyper-parameter search on toy data: seeded, bounded, pruning, trial 0 the default."""

from __future__ import annotations

import pytest

from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import choose_hyperparameters
from {{ cookiecutter.python_package }}.pipelines.tuning.nodes import TuningParams, tune_hyperparameters
from {{ cookiecutter.python_package }}.pipelines.tuning.plots import plot_tuning
from tests.conftest import TOY_PARAMS, toy_contract, toy_split

TOY = toy_contract()
SEARCH = {
    "n_trials": 3,
    "timeout_seconds": 120,
    "seed": 7,
    "max_epochs": 6,
    "pruner": {"n_startup_trials": 1, "n_warmup_steps": 1},
    "search_space": {
        "training.learning_rate": {"low": 0.001, "high": 0.05, "log": True},
        "model.hidden_sizes": {"choices": [[4], [8], [16, 8]]},
        "model.dropout": {"low": 0.0, "high": 0.3},
    },
}


@pytest.fixture(scope="module")
def splits():
    return toy_split(800, 0), toy_split(300, 1)


def _search(splits, **changes):
    train, validation = splits
    tuning = TuningParams.model_validate(SEARCH | changes)
    return tune_hyperparameters(train, validation, TOY, TOY_PARAMS, tuning)


def test_three_trials_start_from_the_default_and_keep_the_best(splits) -> None:
    best, trials = _search(splits)

    assert [t["number"] for t in trials] == [0, 1, 2]
    assert trials[0]["params"] == {
        "training.learning_rate": TOY_PARAMS.training.learning_rate,
        "model.hidden_sizes": TOY_PARAMS.model.hidden_sizes,
        "model.dropout": TOY_PARAMS.model.dropout,
    }
    assert best["default_validation_loss"] == trials[0]["validation_loss"]
    finished = [t["validation_loss"] for t in trials if t["state"] == "COMPLETE"]
    assert best["validation_loss"] == min(finished)
    assert best["validation_loss"] <= best["default_validation_loss"]
    assert best["trials"] == 3
    assert best["values"] == trials[best["best_trial"]]["params"]
    assert best["values"]["model.hidden_sizes"] in ([4], [8], [16, 8])
    for trial in trials:  # every trial stops within the search's epoch budget
        assert 1 <= len(trial["validation_loss_by_epoch"]) <= 6


def test_the_search_is_seeded(splits) -> None:
    first, _ = _search(splits)
    second, _ = _search(splits)

    assert first["values"] == second["values"]
    assert first["validation_loss"] == second["validation_loss"]


@pytest.mark.filterwarnings("ignore:Fixed parameter")  # the default lies outside
def test_lagging_trials_are_pruned_before_their_budget(splits) -> None:
    # Learning rates far too small lag the default from the first epochs.
    space = SEARCH["search_space"] | {
        "training.learning_rate": {"low": 1.0e-6, "high": 1.0e-5, "log": True}
    }
    best, trials = _search(splits, n_trials=4, search_space=space)

    pruned = [t for t in trials if t["state"] == "PRUNED"]
    assert best["pruned"] == len(pruned) >= 1
    assert all(len(t["validation_loss_by_epoch"]) < 6 for t in pruned)


def test_training_uses_the_search_only_when_asked(splits) -> None:
    best, trials = _search(splits)

    configured = choose_hyperparameters(TOY_PARAMS, {})
    tuned = choose_hyperparameters(TOY_PARAMS, best | {"tuning_run": "2026-01-01"})

    assert configured["source"] == "parameters_model_engineering.yml"
    assert configured["training"] == TOY_PARAMS.training.model_dump()
    assert tuned["source"] == "tuning run 2026-01-01"
    assert (
        tuned["training"]["learning_rate"] == best["values"]["training.learning_rate"]
    )
    assert tuned["model"]["hidden_sizes"] == best["values"]["model.hidden_sizes"]
    assert tuned["training"]["max_epochs"] == TOY_PARAMS.training.max_epochs
    axes = plot_tuning(trials).axes[0]
    assert axes.get_xlabel() == "Trial"
    assert axes.get_ylabel() == "Best validation loss"
