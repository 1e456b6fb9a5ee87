"""Runs as units: completed runs' records, consistent loads, crash leftovers."""

from ml_template.runs.records import RunRecord, RunStore, UnknownRunError

__all__ = ["RunRecord", "RunStore", "UnknownRunError"]
