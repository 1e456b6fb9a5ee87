"""Project datasets for the Kedro catalog."""

from {{ cookiecutter.python_package }}.datasets.fitted_model import FittedModelDataset

__all__ = ["FittedModelDataset"]
