"""A versioned catalog dataset for the tabular MLP that never unpickles code."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import fsspec
from kedro.io.core import (
    AbstractVersionedDataset,
    DatasetError,
    Version,
    get_filepath_str,
    get_protocol_and_path,
)

from {{ cookiecutter.python_package }}.datasets.atomic import AtomicWrites

if TYPE_CHECKING:
    from {{ cookiecutter.python_package }}.model import TabularMLP


class TorchModelDataset(AtomicWrites, AbstractVersionedDataset[Any, Any]):
    """Saves the model's config and ``state_dict`` with ``torch.save``; loads them with
    ``torch.load(weights_only=True)`` and rebuilds the module on the CPU. Saves are
    atomic on a local disk (:mod:`{{ cookiecutter.python_package }}.datasets.atomic`).

    Example::

        model:
          type: {{ cookiecutter.python_package }}.datasets.TorchModelDataset
          filepath: data/06_models/model.pt
          versioned: true
    """

    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        protocol, path = get_protocol_and_path(filepath, version)
        self._protocol = protocol
        self._fs = fsspec.filesystem(
            protocol, **({"auto_mkdir": True} if protocol == "file" else {})
        )
        self.metadata = metadata
        super().__init__(
            filepath=PurePosixPath(path),
            version=version,
            exists_function=self._fs.exists,
            glob_function=self._fs.glob,
        )

    def load(self) -> TabularMLP:
        """Rebuild the model from its saved config and weights."""
        import torch  # noqa: PLC0415 (the catalog imports this module on every run)

        from {{ cookiecutter.python_package }}.model import TabularMLP  # noqa: PLC0415

        path = get_filepath_str(self._get_load_path(), self._protocol)
        with self._fs.open(path, "rb") as file:
            artifact = torch.load(file, map_location="cpu", weights_only=True)
        return TabularMLP.from_artifact(artifact)

    def save(self, data: TabularMLP) -> None:
        """Save the model's config and weights (tensors moved to the CPU)."""
        import torch  # noqa: PLC0415

        path = get_filepath_str(self._get_save_path(), self._protocol)
        artifact = data.to_artifact()
        artifact["state_dict"] = {k: v.cpu() for k, v in artifact["state_dict"].items()}
        with self._fs.open(path, "wb") as file:
            torch.save(artifact, file)
        self._fs.invalidate_cache(get_filepath_str(self._filepath, self._protocol))

    def _exists(self) -> bool:
        try:
            path = get_filepath_str(self._get_load_path(), self._protocol)
        except DatasetError:
            return False
        return self._fs.exists(path)

    def _describe(self) -> dict[str, Any]:
        return {
            "filepath": self._filepath,
            "protocol": self._protocol,
            "version": self._version,
        }
