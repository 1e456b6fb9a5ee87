"""Hyper-parameter search with Optuna."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
