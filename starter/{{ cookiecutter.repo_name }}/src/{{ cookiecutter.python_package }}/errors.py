"""Errors the served model reports to its callers.

An ``MlflowException`` with ``INVALID_PARAMETER_VALUE`` reaches the caller of
``mlflow models serve`` as an HTTP 400 carrying this message; any other exception
becomes a generic message with the model's stack trace.
"""

from __future__ import annotations

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE


class MalformedRowsError(MlflowException, ValueError):
    """Rows to score that cannot be read: says which columns, rows and values."""

    def __init__(self, message: str) -> None:
        super().__init__(message, error_code=INVALID_PARAMETER_VALUE)
