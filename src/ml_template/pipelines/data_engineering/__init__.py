"""Raw sources -> clean intermediate tables -> primary table -> features -> splits."""

from ml_template.pipelines.data_engineering.pipeline import create_pipeline

__all__ = ["create_pipeline"]
