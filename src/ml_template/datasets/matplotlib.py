"""kedro-datasets' ``matplotlib.MatplotlibDataset``, saved atomically (see :mod:`ml_template.datasets.atomic`)."""

from kedro_datasets.matplotlib import MatplotlibDataset as _MatplotlibDataset

from ml_template.datasets.atomic import AtomicWrites


class MatplotlibDataset(AtomicWrites, _MatplotlibDataset):
    """kedro-datasets' ``matplotlib.MatplotlibDataset``; a local file appears whole or not at all."""
