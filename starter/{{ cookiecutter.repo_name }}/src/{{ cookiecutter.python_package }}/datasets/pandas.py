"""kedro-datasets' ``pandas.ParquetDataset``, saved atomically (see :mod:`{{ cookiecutter.python_package }}.datasets.atomic`)."""

from kedro_datasets.pandas import ParquetDataset as _ParquetDataset

from {{ cookiecutter.python_package }}.datasets.atomic import AtomicWrites


class ParquetDataset(AtomicWrites, _ParquetDataset):
    """kedro-datasets' ``pandas.ParquetDataset``; a local file appears whole or not at all."""
