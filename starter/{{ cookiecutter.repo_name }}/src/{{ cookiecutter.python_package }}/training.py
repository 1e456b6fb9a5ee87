"""The training loop: preloaded tensors, shuffled each epoch, early stopping."""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from {{ cookiecutter.python_package }}.model import MLPConfig, TabularMLP, loss_function

logger = logging.getLogger(__name__)


class TrainingParams(BaseModel):
    """``model_engineering.training`` in ``parameters_model_engineering.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    learning_rate: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    batch_size: int = Field(gt=0)
    max_epochs: int = Field(gt=0)
    patience: int = Field(
        gt=0, description="Epochs without improvement before stopping."
    )
    min_delta: float = Field(ge=0, default=0.0)
    seed: int
    num_threads: int = Field(gt=0, description="CPU threads for torch.")
    device: str = Field(pattern="^(auto|cpu|cuda(:[0-9]+)?)$")


class NetworkParams(BaseModel):
    """``model_engineering.model``: the network's shape (see ``model.MLPConfig``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hidden_sizes: list[int] = Field(default_factory=lambda: [64, 32], min_length=1)
    dropout: float = Field(default=0.1, ge=0.0, lt=1.0)
    max_embedding_dim: int = Field(default=8, ge=1)


class ModelEngineeringParams(BaseModel):
    """``model_engineering`` in ``parameters_model_engineering.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: NetworkParams
    training: TrainingParams


def with_values(
    params: ModelEngineeringParams, values: dict[str, Any]
) -> ModelEngineeringParams:
    """``params`` with some settings replaced, by dotted path (``model.dropout``)."""
    settings = params.model_dump()
    for name, value in values.items():
        group, key = name.split(".", 1)
        settings[group][key] = value
    return ModelEngineeringParams.model_validate(settings)


@dataclass(frozen=True)
class Batches:
    """A split as tensors on the training device."""

    numeric: torch.Tensor
    categorical: torch.Tensor
    target: torch.Tensor

    def __len__(self) -> int:
        return len(self.target)


def to_batches(
    numeric: np.ndarray,
    categorical: np.ndarray,
    target: np.ndarray,
    binary: bool,
    device: str,
) -> Batches:
    """Preload a split onto ``device``; binary targets as floats for BCE."""
    labels = torch.from_numpy(target.astype("float32" if binary else "int64"))
    return Batches(
        torch.from_numpy(numeric).to(device),
        torch.from_numpy(categorical).to(device),
        labels.to(device),
    )


def resolve_device(requested: str) -> str:
    """``auto`` means CUDA when it is available, else the CPU."""
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def build_and_fit(  # noqa: PLR0913
    n_numeric: int,
    cardinalities: list[int],
    n_classes: int,
    train: Batches,
    validation: Batches,
    params: ModelEngineeringParams,
    *,
    on_epoch: EpochCallback | None = None,
) -> tuple[TabularMLP, list[dict[str, float]]]:
    """A seeded network of ``params.model``'s shape, trained by :func:`fit`."""
    torch.manual_seed(params.training.seed)
    config = MLPConfig(
        n_numeric=n_numeric,
        cardinalities=cardinalities,
        n_classes=n_classes,
        **params.model.model_dump(),
    )
    model = TabularMLP(config).to(train.target.device)
    history = fit(
        model, loss_function(config), train, validation, params.training, on_epoch
    )
    return model, history


EpochCallback = Callable[[int, float], None]


def fit(
    model: TabularMLP,
    loss_fn: nn.Module,
    train: Batches,
    validation: Batches,
    params: TrainingParams,
    on_epoch: EpochCallback | None = None,
) -> list[dict[str, float]]:
    """Train with AdamW and early stopping; restore the best epoch's weights.

    ``on_epoch(epoch, validation_loss)`` is called after each epoch (hyper-parameter
    search reports to its pruner there, and may raise to stop the training).

    Returns:
        One record per epoch: train and validation loss, throughput.
    """
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=params.learning_rate, weight_decay=params.weight_decay
    )
    generator = torch.Generator().manual_seed(params.seed)
    best_loss, best_state, stale, history = math.inf, None, 0, []
    for epoch in range(1, params.max_epochs + 1):
        start = time.perf_counter()
        train_loss = train_epoch(
            model, optimizer, loss_fn, train, params.batch_size, generator
        )
        seconds = time.perf_counter() - start
        validation_loss = evaluate_loss(model, loss_fn, validation)
        history.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "validation_loss": validation_loss,
                "samples_per_second": len(train) / seconds,
            }
        )
        if on_epoch is not None:
            on_epoch(epoch, validation_loss)
        improved = validation_loss < best_loss - params.min_delta
        logger.info(
            "epoch %d/%d  train_loss %.4f  validation_loss %.4f  %.0f samples/s%s",
            epoch, params.max_epochs, train_loss, validation_loss, len(train) / seconds,
            "  *best" if improved else "",
        )  # fmt: skip
        if improved:
            best_loss, best_state, stale = (
                validation_loss,
                copy.deepcopy(model.state_dict()),
                0,
            )
        else:
            stale += 1
            if stale >= params.patience:
                logger.info("Early stop: no improvement for %d epochs", params.patience)
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def train_epoch(
    model: TabularMLP,
    optimizer: torch.optim.Optimizer,
    loss_fn: nn.Module,
    data: Batches,
    batch_size: int,
    generator: torch.Generator,
) -> float:
    """One pass over the preloaded tensors, shuffled once, in contiguous batches."""
    model.train()
    order = torch.randperm(len(data), generator=generator).to(data.target.device)
    # One gather per epoch, then views: cheaper than gathering every batch.
    numeric, categorical, target = (
        data.numeric[order], data.categorical[order], data.target[order]
    )  # fmt: skip
    total = 0.0
    for start in range(0, len(data), batch_size):
        end = start + batch_size
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(
            model(numeric[start:end], categorical[start:end]), target[start:end]
        )
        loss.backward()
        optimizer.step()
        total += loss.item() * len(target[start:end])
    return total / len(data)


@torch.no_grad()
def evaluate_loss(model: TabularMLP, loss_fn: nn.Module, data: Batches) -> float:
    """Mean loss over a whole split, without updating the model."""
    model.eval()
    return float(loss_fn(model(data.numeric, data.categorical), data.target))
