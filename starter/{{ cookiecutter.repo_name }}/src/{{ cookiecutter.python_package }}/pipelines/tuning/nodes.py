"""Hyper-parameter search: Optuna's TPE sampler over the chosen model kind's settings,
each trial scored by its best validation loss and pruned early when it lags (kinds
that report each step; others are judged on their whole run)."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

from {{ cookiecutter.python_package }}.contract import Contract, frames

if TYPE_CHECKING:
    import optuna
from {{ cookiecutter.python_package }}.models import ModelEngineeringParams, Task
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import Split, split_inputs
from {{ cookiecutter.python_package }}.preprocessing import fit_preprocessor

logger = logging.getLogger(__name__)


class Dimension(BaseModel):
    """One searched setting: a range (``low``, ``high``, ``log``) or ``choices``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: int | float | None = None
    high: int | float | None = None
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
    pruner: PrunerParams = Field(default_factory=PrunerParams)
    search_space: dict[str, dict[str, Dimension]] = Field(
        min_length=1,
        description="Per model kind: its settings searched (`learning_rate`).",
    )
    budget: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per model kind: settings every trial uses (`max_epochs: 40`).",
    )

    def space(self, kind: str) -> dict[str, Dimension]:
        """The search space of ``kind``.

        Raises:
            ValueError: The configuration has none for it.
        """
        if not self.search_space.get(kind):
            raise ValueError(
                f"tuning.search_space has no space for model kind {kind!r} "
                f"(it has {sorted(self.search_space)}): add one in parameters_tuning.yml."
            )
        return self.search_space[kind]


def tune_hyperparameters(
    train_set: Split,
    validation_set: Split,
    contract: Contract,
    model_engineering: ModelEngineeringParams,
    tuning: TuningParams,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Search the chosen kind's ``search_space`` for the lowest validation loss.

    Trial 0 is the configured ``model_engineering`` itself, so the result says how
    much the search gained. Seeded (the sampler and every trial's training), bounded by
    ``n_trials`` and ``timeout_seconds``, each trial by the kind's ``budget``.

    Returns:
        The kind and the best values of its searched settings (``values``), with the
        default's and the best validation loss; and one record per trial (its
        settings, state, validation loss per step, times).
    """
    import optuna  # noqa: PLC0415  (imported here: every run loads the pipelines)

    table = contract.table
    model = model_engineering.model
    space = tuning.space(model.kind)
    features = [*table.numeric_features, *table.categorical]
    preprocessor = fit_preprocessor(frames.read_columns(train_set, features), table)
    train = split_inputs(train_set, preprocessor, table)
    validation = split_inputs(validation_set, preprocessor, table)
    task = Task(tuple(table.classes))
    budget = tuning.budget.get(model.kind, {})

    def objective(trial: optuna.Trial) -> float:
        params = model.with_values(_suggest(trial, space) | budget)

        def report(step: int, validation_loss: float) -> None:
            trial.report(validation_loss, step)
            if trial.should_prune():
                raise optuna.TrialPruned

        with _steps_unlogged():  # one line per trial (_log_progress), not per epoch
            history = params.build(task).fit(train, validation, report)
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
    study.enqueue_trial(_defaults(model_engineering, space))
    started = time.perf_counter()
    study.optimize(
        objective,
        n_trials=tuning.n_trials,
        timeout=tuning.timeout_seconds,
        callbacks=[_log_progress(tuning.n_trials)],
    )
    trials = [_record(trial) for trial in study.trials]
    best = _best(study, time.perf_counter() - started)
    return {"kind": model.kind} | best, trials


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
    current = params.model.settings().model_dump(mode="json")
    return {
        name: json.dumps(current[name])
        if dimension.choices is not None
        else current[name]
        for name, dimension in space.items()
    }


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    """A trial's values as ``model_engineering`` takes them (choices from JSON)."""
    return {
        name: json.loads(value) if isinstance(value, str) else value
        for name, value in values.items()
    }


@contextlib.contextmanager
def _steps_unlogged() -> Iterator[None]:
    """The model kinds' per-step lines (epochs, boosting rounds) held back."""
    kinds = logging.getLogger("{{ cookiecutter.python_package }}.models")
    level = kinds.level
    kinds.setLevel(logging.WARNING)
    try:
        yield
    finally:
        kinds.setLevel(level)


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
        "validation_loss_by_step": {
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
