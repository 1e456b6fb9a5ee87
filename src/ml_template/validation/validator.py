"""The catalog validator: a Great Expectations suite as a ``kedro.validation.Validator``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from kedro.validation import CheckFailure, DataValidationError

from ml_template.contract.cleaning import CONTRACT_FILE, NOT_COMMITTED
from ml_template.user_errors import UserError
from ml_template.validation.session import (
    ValidationSession,
    current,
    project_session,
)

_NOT_ARGUMENTS = ("batch_id", "column", "column_A", "column_B")


class GateFailedError(DataValidationError, UserError):
    """A gate's expectations failed; says where the rules and the full result live."""

    def __init__(self, suite: str, failures: list[CheckFailure]) -> None:
        super().__init__(
            f"Expectation suite '{suite}' failed",
            validator=f"GXValidator(suite='{suite}')",
            failures=failures,
        )
        self.suite = suite

    def __str__(self) -> str:
        return (
            f"{super().__str__()}\n{NOT_COMMITTED} Each rule names its source: a "
            f"field of the contract ({CONTRACT_FILE}) or a hand-written suite "
            f"(conf/<env>/expectations/{self.suite}.yml). Every gate of the run: "
            "data/08_reporting/validation/gate_report.html/<run>/gate_report.html; "
            f"this one's full result: dataset '{self.suite}_validation'."
        )


class GXValidator:
    """Validates a DataFrame against one expectation suite of the run's session.

    Declared on a catalog entry::

        validator:
          class: ml_template.validation.GXValidator
          on: save
          options: {suite: customers_intermediate}

    ``without_target: true`` applies the same suite to rows to score: the rules on the
    target, and those on the data as a whole (row counts, missing shares, varied
    features), are left out; every rule a single row can break still applies.
    """

    def __init__(self, suite: str, without_target: bool = False) -> None:
        self.suite = suite
        self.without_target = without_target
        self._own: ValidationSession | None = None  # outside a run

    def validate(self, data: pd.DataFrame) -> pd.DataFrame:
        """Return ``data`` unchanged if every expectation holds, else raise.

        Raises:
            GateFailedError: Naming each failed expectation, what was observed and a
                sample of offending values (with the row's id where there is one).
        """
        session = self._session()
        _require_columns(
            self.suite, session.rules(self.suite, self.without_target), data
        )
        result = session.validate(self.suite, data, self.without_target)
        if result.success:
            return data
        id_column = session.contract.table.ids[0] if session.contract else None
        failures = [
            _failure(item, data, id_column)
            for item in result.results
            if not item.success
        ]
        raise GateFailedError(self.suite, failures)

    def _session(self) -> ValidationSession:
        """The run's session; outside a run, one on the project's configuration."""
        session = current()
        if session is None:
            if self._own is None:
                self._own = project_session()
            session = self._own
        return session

    def __repr__(self) -> str:
        return (
            f"GXValidator(suite={self.suite!r}, without_target={self.without_target})"
        )


def _require_columns(suite: str, rules: list[Any], data: pd.DataFrame) -> None:
    """Name a missing column and where it was declared, before GX trips over it."""
    present = [str(c) for c in data.columns]
    for _, kwargs, source in rules:
        named = list(kwargs.get("column_set") or []) + [
            kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs
        ]
        named += list(kwargs.get("column_list") or [])
        missing = [c for c in named if c not in present]
        if missing:
            raise DataValidationError(
                f"{suite}: column(s) {missing} declared in {_where(source)} "
                f"are missing; present: {present}",
                validator=f"GXValidator(suite='{suite}')",
                failures=[],
            )


def _where(source: str) -> str:
    """A hand-written suite's file, or a contract field and the contract's file."""
    if source.startswith("conf/"):
        return source
    return f"{source} ({CONTRACT_FILE})"


def _failure(item: Any, data: pd.DataFrame, id_column: str | None) -> CheckFailure:
    """One failed expectation as a ``CheckFailure`` with observed value and samples."""
    config = item.expectation_config
    kwargs = config.kwargs
    arguments = ", ".join(
        f"{key}={_short(value)}"
        for key, value in kwargs.items()
        if key not in _NOT_ARGUMENTS
    )
    columns = [
        kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs
    ]
    details = item.result or {}
    if details.get("element_count") is not None and "unexpected_count" in details:
        count = int(details["unexpected_count"] or 0)
        observed = (
            f"{count} of {details.get('element_count')} rows unexpected "
            f"({details.get('unexpected_percent') or 0:.2f}%)"
        )
        examples = _examples(details, data, id_column)
    else:
        count = 1
        observed = _observed(details)
        examples = []
    error = _exception_message(item.exception_info)
    if error:
        observed = f"error: {error}"
    source = (config.meta or {}).get("source", "?")
    return CheckFailure(
        message=f"{config.type} failed: {observed}",
        check=f"{config.type}({arguments}) [{source}] -> {observed}",
        column=", ".join(map(str, columns)) or None,
        failure_count=max(count, 1),
        failure_examples=examples,
    )


def _observed(details: dict[str, Any]) -> str:
    """What an aggregate expectation saw; for column sets, what is missing or extra."""
    mismatched = (details.get("details") or {}).get("mismatched")
    if mismatched:
        parts = [
            f"{kind} columns {names}" for kind, names in mismatched.items() if names
        ]
        return "observed " + ", ".join(parts)
    if details.get("observed_value") is None and details.get("partial_missing_list"):
        extra = details.get("partial_unexpected_list") or []
        return f"observed missing values {details['partial_missing_list']}" + (
            f", unexpected values {extra}" if extra else ""
        )
    return f"observed {details.get('observed_value')!r}"


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...]"


def _examples(
    details: dict[str, Any], data: pd.DataFrame, id_column: str | None
) -> list[str]:
    """Offending values, prefixed by the row's id when the frame has one."""
    values = details.get("partial_unexpected_list") or []
    index = details.get("partial_unexpected_index_list") or []
    if (
        id_column
        and isinstance(data, pd.DataFrame)
        and id_column in data.columns
        and len(index) == len(values)
    ):
        ids = data[id_column].reindex(index).tolist()
        return [
            f"{row_id}: {_plain(value)}"
            for row_id, value in zip(ids, values, strict=True)
        ]
    return [_plain(value) for value in values]


def _plain(value: Any) -> str:
    """A value as a person reads it: no numpy wrappers, tuples as (a, b)."""
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_plain(item) for item in value) + ")"
    return repr(value.item() if hasattr(value, "item") else value)


def _exception_message(info: Any) -> str | None:
    """The exception GX caught while evaluating an expectation, if any."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for nested in info.values():
        if isinstance(nested, dict) and nested.get("raised_exception"):
            return str(nested.get("exception_message"))
    return None
