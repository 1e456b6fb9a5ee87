"""kedro-datasets' ``pandas.ParquetDataset``, saved atomically (see :mod:`ml_template.datasets.atomic`)."""

from kedro_datasets.pandas import ParquetDataset as _ParquetDataset

from ml_template.datasets.atomic import AtomicWrites


class ParquetDataset(AtomicWrites, _ParquetDataset):
    """kedro-datasets' ``pandas.ParquetDataset``; a local file appears whole or not at all."""
