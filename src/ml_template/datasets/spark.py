"""The Spark route's model input: written by Spark, read by training through Arrow."""

from __future__ import annotations

import fsspec
import pyarrow.dataset as ds
from fsspec.implementations.local import LocalFileSystem
from kedro_datasets.spark import SparkDataset


class ArrowReadSparkDataset(SparkDataset):
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
