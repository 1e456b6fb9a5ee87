"""Project datasets for the Kedro catalog."""

from ml_template.datasets.torch_model import TorchModelDataset

__all__ = ["TorchModelDataset"]
