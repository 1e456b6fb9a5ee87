"""The MLP kind's training loop: preloaded tensors, shuffled each epoch, early stopping."""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

from ml_template.models.base import ModelInputs, StepReport
from ml_template.models.kinds.mlp.network import TabularMLP

if TYPE_CHECKING:
    from ml_template.models.kinds.mlp import MLPSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batches:
    """A split as tensors on the training device."""

    numeric: torch.Tensor
    categorical: torch.Tensor
    target: torch.Tensor
    weight: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.target)

    def total_weight(self, start: int = 0, end: int | None = None) -> float:
        """How much rows ``start:end`` count: their number, or their weights' sum."""
        if self.weight is None:
            return float(len(self.target[start:end]))
        return float(self.weight[start:end].sum())


def to_batches(inputs: ModelInputs, binary: bool, device: str) -> Batches:
    """Prepared inputs as tensors on ``device`` (no copy on the CPU); binary targets
    as floats for BCE, sample weights as float32."""
    labels = inputs.labels().astype("float32" if binary else "int64")
    weight = None if inputs.weight is None else inputs.weight.astype("float32")
    return Batches(
        torch.from_numpy(inputs.numeric).to(device),
        torch.from_numpy(inputs.categorical).to(device),
        torch.from_numpy(labels).to(device),
        None if weight is None else torch.from_numpy(weight).to(device),
    )


def resolve_device(requested: str) -> str:
    """``auto`` means CUDA when it is available, else the CPU."""
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def fit(
    model: TabularMLP,
    loss_fn: nn.Module,
    train: Batches,
    validation: Batches,
    params: MLPSettings,
    on_epoch: StepReport | None = None,
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
                "step": epoch,
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
    shuffled = Batches(
        data.numeric[order],
        data.categorical[order],
        data.target[order],
        None if data.weight is None else data.weight[order],
    )
    total = 0.0
    for start in range(0, len(data), batch_size):
        end = start + batch_size
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(
            model(shuffled.numeric[start:end], shuffled.categorical[start:end]),
            shuffled.target[start:end],
            None if shuffled.weight is None else shuffled.weight[start:end],
        )
        loss.backward()
        optimizer.step()
        total += loss.item() * shuffled.total_weight(start, end)
    return total / data.total_weight()


@torch.no_grad()
def evaluate_loss(model: TabularMLP, loss_fn: nn.Module, data: Batches) -> float:
    """Mean loss (weighted, with sample weights) over a whole split, without updating
    the model."""
    model.eval()
    return float(
        loss_fn(model(data.numeric, data.categorical), data.target, data.weight)
    )
