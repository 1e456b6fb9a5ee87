"""Atomic saves: a file appears under its final name whole, or not at all.

Kedro's file datasets write straight to their final path, so a run killed mid-save
leaves a torn file that the next load takes for the newest version. The datasets of
this package (``{{ cookiecutter.python_package }}.datasets.pandas.ParquetDataset``, ``.pandas.CSVDataset``,
``.json.JSONDataset``, ``.matplotlib.MatplotlibDataset``, ``.plotly.JSONDataset``,
``.text.TextDataset``) are kedro-datasets' own, with their file system wrapped (the
fitted bundle's ``FittedModelDataset`` does the same for a folder): on a local disk
each file is written to a hidden ``.<name>.<random>.partial`` beside its final path, flushed to the
disk, then renamed (``os.replace``, atomic within a folder). Object stores (S3, GCS,
Azure) already publish a file only when its upload completes, so they are left as
they are. A ``.partial`` file is never read; ``make prune`` removes leftovers.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from fsspec.core import strip_protocol

PARTIAL_SUFFIX = ".partial"


class _AtomicFile:
    """A file being written under a temporary name; renamed into place on close."""

    def __init__(self, path: str, mode: str, open_file: Any) -> None:
        self._path = Path(path)
        self._temp = self._path.with_name(
            f".{self._path.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"
        )
        self._temp.parent.mkdir(parents=True, exist_ok=True)
        self._file = open_file(str(self._temp), mode)
        self._done = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __enter__(self) -> Any:
        return self._file

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        self._finish(commit=error_type is None)

    def close(self) -> None:
        """Publish the file under its final name."""
        self._finish(commit=True)

    def _finish(self, commit: bool) -> None:
        if self._done:
            return
        self._done = True
        if commit and not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
        self._file.close()
        if commit:
            os.replace(self._temp, self._path)
        else:
            self._temp.unlink(missing_ok=True)


class _AtomicFileSystem:
    """An fsspec local file system whose writes go through :class:`_AtomicFile`."""

    def __init__(self, fs: Any) -> None:
        self._fs = fs

    def __getattr__(self, name: str) -> Any:
        if name == "_fs":  # not set yet: being unpickled
            raise AttributeError(name)
        return getattr(self._fs, name)

    def open(self, path: str, mode: str = "rb", **kwargs: Any) -> Any:
        """Open for reading as usual; for writing, under a temporary name."""
        if "w" not in mode and "x" not in mode:
            return self._fs.open(path, mode, **kwargs)
        return _AtomicFile(
            strip_protocol(path),
            mode,
            lambda temp, temp_mode: self._fs.open(temp, temp_mode, **kwargs),
        )


class AtomicWrites:
    """Mixin for an fsspec-based Kedro dataset: local files are saved atomically.

    Put it first among the bases: ``class ParquetDataset(AtomicWrites, ParquetDataset)``.
    """

    _fs: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "file" in _protocols(self._fs):
            self._fs = _AtomicFileSystem(self._fs)


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)
