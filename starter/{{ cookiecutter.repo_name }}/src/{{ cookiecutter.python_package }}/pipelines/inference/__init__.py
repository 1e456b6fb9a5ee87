"""Score new raw customers with the trained model, through the same steps and gates."""

from {{ cookiecutter.python_package }}.pipelines.inference.pipeline import create_pipeline

__all__ = ["create_pipeline"]
