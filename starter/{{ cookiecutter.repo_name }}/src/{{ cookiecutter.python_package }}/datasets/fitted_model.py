"""A versioned catalog dataset for the fitted bundle: one folder of plain files."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import fsspec
from kedro.io.core import (
    AbstractVersionedDataset,
    DatasetError,
    Version,
    get_filepath_str,
    get_protocol_and_path,
)

from {{ cookiecutter.python_package }}.datasets.atomic import PARTIAL_SUFFIX

if TYPE_CHECKING:
    from {{ cookiecutter.python_package }}.models import FittedModel


class FittedModelDataset(AbstractVersionedDataset[Any, Any]):
    """Saves a :class:`~{{ cookiecutter.python_package }}.models.FittedModel` as a folder (see
    :mod:`{{ cookiecutter.python_package }}.models.fitted`) and loads it whole; no file of it unpickles code.

    On a local disk the folder is written under a hidden ``.partial`` name and renamed
    into place, so it appears whole or not at all; elsewhere it is uploaded from a
    local copy.

    Example::

        fitted_model:
          type: {{ cookiecutter.python_package }}.datasets.FittedModelDataset
          filepath: data/06_models/fitted_model
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
        self._fs = fsspec.filesystem(protocol)
        self.metadata = metadata
        super().__init__(
            filepath=PurePosixPath(path),
            version=version,
            exists_function=self._fs.exists,
            glob_function=self._fs.glob,
        )

    def load(self) -> FittedModel:
        """Read the bundle's folder."""
        from {{ cookiecutter.python_package }}.models import FittedModel  # noqa: PLC0415 (0.14 s, only when a model loads)

        path = get_filepath_str(self._get_load_path(), self._protocol)
        if self._protocol == "file":
            return FittedModel.load(Path(path))
        with tempfile.TemporaryDirectory() as folder:
            self._fs.get(path.rstrip("/") + "/", folder, recursive=True)
            return FittedModel.load(Path(folder))

    def save(self, data: FittedModel) -> None:
        """Write the bundle's folder, whole or not at all."""
        path = get_filepath_str(self._get_save_path(), self._protocol)
        if self._protocol == "file":
            final = Path(path)
            final.parent.mkdir(parents=True, exist_ok=True)
            partial = final.with_name(
                f".{final.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"
            )
            partial.mkdir()
            try:
                data.save(partial)
                _replace(partial, final)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                with contextlib.suppress(OSError):  # the version's folder, if empty
                    final.parent.rmdir()
                raise
        else:
            with tempfile.TemporaryDirectory() as folder:
                data.save(Path(folder))
                self._fs.put(folder.rstrip("/") + "/", path, recursive=True)
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


def _replace(new: Path, final: Path) -> None:
    """Move the folder ``new`` to ``final``; an unversioned ``final`` that exists is
    moved aside first and deleted once the new one is in place."""
    if not final.exists():
        os.replace(new, final)
        return
    old = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}")
    os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)
