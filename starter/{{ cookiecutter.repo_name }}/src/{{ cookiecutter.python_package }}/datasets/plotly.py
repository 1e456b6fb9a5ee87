"""kedro-datasets' ``plotly.JSONDataset``, saved atomically (see :mod:`{{ cookiecutter.python_package }}.datasets.atomic`)."""

from kedro_datasets.plotly import JSONDataset as _JSONDataset

from {{ cookiecutter.python_package }}.datasets.atomic import AtomicWrites


class JSONDataset(AtomicWrites, _JSONDataset):
    """kedro-datasets' ``plotly.JSONDataset``; a local file appears whole or not at all."""
