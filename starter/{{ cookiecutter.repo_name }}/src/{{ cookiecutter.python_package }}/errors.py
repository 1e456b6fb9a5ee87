"""Errors the served model reports to its callers.

An ``MlflowException`` reaches the caller of ``mlflow models serve`` with the HTTP
status :meth:`get_http_status_code` gives (400 for ``INVALID_PARAMETER_VALUE``) and this
message; any other exception becomes a generic message with the model's stack trace.
"""

from __future__ import annotations

from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

from {{ cookiecutter.python_package }}.user_errors import UserError

_PAYLOAD_TOO_LARGE = 413


class MalformedRowsError(MlflowException, UserError, ValueError):
    """Rows to score that break the contract: says which rows, rules and values."""

    def __init__(self, message: str) -> None:
        super().__init__(message, error_code=INVALID_PARAMETER_VALUE)


class TooManyRowsError(MlflowException, UserError, ValueError):
    """A request larger than the served model accepts (HTTP 413)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, error_code=INVALID_PARAMETER_VALUE)

    def get_http_status_code(self) -> int:
        """413 Payload Too Large."""
        return _PAYLOAD_TOO_LARGE
