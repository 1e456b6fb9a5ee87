"""Model-engineering nodes: preprocessing fitted on train only, then the torch model."""

from __future__ import annotations

import logging
from typing import Any, TypeAlias

import pandas as pd
import pyarrow.dataset as ds
import torch

from ml_template.contract import Contract, frames
from ml_template.model import TabularMLP
from ml_template.preprocessing import (
    Preprocessor,
    encode_target,
    fit_preprocessor,
    transform,
)
from ml_template.schema import DatasetSchema
from ml_template.training import (
    Batches,
    ModelEngineeringParams,
    build_and_fit,
    resolve_device,
    with_values,
)

logger = logging.getLogger(__name__)

#: A model-input split: pandas, or on the Spark route a lazy Arrow dataset.
Split: TypeAlias = pd.DataFrame | ds.Dataset
#: Rows read and transformed at a time when a split becomes tensors.
CHUNK_ROWS = 500_000


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
    train_set: Split,
    validation_set: Split,
    preprocessing: dict[str, Any],
    contract: Contract,
    hyperparameters: dict[str, Any] | ModelEngineeringParams,
) -> tuple[TabularMLP, list[dict[str, float]]]:
    """Train the MLP with early stopping on the validation loss.

    Seeded and deterministic for a given device and thread count; the best epoch's
    weights are restored. Runs on CUDA when ``training.device`` is ``auto`` and a GPU
    is present.

    Args:
        train_set: The training split (pandas, or the Spark route's Arrow dataset,
            streamed into tensors in chunks).
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
    split: Split, preprocessor: Preprocessor, schema: DatasetSchema, device: str
) -> Batches:
    """A split's model inputs and target as tensors on ``device``.

    The split is read and transformed ``CHUNK_ROWS`` rows at a time into tensors
    allocated once, so memory holds the tensors and one chunk, never a whole table
    besides them.
    """
    rows = frames.count_rows(split)
    numeric = torch.empty((rows, preprocessor.n_numeric_inputs), dtype=torch.float32)
    categorical = torch.empty((rows, len(preprocessor.vocabularies)), dtype=torch.int64)
    target = torch.empty(rows, dtype=torch.float32 if schema.is_binary else torch.int64)
    columns = [*preprocessor.numeric, *preprocessor.vocabularies, schema.target]
    start = 0
    for chunk in frames.chunks(split, columns, CHUNK_ROWS):
        inputs, codes = transform(chunk, preprocessor)
        end = start + len(inputs)
        numeric[start:end] = torch.from_numpy(inputs)
        categorical[start:end] = torch.from_numpy(codes)
        target[start:end] = torch.from_numpy(encode_target(chunk, schema))
        start = end
        if rows > CHUNK_ROWS:
            logger.info("Read %s of %s rows into tensors", f"{end:,}", f"{rows:,}")
    return Batches(numeric.to(device), categorical.to(device), target.to(device))
