"""Raw sources -> clean intermediate tables -> primary table -> features -> splits."""

from {{ cookiecutter.python_package }}.pipelines.data_engineering.pipeline import create_pipeline

__all__ = ["create_pipeline"]
