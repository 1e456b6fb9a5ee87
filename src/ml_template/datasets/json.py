"""kedro-datasets' ``json.JSONDataset``, saved atomically (see :mod:`ml_template.datasets.atomic`)."""

from kedro_datasets.json import JSONDataset as _JSONDataset

from ml_template.datasets.atomic import AtomicWrites


class JSONDataset(AtomicWrites, _JSONDataset):
    """kedro-datasets' ``json.JSONDataset``; a local file appears whole or not at all."""
