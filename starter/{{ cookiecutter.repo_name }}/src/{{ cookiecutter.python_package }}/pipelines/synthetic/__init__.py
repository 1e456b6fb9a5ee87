"""Regenerate the bundled raw sample at any size (not part of the default run)."""

from {{ cookiecutter.python_package }}.pipelines.synthetic.pipeline import create_pipeline

__all__ = ["create_pipeline"]
