"""kedro-datasets' ``text.TextDataset``, saved atomically (see :mod:`{{ cookiecutter.python_package }}.datasets.atomic`)."""

from kedro_datasets.text import TextDataset as _TextDataset

from {{ cookiecutter.python_package }}.datasets.atomic import AtomicWrites


class TextDataset(AtomicWrites, _TextDataset):
    """kedro-datasets' ``text.TextDataset``; a local file appears whole or not at all."""
