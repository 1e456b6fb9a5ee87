"""Measure the model on the test split against baselines, with plots."""

from ml_template.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
