"""Project datasets for the Kedro catalog."""

from {{ cookiecutter.python_package }}.datasets.torch_model import TorchModelDataset

__all__ = ["TorchModelDataset"]
