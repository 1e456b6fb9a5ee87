"""Model-engineering nodes on toy splits built in the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from {{ cookiecutter.python_package }}.pipelines.model_engineering import nodes
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing, train_model
from {{ cookiecutter.python_package }}.scoring import score
from tests.conftest import TOY_PARAMS, toy_contract, toy_split

TOY = toy_contract()


def _train(
    train: pd.DataFrame, validation: pd.DataFrame, schema=TOY, params=TOY_PARAMS
):
    preprocessing = fit_preprocessing(train, schema)
    model, history = train_model(train, validation, preprocessing, schema, params)
    return model, history, preprocessing


def test_fit_preprocessing_uses_only_the_training_split() -> None:
    train = toy_split(200, 0)

    preprocessing = fit_preprocessing(train, TOY)

    assert preprocessing["means"][0] == pytest.approx(train["x"].mean())
    assert preprocessing["vocabularies"] == {"colour": ["blue", "red"]}


def test_training_learns_the_signal_and_stops_early() -> None:
    train, validation, test = toy_split(1500, 0), toy_split(400, 1), toy_split(400, 2)

    model, history, preprocessing = _train(train, validation)

    probabilities = score(test, model, preprocessing, TOY.table)
    accuracy = (
        (probabilities["probability_yes"] >= 0.5) == (test["label"] == "yes")
    ).mean()
    assert accuracy > 0.85
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert len(history) < TOY_PARAMS.training.max_epochs  # early stopping fired


def test_best_epoch_weights_are_restored() -> None:
    train, validation = toy_split(600, 0), toy_split(300, 1)

    model, history, preprocessing = _train(train, validation)

    best = min(record["validation_loss"] for record in history)
    assert history[-1]["validation_loss"] > best  # the last epoch was not the best
    predictions = score(validation, model, preprocessing, TOY.table)
    target = (validation["label"] == "yes").to_numpy()
    p = predictions["probability_yes"].clip(1e-7, 1 - 1e-7).to_numpy()
    loss = -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
    assert loss == pytest.approx(best, abs=1e-5)


def test_two_runs_give_identical_results() -> None:
    train, validation = toy_split(500, 0), toy_split(200, 1)

    first_model, first_history, preprocessing = _train(train, validation)
    again_model, again_history, _ = _train(train, validation)

    losses = [(r["train_loss"], r["validation_loss"]) for r in first_history]
    again_losses = [(r["train_loss"], r["validation_loss"]) for r in again_history]
    np.testing.assert_allclose(losses, again_losses, rtol=0, atol=1e-6)
    schema = TOY.table
    first = score(validation, first_model, preprocessing, schema)
    again = score(validation, again_model, preprocessing, schema)
    np.testing.assert_allclose(
        first["probability_yes"], again["probability_yes"], atol=1e-6
    )


def test_multiclass_targets_train_with_one_logit_per_class() -> None:
    classes = ["low", "mid", "high"]
    schema = toy_contract(classes)
    train, validation = toy_split(900, 0, classes), toy_split(300, 1, classes)

    model, _, preprocessing = _train(train, validation, schema)

    predictions = score(validation, model, preprocessing, schema.table)
    columns = [f"probability_{c}" for c in classes]
    assert model.config.n_outputs == 3
    np.testing.assert_allclose(predictions[columns].sum(axis=1), 1.0, atol=1e-5)
    predicted = np.asarray(classes)[predictions[columns].to_numpy().argmax(axis=1)]
    assert (predicted == validation["label"]).mean() > 0.6


def test_an_arrow_dataset_trains_as_its_pandas_frame_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spark route's model input (Parquet files read through Arrow in chunks)."""
    train, validation = toy_split(600, 0), toy_split(300, 1)
    for name, frame in (("train", train), ("validation", validation)):
        (tmp_path / name).mkdir()
        for part, start in enumerate(range(0, len(frame), 250)):
            rows = frame.iloc[start : start + 250]
            rows.to_parquet(tmp_path / name / f"part-{part}.parquet", index=False)
    monkeypatch.setattr(nodes, "CHUNK_ROWS", 128)  # several chunks per file

    expected = _train(train, validation)
    found = _train(*(ds.dataset(tmp_path / n) for n in ("train", "validation")))

    for name, value in expected[2].items():  # the same preprocessing (float sums
        if name in ("medians", "means", "stds"):  # in Arrow's order: last digits)
            assert found[2][name] == pytest.approx(value, rel=1e-12)
        else:
            assert found[2][name] == value
    for ours, theirs in zip(found[1], expected[1], strict=True):  # the same losses
        assert ours["validation_loss"] == pytest.approx(theirs["validation_loss"])
