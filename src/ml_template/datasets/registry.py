"""A registered model's files, loaded from the MLflow Model Registry by alias."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.io import AbstractDataset, DatasetError

from ml_template.runs.registry import (
    CHAMPION,
    RegisteredModel,
    has_version,
    load_registered,
)


class RegisteredModelDataset(AbstractDataset[None, "RegisteredModel | None"]):
    """Loads ``models:/<model_name>@<alias>`` (or version ``alias`` when it is a
    number): its fitted bundle, with the version it came from; None when no version
    holds the alias yet (before the first training run). Read-only.

    Example::

        champion_model:
          type: ml_template.datasets.registry.RegisteredModelDataset
          model_name: ml_template
          alias: champion
    """

    def __init__(
        self,
        *,
        model_name: str,
        alias: str = CHAMPION,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.model_name = model_name
        self.alias = str(alias)
        self.metadata = metadata

    def load(self) -> RegisteredModel | None:
        """The aliased version's bundle, or None."""
        return load_registered(mlflow.MlflowClient(), self.model_name, self.alias)

    def save(self, data: None) -> None:
        """Refused: versions are registered by completed training runs."""
        raise DatasetError(
            f"{self._uri} is read-only: a completed "
            "training run registers its model; `make rollback VERSION=n` moves the alias."
        )

    def _exists(self) -> bool:
        """Whether a version holds the alias (loading gives None when none does)."""
        return has_version(mlflow.MlflowClient(), self.model_name, self.alias)

    def _describe(self) -> dict[str, Any]:
        return {"model_uri": self._uri}

    @property
    def _uri(self) -> str:
        separator = "/" if self.alias.isdigit() else "@"
        return f"models:/{self.model_name}{separator}{self.alias}"
