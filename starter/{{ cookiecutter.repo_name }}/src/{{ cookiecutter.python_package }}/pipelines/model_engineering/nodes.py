"""Model-engineering nodes: preprocessing fitted on train only, then the torch model."""

from __future__ import annotations

from typing import Any

import pandas as pd
import torch

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.model import TabularMLP
from {{ cookiecutter.python_package }}.preprocessing import (
    Preprocessor,
    encode_target,
    fit_preprocessor,
    transform,
)
from {{ cookiecutter.python_package }}.schema import DatasetSchema
from {{ cookiecutter.python_package }}.training import (
    Batches,
    ModelEngineeringParams,
    build_and_fit,
    resolve_device,
    to_batches,
    with_values,
)


def fit_preprocessing(train_set: pd.DataFrame, contract: Contract) -> dict[str, Any]:
    """Learn imputation, scaling and category vocabularies from the training split.

    Args:
        train_set: The training split.
        contract: The data contract (the columns' roles).

    Returns:
        The fitted preprocessing as a JSON-able dict.
    """
    return fit_preprocessor(train_set, contract.table).to_dict()


def choose_hyperparameters(
    params: ModelEngineeringParams, tuned: dict[str, Any]
) -> dict[str, Any]:
    """What training uses: ``model_engineering`` as configured, or with the settings a
    hyper-parameter search found (``--params tuned=true``; see ``tuned_hyperparameters``).

    Returns:
        ``model`` and ``training`` settings, and ``source``: where they came from.
    """
    if not tuned:
        return params.model_dump() | {"source": "parameters_model_engineering.yml"}
    chosen = with_values(params, tuned["values"])
    return chosen.model_dump() | {
        "source": f"tuning run {tuned['tuning_run']}",
        "tuned": tuned["values"],
    }


def train_model(
    train_set: pd.DataFrame,
    validation_set: pd.DataFrame,
    preprocessing: dict[str, Any],
    contract: Contract,
    hyperparameters: dict[str, Any] | ModelEngineeringParams,
) -> tuple[TabularMLP, list[dict[str, float]]]:
    """Train the MLP with early stopping on the validation loss.

    Seeded and deterministic for a given device and thread count; the best epoch's
    weights are restored. Runs on CUDA when ``training.device`` is ``auto`` and a GPU
    is present.

    Args:
        train_set: The training split.
        validation_set: The validation split, for early stopping.
        preprocessing: The fitted preprocessing.
        contract: The data contract.
        hyperparameters: ``model`` (network shape) and ``training`` (optimiser, loop)
            settings, from :func:`choose_hyperparameters`.

    Returns:
        The trained model (on the CPU) and the per-epoch training history.
    """
    table = contract.table
    params = _validated(hyperparameters)
    preprocessor = Preprocessor.from_dict(preprocessing)
    torch.set_num_threads(params.training.num_threads)
    device = resolve_device(params.training.device)
    model, history = build_and_fit(
        preprocessor.n_numeric_inputs,
        preprocessor.cardinalities,
        len(table.classes),
        split_batches(train_set, preprocessor, table, device),
        split_batches(validation_set, preprocessor, table, device),
        params,
    )
    return model.cpu().eval(), history


def _validated(
    hyperparameters: dict[str, Any] | ModelEngineeringParams,
) -> ModelEngineeringParams:
    if isinstance(hyperparameters, ModelEngineeringParams):
        return hyperparameters
    return ModelEngineeringParams.model_validate(
        {group: hyperparameters[group] for group in ("model", "training")}
    )


def split_batches(
    frame: pd.DataFrame, preprocessor: Preprocessor, schema: DatasetSchema, device: str
) -> Batches:
    """A split's model inputs and target as tensors on ``device``."""
    numeric, categorical = transform(frame, preprocessor)
    return to_batches(
        numeric, categorical, encode_target(frame, schema), schema.is_binary, device
    )
