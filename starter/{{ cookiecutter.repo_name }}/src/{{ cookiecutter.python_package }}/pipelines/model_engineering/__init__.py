"""Fit preprocessing on the training split and train the PyTorch model."""

from {{ cookiecutter.python_package }}.pipelines.model_engineering.pipeline import create_pipeline

__all__ = ["create_pipeline"]
