"""The MLP kind's network: categorical embeddings + numeric inputs -> hidden layers -> logits.

A binary target gets one logit (sigmoid), a multi-class target one logit per class
(softmax). The model is rebuilt from :class:`MLPConfig` and a ``state_dict``, so a saved
model loads with ``torch.load(weights_only=True)``: no pickled code runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class MLPConfig:
    """Everything needed to rebuild the network."""

    n_numeric: int
    cardinalities: list[int]
    n_classes: int
    hidden_sizes: list[int] = field(default_factory=lambda: [64, 32])
    dropout: float = 0.1
    max_embedding_dim: int = 8

    @property
    def n_outputs(self) -> int:
        """One logit for a binary target, one per class otherwise."""
        return 1 if self.n_classes == 2 else self.n_classes  # noqa: PLR2004

    def embedding_dims(self) -> list[int]:
        """A common rule of thumb: about half the cardinality, capped."""
        return [min(self.max_embedding_dim, (n + 1) // 2) for n in self.cardinalities]


class TabularMLP(nn.Module):
    """Embeddings for categories, concatenated with numeric inputs, then an MLP."""

    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        self.config = config
        dims = config.embedding_dims()
        self.embeddings = nn.ModuleList(
            nn.Embedding(n, d) for n, d in zip(config.cardinalities, dims, strict=True)
        )
        layers: list[nn.Module] = []
        width = config.n_numeric + sum(dims)
        for hidden in config.hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(config.dropout)]
            width = hidden
        layers.append(nn.Linear(width, config.n_outputs))
        self.mlp = nn.Sequential(*layers)

    def forward(self, numeric: torch.Tensor, categorical: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(batch,)`` (binary) or ``(batch, n_classes)``."""
        embedded = [emb(categorical[:, i]) for i, emb in enumerate(self.embeddings)]
        logits = self.mlp(torch.cat([numeric, *embedded], dim=1))
        return logits.squeeze(1) if self.config.n_outputs == 1 else logits

    def to_artifact(self) -> dict[str, Any]:
        """What is saved: the config and the weights, nothing executable."""
        return {"config": asdict(self.config), "state_dict": self.state_dict()}

    @classmethod
    def from_artifact(cls, artifact: dict[str, Any]) -> TabularMLP:
        """Rebuild a model saved with :meth:`to_artifact`."""
        model = cls(MLPConfig(**artifact["config"]))
        model.load_state_dict(artifact["state_dict"])
        return model.eval()


class CrossEntropy(nn.Module):
    """Binary or multi-class cross-entropy on logits: the rows' mean, or their mean
    weighted by each row's sample weight when one is given."""

    def __init__(self, binary: bool) -> None:
        super().__init__()
        loss = nn.BCEWithLogitsLoss if binary else nn.CrossEntropyLoss
        self.mean, self.each = loss(), loss(reduction="none")

    def forward(
        self,
        logits: torch.Tensor,
        target: torch.Tensor,
        weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The (weighted) mean loss of these rows."""
        if weight is None:
            return self.mean(logits, target)
        return (self.each(logits, target) * weight).sum() / weight.sum()


def loss_function(config: MLPConfig) -> CrossEntropy:
    """The network's training loss."""
    return CrossEntropy(binary=config.n_outputs == 1)


@torch.no_grad()
def logits(
    model: TabularMLP,
    numeric: np.ndarray,
    categorical: np.ndarray,
    batch_size: int = 65536,
) -> np.ndarray:
    """The model's logits for prepared inputs, in batches, on the model's device."""
    model.eval()
    device = next(model.parameters()).device
    parts = [
        model(
            torch.from_numpy(numeric[start : start + batch_size]).to(device),
            torch.from_numpy(categorical[start : start + batch_size]).to(device),
        )
        .cpu()
        .numpy()
        for start in range(0, len(numeric), batch_size)
    ]
    if parts:
        return np.concatenate(parts)
    outputs = model.config.n_outputs
    return np.zeros((0,) if outputs == 1 else (0, outputs), "float32")
