"""Regenerate the bundled raw sample at any size (not part of the default run)."""

from ml_template.pipelines.synthetic.pipeline import create_pipeline

__all__ = ["create_pipeline"]
