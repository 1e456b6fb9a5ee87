"""Section 4: the MLP kind's training loop (its fit: one shuffle per epoch, a loss
read back per batch, validation loss and best-weights copy each epoch) against a
minimal loop over preloaded tensors, same model, batch size and thread count."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from kedro.config import OmegaConfigLoader

from benchmarks.common import median
from {{ cookiecutter.python_package }}.config import CONFIG_LOADER_ARGS
from {{ cookiecutter.python_package }}.contract.loading import parse_contract
from {{ cookiecutter.python_package }}.models import ModelInputs
from {{ cookiecutter.python_package }}.models.kinds.mlp import MLPSettings
from {{ cookiecutter.python_package }}.models.kinds.mlp.network import MLPConfig, TabularMLP, loss_function
from {{ cookiecutter.python_package }}.models.kinds.mlp.training import Batches, fit, to_batches
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import fit_preprocessing
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, encode_target, transform

EPOCHS = 3


def measure(project: Path, repetitions: int) -> dict[str, Any]:
    """Samples per second of both loops on the project's last train_set, alternated."""
    params = OmegaConfigLoader(str(project / "conf"), **CONFIG_LOADER_ARGS)[
        "parameters"
    ]
    schema = parse_contract(params["contract"])
    settings = params["model_engineering"]["model"]["mlp"]
    training = MLPSettings.model_validate(
        {**settings, "max_epochs": EPOCHS, "patience": EPOCHS + 1, "device": "cpu"}
    )
    torch.set_num_threads(training.num_threads)
    train = pd.read_parquet(_latest(project, "data/05_model_input/train_set.parquet"))
    validation = pd.read_parquet(
        _latest(project, "data/05_model_input/validation_set.parquet")
    )
    preprocessor = Preprocessor.from_dict(fit_preprocessing(train, schema))
    contract = schema.table
    train_batches = _batches(train, preprocessor, contract)
    validation_batches = _batches(validation, preprocessor, contract)
    config = MLPConfig(
        n_numeric=preprocessor.n_numeric_inputs,
        cardinalities=preprocessor.cardinalities,
        n_classes=len(contract.classes),
        hidden_sizes=training.hidden_sizes,
        dropout=training.dropout,
        max_embedding_dim=training.max_embedding_dim,
    )

    def project_loop() -> float:
        torch.manual_seed(training.seed)
        model = TabularMLP(config)
        started = time.perf_counter()
        fit(model, loss_function(config), train_batches, validation_batches, training)
        return EPOCHS * len(train_batches) / (time.perf_counter() - started)

    def minimal_loop() -> float:
        torch.manual_seed(training.seed)
        return _minimal_loop(TabularMLP(config), config, train_batches, training)

    project_loop(), minimal_loop()  # warm-up: allocator and kernels, not measured
    project_rates, minimal_rates = [], []
    for repetition in range(repetitions):  # alternate which goes first
        pair = (
            (project_loop, minimal_loop)
            if repetition % 2 == 0
            else (minimal_loop, project_loop)
        )
        rates = {loop: loop() for loop in pair}
        project_rates.append(rates[project_loop])
        minimal_rates.append(rates[minimal_loop])
    return {
        "train_rows": len(train_batches),
        "epochs": EPOCHS,
        "batch_size": training.batch_size,
        "threads": training.num_threads,
        "project_samples_per_s": median(project_rates),
        "minimal_samples_per_s": median(minimal_rates),
        "ratio": median(project_rates) / median(minimal_rates),
    }


def _minimal_loop(
    model: TabularMLP, config: MLPConfig, data: Batches, training: MLPSettings
) -> float:
    """The practical limit: pre-shuffled contiguous slices, no per-batch sync."""
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=training.learning_rate,
        weight_decay=training.weight_decay,
    )
    loss_fn = loss_function(config)
    model.train()
    started = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(data))
        numeric, categorical, target = (
            data.numeric[order], data.categorical[order], data.target[order]
        )  # fmt: skip
        for start in range(0, len(data), training.batch_size):
            end = start + training.batch_size
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(
                model(numeric[start:end], categorical[start:end]), target[start:end]
            )
            loss.backward()
            optimizer.step()
    return EPOCHS * len(data) / (time.perf_counter() - started)


def _batches(frame: pd.DataFrame, preprocessor: Preprocessor, contract: Any) -> Batches:
    numeric, categorical = transform(frame, preprocessor)
    inputs = ModelInputs(
        numeric,
        categorical,
        tuple(preprocessor.cardinalities),
        encode_target(frame, contract),
    )
    return to_batches(inputs, contract.is_binary, "cpu")


def _latest(project: Path, dataset: str) -> Path:
    return sorted((project / dataset).glob("*/*"))[-1]
