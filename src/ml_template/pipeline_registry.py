"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# Pipelines that are not steps of the training flow: data generation, and scoring new
# customers with the trained model.
_NOT_IN_DEFAULT = ("synthetic", "inference")


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines; ``__default__`` is the training flow."""
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(
        (p for name, p in pipelines.items() if name not in _NOT_IN_DEFAULT),
        start=Pipeline([]),
    )
    return pipelines
