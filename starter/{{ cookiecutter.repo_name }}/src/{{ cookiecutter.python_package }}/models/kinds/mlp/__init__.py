"""The ``mlp`` kind: a PyTorch network with category embeddings (the example's default).

Seeded and deterministic for a given device and thread count; early stopping on the
validation loss restores the best epoch's weights; CUDA when ``device: auto`` finds a
GPU. Saved as ``config.json`` (the network's shape and settings) and ``weights.pt``
(a ``state_dict``, loaded with ``torch.load(weights_only=True)``: no pickled code runs).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.python_package }}.models.base import Model, ModelInputs, StepReport, Task
from {{ cookiecutter.python_package }}.models.kinds.mlp.network import (
    MLPConfig,
    TabularMLP,
    logits,
    loss_function,
)
from {{ cookiecutter.python_package }}.models.kinds.mlp.training import fit, resolve_device, to_batches

_CONFIG, _WEIGHTS = "config.json", "weights.pt"


class MLPSettings(BaseModel):
    """``model_engineering.model.mlp``: the network's shape and its training loop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hidden_sizes: list[int] = Field(default_factory=lambda: [64, 32], min_length=1)
    dropout: float = Field(default=0.1, ge=0.0, lt=1.0)
    max_embedding_dim: int = Field(default=8, ge=1)
    learning_rate: float = Field(default=0.003, gt=0)
    weight_decay: float = Field(default=0.0001, ge=0)
    batch_size: int = Field(default=256, gt=0)
    max_epochs: int = Field(default=100, gt=0)
    patience: int = Field(
        default=8, gt=0, description="Epochs without improvement before stopping."
    )
    min_delta: float = Field(ge=0, default=0.0)
    seed: int = 42
    num_threads: int = Field(default=1, gt=0, description="CPU threads for torch.")
    device: str = Field(default="auto", pattern="^(auto|cpu|cuda(:[0-9]+)?)$")


class MLP(Model):
    """Category embeddings and numeric inputs, then hidden layers, trained with AdamW."""

    Settings = MLPSettings
    step_name = "epoch"
    settings: MLPSettings

    def __init__(self, settings: BaseModel, task: Task) -> None:
        super().__init__(settings, task)
        self.network: TabularMLP | None = None

    def fit(
        self,
        train: ModelInputs,
        validation: ModelInputs,
        report: StepReport | None = None,
    ) -> list[dict[str, float]]:
        """Seeded network of the settings' shape, trained with early stopping."""
        settings = self.settings
        torch.set_num_threads(settings.num_threads)
        device = resolve_device(settings.device)
        torch.manual_seed(settings.seed)
        config = MLPConfig(
            n_numeric=train.numeric.shape[1],
            cardinalities=list(train.cardinalities),
            n_classes=self.task.n_classes,
            hidden_sizes=settings.hidden_sizes,
            dropout=settings.dropout,
            max_embedding_dim=settings.max_embedding_dim,
        )
        network = TabularMLP(config).to(device)
        binary = config.n_outputs == 1
        history = fit(
            network,
            loss_function(config),
            to_batches(train, binary, device),
            to_batches(validation, binary, device),
            settings,
            report,
        )
        self.network = network.cpu().eval()
        return history

    def predict_raw(self, inputs: ModelInputs) -> np.ndarray:
        """The network's logits."""
        return logits(self._fitted(), inputs.numeric, inputs.categorical)

    def save(self, folder: Path) -> None:
        """``config.json`` (shape, settings, classes) and ``weights.pt``."""
        artifact = self._fitted().to_artifact()
        config = {
            "network": artifact["config"],
            "settings": self.settings.model_dump(mode="json"),
            "classes": list(self.task.classes),
        }
        (folder / _CONFIG).write_text(json.dumps(config, indent=2))
        state = {k: v.cpu() for k, v in artifact["state_dict"].items()}
        torch.save(state, folder / _WEIGHTS)

    @classmethod
    def load(cls, folder: Path) -> MLP:
        """Rebuild the network from its config and weights, on the CPU."""
        config = json.loads((folder / _CONFIG).read_text())
        state = torch.load(folder / _WEIGHTS, map_location="cpu", weights_only=True)
        model = cls(MLPSettings(**config["settings"]), Task(tuple(config["classes"])))
        model.network = TabularMLP.from_artifact(
            {"config": config["network"], "state_dict": state}
        )
        return model

    def describe(self) -> str:
        """The network's shape and how it was trained."""
        s = self.settings
        return (
            f"An MLP (PyTorch) with hidden layers {s.hidden_sizes} (dropout {s.dropout}) "
            f"over category embeddings, AdamW at learning rate {s.learning_rate:.2g}, "
            f"batch {s.batch_size}, seed {s.seed}, early stopping after {s.patience} "
            "epochs without a better validation loss."
        )

    def _fitted(self) -> TabularMLP:
        if self.network is None:
            raise RuntimeError("The MLP is not fitted yet: call fit() first.")
        return self.network


KIND = MLP
