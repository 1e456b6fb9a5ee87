"""Model-engineering nodes on toy splits built in the test, for every built-in kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from ml_template.models import ModelEngineeringParams
from ml_template.models.fitted import score
from ml_template.pipelines.model_engineering import nodes
from ml_template.pipelines.model_engineering.nodes import (
    choose_hyperparameters,
    choose_threshold,
    fit_preprocessing,
)
from tests.conftest import (
    KINDS,
    TOY_SETTINGS,
    toy_contract,
    toy_hyperparameters,
    toy_model,
    toy_split,
)

TOY = toy_contract()
MODELLING = ModelEngineeringParams.model_validate(toy_hyperparameters())


def test_fit_preprocessing_uses_only_the_training_split() -> None:
    train = toy_split(200, 0)

    preprocessing = fit_preprocessing(train, TOY)

    assert preprocessing["means"][0] == pytest.approx(train["x"].mean())
    assert preprocessing["vocabularies"] == {"colour": ["blue", "red"]}


@pytest.mark.parametrize("kind", KINDS)
def test_training_learns_the_signal_and_stops_early(kind: str) -> None:
    train, validation, test = toy_split(1500, 0), toy_split(400, 1), toy_split(400, 2)

    model, history = toy_model(train, validation, TOY, kind)

    probabilities = score(test, model, TOY.table.ids)
    accuracy = (
        (probabilities["probability_yes"] >= 0.5) == (test["label"] == "yes")
    ).mean()
    assert accuracy > 0.85
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    budget = TOY_SETTINGS[kind].get("max_epochs") or TOY_SETTINGS[kind]["max_iter"]
    assert len(history) < budget  # early stopping fired


@pytest.mark.parametrize("kind", KINDS)
def test_the_best_steps_model_is_kept(kind: str) -> None:
    train, validation = toy_split(600, 0), toy_split(300, 1)

    model, history = toy_model(train, validation, TOY, kind)

    best = min(record["validation_loss"] for record in history)
    assert history[-1]["validation_loss"] > best  # the last step was not the best
    predictions = score(validation, model, TOY.table.ids)
    target = (validation["label"] == "yes").to_numpy()
    p = predictions["probability_yes"].clip(1e-7, 1 - 1e-7).to_numpy()
    loss = -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
    assert loss == pytest.approx(best, abs=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_two_runs_give_identical_results(kind: str) -> None:
    train, validation = toy_split(500, 0), toy_split(200, 1)

    first_model, first_history = toy_model(train, validation, TOY, kind)
    again_model, again_history = toy_model(train, validation, TOY, kind)

    losses = [(r["train_loss"], r["validation_loss"]) for r in first_history]
    again_losses = [(r["train_loss"], r["validation_loss"]) for r in again_history]
    np.testing.assert_allclose(losses, again_losses, rtol=0, atol=1e-6)
    first = score(validation, first_model, TOY.table.ids)
    again = score(validation, again_model, TOY.table.ids)
    np.testing.assert_allclose(
        first["probability_yes"], again["probability_yes"], atol=1e-6
    )


@pytest.mark.parametrize("kind", KINDS)
def test_multiclass_targets_get_one_probability_per_class(kind: str) -> None:
    classes = ["low", "mid", "high"]
    schema = toy_contract(classes)
    train, validation = toy_split(900, 0, classes), toy_split(300, 1, classes)

    model, _ = toy_model(train, validation, schema, kind)

    predictions = score(validation, model, schema.table.ids)
    columns = [f"probability_{c}" for c in classes]
    np.testing.assert_allclose(predictions[columns].sum(axis=1), 1.0, atol=1e-5)
    predicted = np.asarray(classes)[predictions[columns].to_numpy().argmax(axis=1)]
    assert (predicted == validation["label"]).mean() > 0.6
    assert choose_threshold(
        predictions.assign(label=validation["label"]), schema, MODELLING
    ) == {"threshold": None, "rule": "most probable class"}


@pytest.mark.parametrize("kind", KINDS)
def test_an_arrow_dataset_trains_as_its_pandas_frame_does(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spark route's model input (Parquet files read through Arrow in chunks)."""
    train, validation = toy_split(600, 0), toy_split(300, 1)
    for name, frame in (("train", train), ("validation", validation)):
        (tmp_path / name).mkdir()
        for part, start in enumerate(range(0, len(frame), 250)):
            rows = frame.iloc[start : start + 250]
            rows.to_parquet(tmp_path / name / f"part-{part}.parquet", index=False)
    monkeypatch.setattr(nodes, "CHUNK_ROWS", 128)  # several chunks per file

    expected = toy_model(train, validation, TOY, kind)
    found = toy_model(
        *(ds.dataset(tmp_path / n) for n in ("train", "validation")), TOY, kind
    )

    theirs, ours = expected[0].preprocessing, found[0].preprocessing
    for name in ("medians", "means", "stds"):  # float sums in Arrow's order
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name), rel=1e-12)
    assert ours.vocabularies == theirs.vocabularies
    for mine, other in zip(found[1], expected[1], strict=True):  # the same losses
        assert mine["validation_loss"] == pytest.approx(other["validation_loss"])


def test_hyperparameters_say_where_they_came_from() -> None:
    params = ModelEngineeringParams.model_validate(
        {"model": {"kind": "hist_gradient_boosting", "mlp": TOY_SETTINGS["mlp"]}}
    )
    tuned = {"kind": "hist_gradient_boosting", "values": {"max_iter": 7}}

    configured = choose_hyperparameters(params, {})
    chosen = choose_hyperparameters(params, tuned | {"tuning_run": "v1"})

    assert configured["source"] == "parameters_model_engineering.yml"
    assert configured["model"]["kind"] == "hist_gradient_boosting"
    assert configured["model"]["hist_gradient_boosting"]["max_iter"] == 500
    assert chosen["model"]["hist_gradient_boosting"]["max_iter"] == 7
    assert chosen["source"] == "tuning run v1"
    with pytest.raises(ValueError, match="searched kind 'mlp'"):
        choose_hyperparameters(params, tuned | {"kind": "mlp", "tuning_run": "v1"})


def test_training_reads_pandas_without_changing_it() -> None:
    train, validation = toy_split(300, 0), toy_split(100, 1)
    before = train.copy()

    toy_model(train, validation, TOY, "hist_gradient_boosting")

    pd.testing.assert_frame_equal(train, before)
