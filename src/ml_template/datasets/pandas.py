"""kedro-datasets' ``pandas.ParquetDataset``, saved atomically (see :mod:`ml_template.datasets.atomic`)."""

import pandas as pd
from kedro_datasets.pandas import CSVDataset as _CSVDataset
from kedro_datasets.pandas import ParquetDataset as _ParquetDataset

from ml_template.datasets.atomic import AtomicWrites


class ParquetDataset(AtomicWrites, _ParquetDataset):
    """kedro-datasets' ``pandas.ParquetDataset``; a local file appears whole or not at all.

    An unversioned file whose rows would not change is left untouched: Parquet records
    the writer's versions, so rewriting the same rows with another pandas or pyarrow
    would change the file (and a committed sample's Git status) for nothing.
    """

    def save(self, data: pd.DataFrame) -> None:
        """Write ``data``, unless the unversioned file already holds exactly it."""
        if self._version is None and self._exists() and self.load().equals(data):
            return
        super().save(data)


class CSVDataset(AtomicWrites, _CSVDataset):
    """kedro-datasets' ``pandas.CSVDataset``; a local file appears whole or not at all."""


class OptionalParquetDataset(ParquetDataset):
    """A Parquet file that may not exist: it loads as an empty frame then.

    For inputs a pipeline can do without, such as the synthetic example's ground truth.
    """

    def load(self) -> pd.DataFrame:
        """The file's rows, or no rows when there is no file."""
        return super().load() if self._exists() else pd.DataFrame()
