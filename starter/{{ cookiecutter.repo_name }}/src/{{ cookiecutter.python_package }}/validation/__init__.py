"""Great Expectations gates behind Kedro's catalog-native validation.

A catalog entry declares ``validator: {class: {{ cookiecutter.python_package }}.validation.GXValidator,
on: load|save, options: {suite: <name>}}``; the suite lives in
``conf/<env>/expectations/<name>.yml``. The project hook opens one
:class:`ValidationSession` per run (one GX context, created on first use), which the
run's catalog puts in scope around its loads and saves, and saves every result as
versioned JSON in ``data/08_reporting/validation``.
"""

from {{ cookiecutter.python_package }}.validation.session import (
    ValidationSession,
    current,
    gates,
    open_session,
    project_session,
)
from {{ cookiecutter.python_package }}.validation.validator import GXValidator

__all__ = [
    "GXValidator",
    "ValidationSession",
    "current",
    "gates",
    "open_session",
    "project_session",
]
