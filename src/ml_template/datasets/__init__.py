"""Project datasets for the Kedro catalog."""

from ml_template.datasets.fitted_model import FittedModelDataset

__all__ = ["FittedModelDataset"]
