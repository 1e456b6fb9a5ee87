"""The Spark route's datasets: raw files named as pandas names them, and the model
input written by Spark, read by training through Arrow."""

from __future__ import annotations

import re
from typing import Any

import fsspec
import pyarrow.dataset as ds
from fsspec.implementations.local import LocalFileSystem
from kedro_datasets.spark import SparkDataset as _SparkDataset


class ArrowReadSparkDataset(_SparkDataset):
    """kedro-datasets' ``spark.SparkDataset`` that loads as a lazy Arrow dataset.

    Spark writes the Parquet (versioned, on any storage Spark reaches); loading opens
    it as a ``pyarrow.dataset.Dataset`` and reads nothing yet, so a node streams the
    columns and rows it needs in record batches (training) or collects it whole
    (evaluation) without a SparkSession or pandas in between.
    """

    def load(self) -> ds.Dataset:
        """The saved Parquet files as a lazy Arrow dataset."""
        path = self._fs_prefix + str(self._get_load_path())
        filesystem, root = fsspec.core.url_to_fs(path.removeprefix("file://"))
        if isinstance(filesystem, LocalFileSystem):
            return ds.dataset(root, format="parquet")
        return ds.dataset(root, format="parquet", filesystem=filesystem)


# Spark's name for a column whose header cell is empty: ``_c`` and its position.
_NAMELESS = re.compile(r"^_c(\d+)$")


class SparkDataset(_SparkDataset):
    """kedro-datasets' ``spark.SparkDataset``; a CSV column without a header is named
    ``Unnamed: <position>``, as pandas names it (an index written by R's or pandas'
    ``to_csv``), so the contract's raw names hold on both routes."""

    def __init__(self, *, file_format: str = "parquet", **kwargs: Any) -> None:
        super().__init__(file_format=file_format, **kwargs)
        self.csv = file_format == "csv"

    def load(self) -> Any:
        """The frame, with Spark's ``_c<n>`` of a CSV's empty header cells renamed."""
        frame = super().load()
        if not self.csv:
            return frame
        renamed = {
            name: f"Unnamed: {match[1]}"
            for name in frame.columns
            if (match := _NAMELESS.match(name))
        }
        return frame.withColumnsRenamed(renamed) if renamed else frame
