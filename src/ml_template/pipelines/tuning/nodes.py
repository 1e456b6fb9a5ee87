"""Hyper-parameter search: Optuna's TPE sampler over the network and its training,
each trial scored by its best validation loss and pruned early when it lags."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import torch
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_template.contract import Contract, frames

if TYPE_CHECKING:
    import optuna
from ml_template.pipelines.model_engineering.nodes import Split, split_batches
from ml_template.preprocessing import fit_preprocessor
from ml_template.training import (
    ModelEngineeringParams,
    build_and_fit,
    resolve_device,
    with_values,
)

logger = logging.getLogger(__name__)


class Dimension(BaseModel):
    """One searched setting: a range (``low``, ``high``, ``log``) or ``choices``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: list[Any] | None = None

    @model_validator(mode="after")
    def _range_or_choices(self) -> Dimension:
        ranged = self.low is not None and self.high is not None
        if ranged == (self.choices is not None):
            raise ValueError("give either `low` and `high`, or `choices`")
        return self


class PrunerParams(BaseModel):
    """Optuna's ``MedianPruner``: stop a trial whose validation loss at an epoch is
    worse than the median of earlier trials' at the same epoch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_startup_trials: int = Field(default=5, ge=0)
    n_warmup_steps: int = Field(default=5, ge=0, description="Epochs before pruning.")


class TuningParams(BaseModel):
    """``tuning`` in ``parameters_tuning.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_trials: int = Field(gt=0)
    timeout_seconds: float = Field(gt=0, description="No new trial starts after it.")
    seed: int
    max_epochs: int = Field(gt=0, description="Each trial's epoch budget.")
    pruner: PrunerParams = Field(default_factory=PrunerParams)
    search_space: dict[str, Dimension] = Field(
        min_length=1,
        description="Dotted paths into `model_engineering` (`training.learning_rate`).",
    )


def tune_hyperparameters(
    train_set: Split,
    validation_set: Split,
    contract: Contract,
    model_engineering: ModelEngineeringParams,
    tuning: TuningParams,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Search the ``search_space`` for the lowest validation loss.

    Trial 0 is the configured ``model_engineering`` itself, so the result says how
    much the search gained. Seeded (the sampler and every trial's training), bounded by
    ``n_trials`` and ``timeout_seconds``, each trial by ``max_epochs``.

    Returns:
        The best values of the searched settings (``values``, by dotted path), with the
        default's and the best validation loss; and one record per trial (its
        settings, state, validation loss per epoch, times).
    """
    import optuna  # noqa: PLC0415  (imported here: every run loads the pipelines)

    table = contract.table
    features = [*table.numeric_features, *table.categorical]
    preprocessor = fit_preprocessor(frames.read_columns(train_set, features), table)
    torch.set_num_threads(model_engineering.training.num_threads)
    device = resolve_device(model_engineering.training.device)
    train = split_batches(train_set, preprocessor, table, device)
    validation = split_batches(validation_set, preprocessor, table, device)

    def objective(trial: optuna.Trial) -> float:
        params = _with(model_engineering, _suggest(trial, tuning.search_space), tuning)

        def report(epoch: int, validation_loss: float) -> None:
            trial.report(validation_loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned

        _, history = build_and_fit(
            preprocessor.n_numeric_inputs,
            preprocessor.cardinalities,
            len(table.classes),
            train,
            validation,
            params,
            on_epoch=report,
        )
        return min(record["validation_loss"] for record in history)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=tuning.seed),
        pruner=optuna.pruners.MedianPruner(
            n_startup_trials=tuning.pruner.n_startup_trials,
            n_warmup_steps=tuning.pruner.n_warmup_steps,
        ),
    )
    study.enqueue_trial(_defaults(model_engineering, tuning.search_space))
    started = time.perf_counter()
    study.optimize(
        objective,
        n_trials=tuning.n_trials,
        timeout=tuning.timeout_seconds,
        callbacks=[_log_progress(tuning.n_trials)],
    )
    trials = [_record(trial) for trial in study.trials]
    best = _best(study, time.perf_counter() - started)
    return best, trials


def _suggest(trial: optuna.Trial, space: dict[str, Dimension]) -> dict[str, Any]:
    """One value per searched setting (choices travel as JSON text: Optuna takes
    only plain values, and ``[64, 32]`` is a list)."""
    values: dict[str, Any] = {}
    for name, dimension in space.items():
        if dimension.choices is not None:
            labels = [json.dumps(choice) for choice in dimension.choices]
            values[name] = json.loads(trial.suggest_categorical(name, labels))
        elif isinstance(dimension.low, int) and isinstance(dimension.high, int):
            values[name] = trial.suggest_int(
                name, dimension.low, dimension.high, log=dimension.log
            )
        else:
            low, high = cast("tuple[float, float]", (dimension.low, dimension.high))
            values[name] = trial.suggest_float(name, low, high, log=dimension.log)
    return values


def _defaults(
    params: ModelEngineeringParams, space: dict[str, Dimension]
) -> dict[str, Any]:
    """The configured values of the searched settings, as trial 0 suggests them."""
    current = params.model_dump()
    values = {}
    for name, dimension in space.items():
        group, key = name.split(".", 1)
        value = current[group][key]
        values[name] = json.dumps(value) if dimension.choices is not None else value
    return values


def _with(
    params: ModelEngineeringParams, values: dict[str, Any], tuning: TuningParams
) -> ModelEngineeringParams:
    """``params`` with the trial's values and the search's epoch budget."""
    settings = with_values(params, values).model_dump()
    settings["training"]["max_epochs"] = tuning.max_epochs
    return ModelEngineeringParams.model_validate(settings)


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    """A trial's values as ``model_engineering`` takes them (choices from JSON)."""
    return {
        name: json.loads(value) if isinstance(value, str) else value
        for name, value in values.items()
    }


def _log_progress(n_trials: int) -> Any:
    def log(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        pruned = trial.state.name == "PRUNED"
        value = f"{trial.value:.4f}" + (" (pruned)" if pruned else "")
        logger.info(
            "trial %d/%d: validation_loss %s (best %.4f, trial %d) in %.1f s  %s",
            trial.number + 1, n_trials, value, study.best_value,
            study.best_trial.number, (trial.duration or timedelta()).total_seconds(),
            ", ".join(f"{k}={v}" for k, v in trial.params.items()),
        )  # fmt: skip

    return log


def _record(trial: optuna.trial.FrozenTrial) -> dict[str, Any]:
    """A trial as JSON: what the report and its nested MLflow run show."""
    return {
        "number": trial.number,
        "state": trial.state.name,
        "validation_loss": trial.value,
        "params": _decoded(trial.params),
        "validation_loss_by_epoch": {
            str(step): value
            for step, value in sorted(trial.intermediate_values.items())
        },
        "started": _iso(trial.datetime_start),
        "finished": _iso(trial.datetime_complete),
    }


def _best(study: optuna.Study, seconds: float) -> dict[str, Any]:
    """The best trial's values of the searched settings, and how the search went."""
    best = study.best_trial
    states = [trial.state.name for trial in study.trials]
    return {
        "values": _decoded(best.params),
        "validation_loss": best.value,
        "default_validation_loss": study.trials[0].value,
        "best_trial": best.number,
        "trials": len(states),
        "pruned": states.count("PRUNED"),
        "seconds": seconds,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
