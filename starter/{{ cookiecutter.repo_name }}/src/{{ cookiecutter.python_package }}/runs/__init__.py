"""Runs as units: completed runs' records, consistent loads, crash leftovers."""

from {{ cookiecutter.python_package }}.runs.records import RunRecord, RunStore, UnknownRunError

__all__ = ["RunRecord", "RunStore", "UnknownRunError"]
