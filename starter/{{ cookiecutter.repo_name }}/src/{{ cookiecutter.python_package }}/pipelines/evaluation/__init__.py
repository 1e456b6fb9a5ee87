"""Measure the model on the test split against baselines, with plots."""

from {{ cookiecutter.python_package }}.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
