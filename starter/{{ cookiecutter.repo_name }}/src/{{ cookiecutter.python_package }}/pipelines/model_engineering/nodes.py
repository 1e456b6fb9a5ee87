"""Model-engineering nodes: preprocessing fitted on train only, the chosen kind trained
through the model seam, then calibrated, given its decision threshold, conformal rule
and drift reference on the validation split: one fitted bundle."""

from __future__ import annotations

import logging
import warnings
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from {{ cookiecutter.python_package }}.conformal import fit_sets
from {{ cookiecutter.python_package }}.contract import Contract, frames
from {{ cookiecutter.python_package }}.metrics import best_threshold
from {{ cookiecutter.python_package }}.models import (
    FittedModel,
    ModelEngineeringParams,
    ModelInputs,
    StepReport,
    Task,
)
from {{ cookiecutter.python_package }}.models.fitted import probability_columns
from {{ cookiecutter.python_package }}.monitoring import MonitoringParams, drift_reference, quarantine_shares
from {{ cookiecutter.python_package }}.pipelines.evaluation.params import EvaluationParams
from {{ cookiecutter.python_package }}.preprocessing import (
    Preprocessor,
    encode_target,
    fit_preprocessor,
    sample_weights,
    transform,
)
from {{ cookiecutter.python_package }}.schema import DatasetSchema
from {{ cookiecutter.python_package }}.user_errors import UserError

logger = logging.getLogger(__name__)

#: A model-input split: pandas, or on the Spark route a lazy Arrow dataset.
Split: TypeAlias = pd.DataFrame | ds.Dataset
#: Rows read and transformed at a time when a split becomes model inputs.
CHUNK_ROWS = 500_000


class TunedKindError(UserError, ValueError):
    """``tuned=true`` with a search of another kind than the one configured."""


def fit_preprocessing(train_set: Split, contract: Contract) -> dict[str, Any]:
    """Learn imputation, scaling and category vocabularies from the training split.

    Args:
        train_set: The training split (pandas, or the Spark route's Arrow dataset, of
            which only the feature columns are read).
        contract: The data contract (the columns' roles).

    Returns:
        The fitted preprocessing as a JSON-able dict.
    """
    table = contract.table
    features = [*table.numeric_features, *table.categorical]
    return fit_preprocessor(frames.read_columns(train_set, features), table).to_dict()


def choose_hyperparameters(
    params: ModelEngineeringParams, tuned: dict[str, Any]
) -> dict[str, Any]:
    """What training uses: ``model_engineering`` as configured, or with the settings a
    hyper-parameter search found (``--params tuned=true``; see ``tuned_hyperparameters``).

    Returns:
        ``model`` (the kind and its settings) and ``source``: where they came from.

    Raises:
        TunedKindError: The search tuned another kind than the one configured.
    """
    model = params.model
    if not tuned:
        chosen, origin = model, {"source": "parameters_model_engineering.yml"}
    else:
        if tuned.get("kind") != model.kind:
            raise TunedKindError(
                f"Tuning run {tuned['tuning_run']} searched kind "
                f"{tuned.get('kind')!r}, but model_engineering.model.kind is "
                f"{model.kind!r}: tune this kind (`make tune`) or choose that one."
            )
        chosen = model.with_values(tuned["values"])
        origin = {
            "source": f"tuning run {tuned['tuning_run']}",
            "tuned": tuned["values"],
        }
    return {"model": chosen.chosen()} | origin


def train_model(
    train_set: Split,
    validation_set: Split,
    preprocessing: dict[str, Any],
    contract: Contract,
    hyperparameters: dict[str, Any],
) -> tuple[FittedModel, list[dict[str, float]]]:
    """Train the chosen kind, stopping early on the validation loss.

    Args:
        train_set: The training split (pandas, or the Spark route's Arrow dataset,
            read into model inputs in chunks).
        validation_set: The validation split, for early stopping.
        preprocessing: The fitted preprocessing.
        contract: The data contract.
        hyperparameters: ``model``: the kind and its settings, from
            :func:`choose_hyperparameters`.

    Returns:
        The trained model with its preprocessing (not calibrated yet), and one
        record per training step.
    """
    preprocessor = Preprocessor.from_dict(preprocessing)
    model, history = fit_kind(
        train_set, validation_set, preprocessor, contract.table, hyperparameters
    )
    return FittedModel(model, preprocessor), history


def fit_kind(
    train_set: Split,
    validation_set: Split,
    preprocessor: Preprocessor,
    schema: DatasetSchema,
    hyperparameters: dict[str, Any] | ModelEngineeringParams,
    report: StepReport | None = None,
) -> tuple[Any, list[dict[str, float]]]:
    """A model of the configured kind, fitted on the splits' model inputs."""
    params = (
        hyperparameters
        if isinstance(hyperparameters, ModelEngineeringParams)
        else ModelEngineeringParams.model_validate({"model": hyperparameters["model"]})
    )
    model = params.model.build(Task(tuple(schema.classes)))
    train = split_inputs(train_set, preprocessor, schema)
    validation = split_inputs(validation_set, preprocessor, schema)
    return model, model.fit(train, validation, report)


def split_inputs(
    split: Split, preprocessor: Preprocessor, schema: DatasetSchema
) -> ModelInputs:
    """A split's model inputs and target.

    The split is read and transformed ``CHUNK_ROWS`` rows at a time into arrays
    allocated once, so memory holds the inputs and one chunk, never a whole table
    besides them.
    """
    rows = frames.count_rows(split)
    numeric = np.empty((rows, preprocessor.n_numeric_inputs), dtype="float32")
    categorical = np.empty((rows, len(preprocessor.vocabularies)), dtype="int64")
    target = np.empty(rows, dtype="int64")
    weight = None if schema.weight is None else np.empty(rows, dtype="float64")
    weights = [schema.weight] if schema.weight else []
    columns = [*preprocessor.numeric, *preprocessor.vocabularies, schema.target]
    start = 0
    for chunk in frames.chunks(split, columns + weights, CHUNK_ROWS):
        inputs, codes = transform(chunk, preprocessor)
        end = start + len(inputs)
        numeric[start:end], categorical[start:end] = inputs, codes
        target[start:end] = encode_target(chunk, schema)
        if weight is not None:
            weight[start:end] = sample_weights(chunk, schema)
        start = end
        if rows > CHUNK_ROWS:
            logger.info("Read %s of %s rows into model inputs", f"{end:,}", f"{rows:,}")
    cardinalities = tuple(preprocessor.cardinalities)
    return ModelInputs(numeric, categorical, cardinalities, target, weight)


@frames.pandas_splits
def fit_calibration(
    validation_set: pd.DataFrame, trained_model: FittedModel, contract: Contract
) -> FittedModel:
    """Temperature scaling fitted on the validation split (scikit-learn's).

    One number divides the model's logits so that its probabilities match observed
    frequencies; rankings, hence ROC-AUC, never change. Every probability the project
    reports, saves or serves is the calibrated one.

    Returns:
        The model with ``calibration``: ``{"method": "temperature", "temperature": t,
        "validation_log_loss": {"before", "after"}}``.
    """
    from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415
    from sklearn.frozen import FrozenEstimator  # noqa: PLC0415
    from sklearn.metrics import log_loss  # noqa: PLC0415

    from {{ cookiecutter.python_package }}.models.estimator import FittedClassifier  # noqa: PLC0415

    target = encode_target(validation_set, contract.table)
    weight = sample_weights(validation_set, contract.table)
    classifier = FittedClassifier(trained_model, calibrated=False)
    with warnings.catch_warnings():
        # scikit-learn splits the rows to predict them, and warns when a class has
        # fewer rows than folds; a frozen model's predictions do not depend on folds.
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        # Sample weights are meant for the temperature only: the model is frozen.
        warnings.filterwarnings("ignore", "Since FrozenEstimator", UserWarning)
        calibrated = CalibratedClassifierCV(
            FrozenEstimator(classifier), method="temperature"
        ).fit(validation_set, target, sample_weight=weight)
    (calibrator,) = calibrated.calibrated_classifiers_[0].calibrators
    calibration = {
        "method": "temperature",
        "temperature": 1.0 / float(calibrator.beta_),
        "fitted_on": "validation_set",
    }
    after = trained_model.with_parts(calibration=calibration)
    losses = {
        when: float(
            log_loss(target, model.predict_proba(validation_set), sample_weight=weight)
        )
        for when, model in (("before", classifier), ("after", after))
    }
    return after.with_parts(calibration=calibration | {"validation_log_loss": losses})


@frames.pandas_splits
def fit_conformal(
    validation_set: pd.DataFrame,
    calibrated_model: FittedModel,
    contract: Contract,
    params: EvaluationParams,
) -> dict[str, Any]:
    """The conformal prediction-set rule, fitted on the validation split at
    ``evaluation.conformal.confidence``.

    The validation split also chose the best step, the temperature and the decision
    threshold: the split-conformal guarantee assumes rows the model never saw, and
    early stopping's choice among a few dozen steps bends it little. The test split,
    used by nothing else, measures the coverage actually reached (``evaluate_model``).

    Returns:
        ``{"method": "lac", "confidence", "min_probability", "calibration_rows"}``: a
        class enters a row's set when its calibrated probability reaches
        ``min_probability``.
    """
    from {{ cookiecutter.python_package }}.models.estimator import FittedClassifier  # noqa: PLC0415

    target = encode_target(validation_set, contract.table)
    return fit_sets(
        FittedClassifier(calibrated_model), validation_set, target, params.conformal
    )


def choose_threshold(
    validation_predictions: pd.DataFrame,
    contract: Contract,
    params: ModelEngineeringParams,
) -> dict[str, Any]:
    """The decision rule: the positive-class threshold that does best on the
    validation split by ``params.decision.rule`` (F1, accuracy, or the cost of errors
    with ``cost_ratio``).

    Returns:
        ``{"threshold": t, "rule": ...}`` for a binary target (``cost_ratio`` too for
        the cost rule); ``{"threshold": None, "rule": "most probable class"}``
        otherwise.
    """
    table, decision = contract.table, params.decision
    if not table.is_binary:
        return {"threshold": None, "rule": "most probable class"}
    target = encode_target(validation_predictions, table)
    positive = validation_predictions[probability_columns(table.classes)[1]]
    threshold = best_threshold(
        target,
        positive.to_numpy(),
        decision.rule,
        decision.cost_ratio,
        sample_weights(validation_predictions, table),
    )
    cost = {"cost_ratio": decision.cost_ratio} if decision.rule == "cost" else {}
    return {"threshold": threshold, "rule": decision.rule, **cost}


@frames.pandas_splits
def build_drift_reference(
    train_set: pd.DataFrame,
    validation_predictions: pd.DataFrame,
    contract: Contract,
    params: MonitoringParams,
    **tables: pd.DataFrame,
) -> dict[str, Any]:
    """What drift monitoring compares each batch with (stored with the model).

    Args:
        train_set: The training split (feature distributions).
        validation_predictions: The validation split's predictions (predicted distribution).
        contract: The data contract (the features and their kinds).
        params: ``monitoring`` (the number of bins).
        **tables: ``<source>_intermediate`` and ``<source>_quarantine`` per source.
    """
    return drift_reference(
        train_set,
        validation_predictions,
        quarantine_shares(tables),
        contract.table,
        params.bins,
    )


def assemble_model(
    calibrated_model: FittedModel,
    decision_threshold: dict[str, float | None],
    conformal: dict[str, Any],
    drift_reference: dict[str, Any],
) -> FittedModel:
    """The fitted bundle: the calibrated model with its threshold, conformal rule and
    drift reference, saved as one versioned folder."""
    return calibrated_model.with_parts(
        decision_threshold=decision_threshold,
        conformal=conformal,
        drift_reference=drift_reference,
    )
