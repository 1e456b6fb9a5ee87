"""The contract compiled to pandas: parse, rename, check and set rows aside.

Every value that does not parse, lies outside its range or vocabulary, or breaks a row
rule is a *reason*, never a silent missing value. Rows with a reason go to quarantine
(as received, with ``quarantine_reason``), unless the broken rule says ``fail``: then,
like a key that is not unique enough or a quarantined share over the limit, the run
stops with a :class:`ContractError` that names the contract field to change.
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml_template.contract.model import (
    ROW_ID,
    Column,
    Contract,
    RowRule,
    Source,
    normalise,
)
from ml_template.user_errors import UserError

logger = logging.getLogger(__name__)

QUARANTINE_REASON = "quarantine_reason"
CONTRACT_FILE = "conf/<env>/contract.yml"
_FLOAT32_MAX = float(np.finfo("float32").max)
_OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_SAMPLES = 5


class ContractError(UserError, ValueError):
    """Data that breaks the contract in a way no quarantine can absorb."""


@dataclass
class _Findings:
    """Reasons per row, and the rules whose action is to fail the run."""

    index: pd.Index
    contract: Contract
    source_name: str
    reasons: pd.Series = field(init=False)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reasons = pd.Series(pd.NA, index=self.index, dtype="str")

    def add(self, mask: pd.Series, reason: pd.Series | str, fail: str | None) -> None:
        """Record ``reason`` for the rows of ``mask``; ``fail`` names the field if fatal."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        if not isinstance(reason, pd.Series):
            reason = pd.Series(reason, index=self.index, dtype="str")
        text = reason[mask]
        if fail is not None:
            self.failures.append(
                f"{fail} (fail): {int(mask.sum())} rows, e.g. "
                + "; ".join(text.head(_SAMPLES))
            )
            return
        current = self.reasons[mask]
        self.reasons.loc[mask] = current.where(
            current.isna(), current + "; " + text
        ).fillna(text)


def missing_columns_message(
    dataset: str,
    source_name: str,
    source: Source,
    missing: list[str],
    present: list[str],
) -> str:
    """A missing raw column, named as the user wrote it in the contract."""
    named = {source.raw_name(c): c for c in source.columns}
    parts = [
        f"column {raw!r} declared in {CONTRACT_FILE} "
        f"(sources.{source_name}.columns.{named.get(raw, raw)}) is missing from {dataset}"
        for raw in missing
    ]
    return "; ".join(parts) + f"; present: {present}"


def clean(
    raw: pd.DataFrame,
    contract: Contract,
    source_name: str,
    max_quarantined: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type one raw source by its contract; set rows that break it aside.

    A raw entity source without its target column is unlabelled data (rows to score):
    the target's rules are left out. ``max_quarantined`` overrides the source's limit
    (the served model reports every bad row instead).

    Returns:
        The clean rows (project column names, declared types) and the quarantined rows
        as received (their index kept, to say which rows), with a
        ``quarantine_reason`` column.

    Raises:
        ContractError: A declared column is missing, undeclared columns arrived, a rule
            with ``action: fail`` (or ``invalid: fail``) is broken, or more rows than
            ``max_quarantined`` tolerates were set aside.
    """
    source = contract.sources[source_name]
    columns = _present_columns(raw, source, source_name)
    received = raw[[source.raw_name(c) for c in columns]].set_axis(
        list(columns), axis=1
    )
    text = received.apply(lambda column: _text(column, source.missing_values))
    findings = _Findings(raw.index, contract, source_name)
    typed = pd.DataFrame(
        {
            name: _parse(name, received[name], text[name], column, findings)
            for name, column in columns.items()
        },
        index=raw.index,
    )
    for rule in source.rules:
        _apply_rule(rule, typed, findings, source_name)
    _duplicates(typed, source, findings)
    if findings.failures:
        raise ContractError(
            f"{source_name}: " + "\n  ".join(["rules broken:", *findings.failures])
        )
    if not source.key:
        typed.insert(0, ROW_ID, row_ids(text))
    valid = findings.reasons.isna()
    limit = source.max_quarantined if max_quarantined is None else max_quarantined
    _check_share(source_name, source, findings.reasons, len(raw), limit)
    quarantine = raw.loc[~valid].assign(**{QUARANTINE_REASON: findings.reasons[~valid]})
    logger.info(
        "%s: kept %d rows, quarantined %d",
        source_name,
        int(valid.sum()),
        len(quarantine),
    )
    return typed.loc[valid].reset_index(drop=True), quarantine


def row_ids(text: pd.DataFrame) -> pd.Series:
    """A stable id per row: a hash of its values as received (same row, same id)."""
    hashes = pd.util.hash_pandas_object(text.fillna(""), index=False)
    return hashes.map("{:016x}".format).astype("str")


def _present_columns(
    raw: pd.DataFrame, source: Source, source_name: str
) -> dict[str, Column]:
    """The kept columns found in ``raw``; a missing target means unlabelled rows."""
    columns = dict(source.kept)
    target = source.target
    if target and source.raw_name(target) not in raw.columns:
        columns.pop(target)
    missing = [
        source.raw_name(c) for c in columns if source.raw_name(c) not in raw.columns
    ]
    if missing:
        raise ContractError(
            missing_columns_message(
                f"{source_name}_raw",
                source_name,
                source,
                missing,
                list(map(str, raw.columns)),
            )
        )
    declared = {source.raw_name(c) for c in source.columns}
    extra = [str(c) for c in raw.columns if c not in declared]
    if extra:
        raise ContractError(
            f"{source_name}_raw has columns the contract does not declare: {extra}. "
            f"Declare each under sources.{source_name}.columns in {CONTRACT_FILE} "
            "(`role: ignore` to drop it)."
        )
    return columns


def _text(values: pd.Series, missing: list[str]) -> pd.Series:
    """Each value as stripped text; the declared missing-value tokens become missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d")
    else:
        text = values.astype("str").where(values.notna())
    text = text.str.strip()
    return text.mask(text.isin(missing))


def _parse(
    name: str,
    received: pd.Series,
    text: pd.Series,
    column: Column,
    findings: _Findings,
) -> pd.Series:
    """One column in its declared type; every problem becomes a reason."""
    field_name = f"sources.{findings.source_name}.columns.{name}"
    fail = field_name if column.invalid == "fail" else None
    given = text.notna()
    if column.type == "number":
        values = _number(received, text, column)
        findings.add(
            given & values.isna(), f"{name}: not a number: '" + text + "'", fail
        )
        infinite = values.notna() & ~np.isfinite(values.fillna(0.0))
        findings.add(infinite, f"{name}: not a finite number: '" + text + "'", fail)
        huge = ~infinite & (values.abs() > _FLOAT32_MAX)
        findings.add(huge, f"{name}: too large for float32: '" + text + "'", fail)
        values = values.mask(infinite | huge)
    elif column.type == "date":
        values = _date(received, text, column)
        findings.add(
            given & values.isna(),
            f"{name}: not a date ({column.format or 'ISO 8601'}): '" + text + "'",
            fail,
        )
    elif column.type == "category":
        values = text.map(normalise).map(column.canonical).astype("str")
        findings.add(
            given & values.isna(),
            f"{name}: not in {column.values}: '" + text + "'",
            fail,
        )
    else:
        values = text.astype("str")
        if column.pattern:
            unmatched = given & ~text.str.fullmatch(column.pattern).fillna(
                False
            ).astype(bool)
            findings.add(
                unmatched,
                f"{name}: does not match '{column.pattern}': '" + text + "'",
                fail,
            )
    if column.mandatory:
        findings.add(~given, f"{name}: missing", fail)
    for bound, compare, word in (
        (column.min, operator.lt, "below"),
        (column.max, operator.gt, "above"),
    ):
        if bound is not None:
            limit = findings.contract.bound(bound)
            limit = pd.Timestamp(limit) if column.type == "date" else limit
            findings.add(
                compare(values, limit), f"{name}: {word} {bound}: '" + text + "'", fail
            )
    return values


def _number(received: pd.Series, text: pd.Series, column: Column) -> pd.Series:
    if pd.api.types.is_numeric_dtype(received) and not pd.api.types.is_bool_dtype(
        received
    ):
        return received.astype("float64")
    if column.thousands:
        text = text.str.replace(column.thousands, "", regex=False)
    if column.decimal != ".":
        text = text.str.replace(column.decimal, ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _date(received: pd.Series, text: pd.Series, column: Column) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(received):
        return received.dt.tz_localize(None) if received.dt.tz else received
    return pd.to_datetime(text, errors="coerce", format=column.format or "ISO8601")


def _apply_rule(
    rule: RowRule, typed: pd.DataFrame, findings: _Findings, source_name: str
) -> None:
    left, right = typed[rule.column], typed[rule.other]
    broken = left.notna() & right.notna() & ~_OPERATORS[rule.op](left, right)
    broken &= findings.reasons.isna()  # a row with a bad value is explained by it
    reason = (
        f"{rule.name}: {rule.column} {rule.op} {rule.other} broken: '"
        + left.astype("str")
        + " vs "
        + right.astype("str")
        + "'"
    )
    fail = f"sources.{source_name}.rules.{rule.name}" if rule.action == "fail" else None
    findings.add(broken, reason, fail)


def _duplicates(typed: pd.DataFrame, source: Source, findings: _Findings) -> None:
    """Exact copies of an earlier row, then later rows repeating a valid row's key."""
    copies = typed.duplicated(keep="first")
    findings.add(copies, "duplicate row", None)
    if source.key:
        valid = findings.reasons.isna()
        repeated = typed.loc[valid, source.key].duplicated(keep="first")
        repeated = repeated.reindex(typed.index, fill_value=False)
        findings.add(repeated, f"duplicate key {', '.join(source.key)}", None)


def _check_share(
    source_name: str, source: Source, reasons: pd.Series, total: int, limit: float
) -> None:
    """Fail when more rows were set aside than the source tolerates."""
    if total == 0:
        raise ContractError(f"{source_name}_raw has no rows.")
    share = reasons.notna().sum() / total
    if share <= limit:
        return
    found = reasons.dropna()
    causes = found.str.split("; ").explode().str.replace(r": '.*'$", "", regex=True)
    top = causes.value_counts().head(3)
    listed = ", ".join(f"{cause!r} ({count} rows)" for cause, count in top.items())
    hint = (
        f" If {source.key} is not a unique key, change sources.{source_name}.key."
        if any(str(c).startswith("duplicate key") for c in top.index)
        else ""
    )
    raise ContractError(
        f"{source_name}: {share:.1%} of {total} rows quarantined, more than "
        f"sources.{source_name}.max_quarantined ({source.max_quarantined:.1%}) in "
        f"{CONTRACT_FILE}. Most common reasons: {listed}; e.g. "
        f"{'; '.join(found.head(3))}.{hint} Nothing was written."
    )
