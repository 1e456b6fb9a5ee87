"""Model-engineering nodes: preprocessing fitted on train only, then the torch model."""

from __future__ import annotations

from typing import Any

import pandas as pd
import torch

from ml_template.contract import Contract
from ml_template.model import MLPConfig, TabularMLP, loss_function
from ml_template.preprocessing import (
    Preprocessor,
    encode_target,
    fit_preprocessor,
    transform,
)
from ml_template.schema import DatasetSchema
from ml_template.training import (
    ModelEngineeringParams,
    fit,
    resolve_device,
    to_batches,
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


def train_model(
    train_set: pd.DataFrame,
    validation_set: pd.DataFrame,
    preprocessing: dict[str, Any],
    contract: Contract,
    params: ModelEngineeringParams,
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
        params: ``model`` (network shape) and ``training`` (optimiser, loop) settings.

    Returns:
        The trained model (on the CPU) and the per-epoch training history.
    """
    table = contract.table
    preprocessor = Preprocessor.from_dict(preprocessing)
    training = params.training
    torch.manual_seed(training.seed)
    torch.set_num_threads(training.num_threads)
    device = resolve_device(training.device)
    config = MLPConfig(
        n_numeric=preprocessor.n_numeric_inputs,
        cardinalities=preprocessor.cardinalities,
        n_classes=len(table.classes),
        **params.model.model_dump(),
    )
    model = TabularMLP(config).to(device)
    history = fit(
        model,
        loss_function(config),
        _batches(train_set, preprocessor, table, device),
        _batches(validation_set, preprocessor, table, device),
        training,
    )
    return model.cpu().eval(), history


def _batches(
    frame: pd.DataFrame, preprocessor: Preprocessor, schema: DatasetSchema, device: str
) -> Any:
    numeric, categorical = transform(frame, preprocessor)
    return to_batches(
        numeric, categorical, encode_target(frame, schema), schema.is_binary, device
    )
