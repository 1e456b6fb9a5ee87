"""The contract compiled to Narwhals: parse, rename, check and set rows aside.

Every value that does not parse, lies outside its range or vocabulary, or breaks a row
rule is a *reason*, never a silent missing value. Rows with a reason go to quarantine
(as received, with ``quarantine_reason``), unless the broken rule says ``fail``: then,
like a key that is not unique enough or a quarantined share over the limit, the run
stops with a :class:`ContractError` that names the contract field to change.

One implementation serves pandas and PySpark: each rule is a Narwhals expression, and
the few steps that differ per backend live in :mod:`{{ cookiecutter.python_package }}.contract.frames`.
"""

from __future__ import annotations

import logging
import operator
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import narwhals as nw
import numpy as np
import pandas as pd
from narwhals.typing import IntoFrame

from {{ cookiecutter.python_package }}.contract import frames
from {{ cookiecutter.python_package }}.contract.frames import POSITION
from {{ cookiecutter.python_package }}.contract.model import ROW_ID, Column, Contract, RowRule, Source
from {{ cookiecutter.python_package }}.user_errors import UserError

logger = logging.getLogger(__name__)

QUARANTINE_REASON = "quarantine_reason"
CONTRACT_FILE = "conf/<env>/contract.yml"
# What a run that stops leaves behind: it saved versions, but never commits them.
NOT_COMMITTED = (
    "The run stopped before committing: what it saved is never read by later runs "
    "(`make prune` removes it)."
)
FLOAT32_MAX = float(np.finfo("float32").max)
OPERATORS: dict[str, Callable[[Any, Any], nw.Expr]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
SAMPLES = 5
# The number grammar, the same on every backend (separators removed first).
FINITE_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
INFINITE_NUMBER = r"(?i)^[+-]?inf(?:inity)?$"
_VALID = "__valid__"
_ROWS = "__rows__"
_SET_ASIDE = "__set_aside__"
_FIRST_VALID = "__first_valid__"

Frame = TypeVar("Frame", bound=IntoFrame)


class ContractError(UserError, ValueError):
    """Data that breaks the contract in a way no quarantine can absorb."""


def _text(name: str) -> str:
    return f"__text__{name}"


def _value(name: str) -> str:
    return f"__value__{name}"


@dataclass(frozen=True)
class _Check:
    """One rule: its flag column (true where broken), its reason, whether it is fatal."""

    column: str
    label: str
    fail: str | None
    shown: nw.Expr | None

    @property
    def reason(self) -> nw.Expr:
        """``label: 'value as received'`` (or the label alone), for a broken row."""
        if self.shown is None:
            return nw.lit(self.label)
        return nw.concat_str([nw.lit(f"{self.label}: '"), self.shown, nw.lit("'")])


@dataclass
class _Findings:
    """The checks of one source, added stage by stage to a lazy frame as flags.

    Flags are cheap on every backend; reason texts are written for the rows set aside
    only (see :func:`_with_reasons`).
    """

    frame: nw.LazyFrame[Any]
    source_name: str
    texts: dict[str, nw.Expr]  # each column as received, as text (see _typed)
    written: set[str]  # the columns whose text is a column of the frame
    checks: list[_Check] = field(default_factory=list)
    pending: dict[str, nw.Expr] = field(default_factory=dict)
    replacements: dict[str, nw.Expr] = field(default_factory=dict)

    def add(
        self, mask: nw.Expr, label: str, fail: str | None, shown: nw.Expr | None = None
    ) -> None:
        """Flag the rows of ``mask`` with ``label: 'shown'`` (``fail``: fatal)."""
        column = f"__check{len(self.checks)}__"
        self.pending[column] = nw.when(mask).then(nw.lit(True)).otherwise(nw.lit(False))
        self.checks.append(_Check(column, label, fail, shown))

    def replace(self, column: str, value: nw.Expr) -> None:
        """Set ``column`` to ``value`` once the pending checks are computed."""
        self.replacements[column] = value

    def settle(self) -> None:
        """Compute the pending flags, then whether each row is still valid."""
        quarantining = [
            nw.col(c.column)
            for c in self.checks
            if c.column in self.pending and c.fail is None
        ]
        if self.pending:
            self.frame = self.frame.with_columns(**self.pending)
        if self.replacements:
            self.frame = self.frame.with_columns(**self.replacements)
        self.pending, self.replacements = {}, {}
        valid = (
            ~nw.any_horizontal(*quarantining, ignore_nulls=True)
            if quarantining
            else nw.lit(True)
        )
        if _VALID in self.frame.collect_schema():
            valid = nw.col(_VALID) & valid
        self.frame = self.frame.with_columns(valid.alias(_VALID))

    @property
    def valid(self) -> nw.Expr:
        """Rows without a reason so far (as of the last :meth:`settle`)."""
        return nw.col(_VALID)


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
    raw: Frame,
    contract: Contract,
    source_name: str,
    max_quarantined: float | None = None,
    limit_setting: tuple[str, str] | None = None,
) -> tuple[Frame, Frame]:
    """Type one raw source by its contract; set rows that break it aside.

    ``raw`` is a pandas or a PySpark DataFrame; the results are of the same kind. A raw
    entity source without its target column is unlabelled data (rows to score): the
    target's rules are left out. ``max_quarantined`` overrides the source's limit
    (batch scoring has its own; the served model reports every bad row instead), and
    ``limit_setting`` names its field and file.

    Returns:
        The clean rows (project column names, declared types) and the quarantined rows
        as received with a ``quarantine_reason`` column (pandas: their index kept, to
        say which rows).

    Raises:
        ContractError: A declared column is missing, undeclared columns arrived, a rule
            with ``action: fail`` (or ``invalid: fail``) is broken, or more rows than
            ``max_quarantined`` tolerates were set aside.
    """
    source = contract.sources[source_name]
    given: nw.DataFrame[Any] | nw.LazyFrame[Any] = nw.from_native(raw)
    columns = present_columns(given.columns, source, source_name)
    frame, texts, written = _typed(given, source, columns)
    findings = _Findings(frame, source_name, texts, written)
    for name, column in columns.items():
        _check_column(name, column, findings, contract)
    findings.settle()
    for rule in source.rules:
        _apply_rule(rule, findings, source_name)
        findings.settle()
    _duplicates(list(columns), source, findings)
    checked = frames.computed(findings.frame)
    counts = _counts(checked, findings.checks)
    _raise_failures(checked, findings.checks, counts, source_name)
    quarantine = _with_reasons(checked.filter(~findings.valid), findings.checks).select(
        POSITION, *given.columns, QUARANTINE_REASON
    )
    limit = source.max_quarantined if max_quarantined is None else max_quarantined
    check_share(
        source_name,
        source,
        limit_setting,
        Tally(
            counts[_ROWS],
            counts[_SET_ASIDE],
            [(c.label, counts[c.column]) for c in findings.checks if c.fail is None],
        ),
        lambda: _samples(quarantine, nw.col(QUARANTINE_REASON), 3),
        limit,
    )
    logger.info(
        "%s: kept %d rows, quarantined %d",
        source_name,
        counts[_ROWS] - counts[_SET_ASIDE],
        counts[_SET_ASIDE],
    )
    if not source.key:
        checked = frames.with_row_ids(checked, [_text(c) for c in columns], ROW_ID)
    kept = checked.filter(findings.valid).select(
        *([nw.col(ROW_ID)] if not source.key else []),
        *(nw.col(_value(name)).alias(name) for name in columns),
    )
    if isinstance(raw, pd.DataFrame):
        return _as_pandas(raw, kept, quarantine)  # type: ignore[return-value]
    return kept.to_native(), quarantine.drop(POSITION).to_native()


def _with_reasons(rows: nw.LazyFrame[Any], checks: list[_Check]) -> nw.LazyFrame[Any]:
    """``rows`` with ``quarantine_reason``: the reasons of every check that flags them."""
    reasons = [
        nw.when(nw.col(check.column)).then(check.reason)
        for check in checks
        if check.fail is None
    ]
    return rows.with_columns(
        nw.concat_str(reasons, separator="; ", ignore_nulls=True).alias(
            QUARANTINE_REASON
        )
    )


def _as_pandas(
    raw: pd.DataFrame, kept: nw.LazyFrame[Any], quarantine: nw.LazyFrame[Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """pandas results: the clean rows renumbered, the quarantine on ``raw``'s index."""
    rows = quarantine.collect().to_native()
    rows.index = raw.index[rows.pop(POSITION).to_numpy()]
    return kept.collect().to_native().reset_index(drop=True), rows


def present_columns(
    raw_columns: list[str], source: Source, source_name: str
) -> dict[str, Column]:
    """The kept columns found in ``raw``; a missing target means unlabelled rows,
    which need no sample weight either."""
    columns = dict(source.kept)
    target = source.target
    if target and source.raw_name(target) not in raw_columns:
        columns.pop(target)
        if source.weight and source.raw_name(source.weight) not in raw_columns:
            columns.pop(source.weight)
    missing = [
        source.raw_name(c) for c in columns if source.raw_name(c) not in raw_columns
    ]
    if missing:
        raise ContractError(
            missing_columns_message(
                f"{source_name}_raw",
                source_name,
                source,
                missing,
                list(map(str, raw_columns)),
            )
        )
    declared = {source.raw_name(c) for c in source.columns}
    extra = [str(c) for c in raw_columns if c not in declared]
    if extra:
        raise ContractError(
            f"{source_name}_raw has columns the contract does not declare: {extra}. "
            f"Declare each under sources.{source_name}.columns in {CONTRACT_FILE} "
            "(`role: ignore` to drop it)."
        )
    return columns


def _typed(
    given: nw.DataFrame[Any] | nw.LazyFrame[Any],
    source: Source,
    columns: dict[str, Column],
) -> tuple[nw.LazyFrame[Any], dict[str, nw.Expr], set[str]]:
    """``given`` with each column typed (``__value__<name>``), and its text.

    Numbers and dates that arrive typed (Parquet, Spark) are kept as they are; their
    text is only written for the rows a reason shows (it is an expression). Text is
    stripped, the declared missing-value tokens become missing (``__text__<name>``),
    and it is parsed. A source without a key hashes every column's text for row ids.
    """
    schema = given.collect_schema()
    raw = {name: source.raw_name(name) for name in columns}
    typed = {
        name
        for name, column in columns.items()
        if (column.type == "number" and schema[raw[name]].is_numeric())
        or (column.type == "date" and schema[raw[name]] in (nw.Datetime, nw.Date))
    }
    texts = {
        name: _as_text(nw.col(raw[name]), schema[raw[name]]).pipe(
            _without_tokens, source.missing_values
        )
        for name in columns
    }
    written = {name for name in columns if name not in typed or not source.key}
    frame = frames.with_positions(given).with_columns(
        texts[name].alias(_text(name)) for name in columns if name in written
    )
    texts.update({name: nw.col(_text(name)) for name in written})
    values = [
        (
            _from_typed(nw.col(raw[name]), schema[raw[name]])
            if name in typed
            else _from_text(nw.col(_text(name)), column)
        ).alias(_value(name))
        for name, column in columns.items()
        if column.type != "date" or name in typed
    ]
    if values:
        frame = frame.with_columns(values)
    frame = frames.parse_dates(
        frame,
        {
            _value(name): (_text(name), column.format)
            for name, column in columns.items()
            if column.type == "date" and name not in typed
        },
    )
    return frame, texts, written


def _as_text(values: nw.Expr, dtype: Any) -> nw.Expr:
    """A raw column as stripped text (dates as ISO days); missing stays missing."""
    if dtype in (nw.Datetime, nw.Date):
        return values.dt.to_string("%Y-%m-%d")
    return (values if dtype == nw.String else values.cast(nw.String)).str.strip_chars()


def _without_tokens(text: nw.Expr, tokens: list[str]) -> nw.Expr:
    """The declared missing-value tokens (``NA``, ``null``...) as missing."""
    return nw.when(~text.is_in(tokens)).then(text)


def _from_typed(values: nw.Expr, dtype: Any) -> nw.Expr:
    """A number or date column that arrived typed: floats, and dates without zone."""
    if dtype == nw.Date:
        return values.cast(nw.Datetime("us"))
    if dtype == nw.Datetime:
        return values.dt.replace_time_zone(None) if dtype.time_zone else values
    return values.cast(nw.Float64)


def _from_text(text: nw.Expr, column: Column) -> nw.Expr:
    """A number, category or text column parsed from its text; what fails is missing."""
    if column.type == "number":
        if column.thousands:
            text = text.str.replace_all(column.thousands, "", literal=True)
        if column.decimal != ".":
            text = text.str.replace_all(column.decimal, ".", literal=True)
        sign = nw.when(text.str.starts_with("-")).then(-1.0).otherwise(1.0)
        return nw.coalesce(
            nw.when(text.str.contains(FINITE_NUMBER)).then(text).cast(nw.Float64),
            nw.when(text.str.contains(INFINITE_NUMBER)).then(sign * np.inf),
        )
    if column.type == "category":
        canonical = column.canonical
        spelled = (
            text.str.to_lowercase()
            .str.replace_all(r"[\s_\-]+", "-")
            .replace_strict(
                list(canonical),
                list(canonical.values()),
                default=None,
                return_dtype=nw.String,
            )
        )
        # A value written as declared is itself (values are unique once normalised);
        # Spark then normalises only the other spellings.
        declared = list(canonical.values())
        return nw.when(text.is_in(declared)).then(text).otherwise(spelled)
    return text


def _check_column(
    name: str, column: Column, findings: _Findings, contract: Contract
) -> None:
    """Every problem of one column becomes a reason (or a failure: ``invalid: fail``)."""
    field_name = f"sources.{findings.source_name}.columns.{name}"
    fail = field_name if column.invalid == "fail" else None
    text, value = findings.texts[name], nw.col(_value(name))
    # Typed input has no text column: a value is given where it is not missing.
    given = ~(text if name in findings.written else value).is_null()
    if column.type == "number":
        findings.add(given & value.is_null(), f"{name}: not a number", fail, text)
        infinite = ~value.is_null() & ~value.is_finite()
        findings.add(infinite, f"{name}: not a finite number", fail, text)
        huge = value.is_finite() & (value.abs() > FLOAT32_MAX)
        findings.add(huge, f"{name}: too large for float32", fail, text)
        value = nw.when(value.is_finite() & (value.abs() <= FLOAT32_MAX)).then(value)
        findings.replace(_value(name), value)
    elif column.type == "date":
        spelled = column.format or "ISO 8601"
        findings.add(
            given & value.is_null(), f"{name}: not a date ({spelled})", fail, text
        )
    elif column.type == "category":
        findings.add(
            given & value.is_null(), f"{name}: not in {column.values}", fail, text
        )
    elif column.pattern:
        unmatched = given & ~text.str.contains(str(column.matcher))
        findings.add(
            unmatched, f"{name}: does not match '{column.pattern}'", fail, text
        )
    if column.mandatory:
        findings.add(~given, f"{name}: missing", fail)
    for bound, compare, word in (
        (column.min, operator.lt, "below"),
        (column.max, operator.gt, "above"),
    ):
        if bound is not None:
            limit = contract.bound(bound)
            if column.type == "date":
                limit = pd.Timestamp(limit).to_pydatetime()
            findings.add(
                compare(value, nw.lit(limit)), f"{name}: {word} {bound}", fail, text
            )


def _apply_rule(rule: RowRule, findings: _Findings, source_name: str) -> None:
    """A comparison of two columns; a row already explained by a bad value passes."""
    left, right = nw.col(_value(rule.column)), nw.col(_value(rule.other))
    broken = (
        ~left.is_null()
        & ~right.is_null()
        & ~OPERATORS[rule.op](left, right)
        & findings.valid
    )
    shown = nw.concat_str([left.cast(nw.String), nw.lit(" vs "), right.cast(nw.String)])
    fail = f"sources.{source_name}.rules.{rule.name}" if rule.action == "fail" else None
    label = f"{rule.name}: {rule.column} {rule.op} {rule.other} broken"
    findings.add(broken, label, fail, shown)


def _duplicates(names: list[str], source: Source, findings: _Findings) -> None:
    """Exact copies of an earlier row, then later rows repeating a valid row's key.

    Both windows are partitioned by the key first: on Spark, once the rows are
    clustered by the key, neither needs another shuffle and the second no sort.
    """
    position = nw.col(POSITION)
    keyed = [*source.key, *(name for name in names if name not in source.key)]
    if source.key:
        findings.frame = frames.clustered(findings.frame, list(map(_value, source.key)))
    first = position.min().over(*map(_value, keyed))
    findings.add(position != first, "duplicate row", None)
    findings.settle()
    if source.key:
        findings.frame = findings.frame.with_columns(
            nw.when(findings.valid).then(position).alias(_FIRST_VALID)
        )
        first_valid = nw.col(_FIRST_VALID).min().over(*map(_value, source.key))
        repeated = findings.valid & (position != first_valid)
        findings.add(repeated, f"duplicate key {', '.join(source.key)}", None)
        findings.settle()


def _counts(frame: nw.LazyFrame[Any], checks: list[_Check]) -> dict[str, int]:
    """Rows in all, rows set aside, and rows flagged by each check."""
    row = frame.select(
        nw.len().alias(_ROWS),
        (~nw.col(_VALID)).cast(nw.Int64).sum().alias(_SET_ASIDE),
        *(nw.col(check.column).cast(nw.Int64).sum() for check in checks),
    ).collect()
    return {name: int(row[name][0] or 0) for name in row.columns}


def _samples(frame: nw.LazyFrame[Any], text: nw.Expr, n: int) -> list[str]:
    """The first ``n`` values of ``text`` over ``frame``, in row order."""
    found = frame.sort(POSITION).head(n).select(text.alias("sample")).collect()
    return [str(value) for value in found["sample"].to_list()]


def _raise_failures(
    frame: nw.LazyFrame[Any],
    checks: list[_Check],
    counts: dict[str, int],
    source_name: str,
) -> None:
    """Stop the run when a rule whose action is ``fail`` is broken."""
    raise_failures(
        source_name,
        [
            (
                check.fail,
                counts[check.column],
                _samples(frame.filter(nw.col(check.column)), check.reason, SAMPLES),
            )
            for check in checks
            if check.fail is not None and counts[check.column]
        ],
    )


def raise_failures(source_name: str, broken: list[tuple[str, int, list[str]]]) -> None:
    """Stop the run when rules whose action is ``fail`` are broken: each as its
    contract field, the rows breaking it and the first reasons."""
    failures = [
        f"{field} (fail): {rows} rows, e.g. " + "; ".join(samples)
        for field, rows, samples in broken
    ]
    if failures:
        raise ContractError(
            f"{source_name}: " + "\n  ".join(["rules broken:", *failures])
        )


class Tally(NamedTuple):
    """Rows in all, rows set aside, and each quarantining check's label and rows."""

    total: int
    set_aside: int
    causes: list[tuple[str, int]]


def check_share(
    source_name: str,
    source: Source,
    setting: tuple[str, str] | None,
    tally: Tally,
    samples: Callable[[], list[str]],
    limit: float,
) -> None:
    """Fail when more rows were set aside than ``limit`` tolerates (``setting``: its
    field and file, default the source's ``max_quarantined`` in the contract;
    ``samples`` gives the first reasons, asked only when the run stops)."""
    total, set_aside, causes = tally
    if total == 0:
        raise ContractError(f"{source_name}_raw has no rows.")
    share = set_aside / total
    if share <= limit:
        return
    field, file = setting or (f"sources.{source_name}.max_quarantined", CONTRACT_FILE)
    counted: Counter[str] = Counter()
    for label, rows in causes:
        if rows:
            counted[label] += rows
    top = counted.most_common(3)
    listed = ", ".join(f"{cause!r} ({count} rows)" for cause, count in top)
    shown = samples()
    hints = [h for cause, _ in top if (h := _fix(source_name, source, cause, shown))]
    raise ContractError(
        f"{source_name}: {share:.1%} of {total} rows quarantined, more than {field} "
        f"({limit:.1%}) in {file}. Most common reasons: {listed}; e.g. "
        f"{'; '.join(shown)}.{''.join(' ' + h for h in hints)} {NOT_COMMITTED}"
    )


# A number written with a thousands separator (and maybe a decimal mark after it).
_GROUPED = re.compile(
    r"^[+-]?\d{1,3}(?P<sep>[,.' \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d+)?$"
)


def _fix(source_name: str, source: Source, cause: str, shown: list[str]) -> str:
    """The contract field that would fix a dominant reason, when one can be named."""
    if cause.startswith("duplicate key"):
        return f"If {source.key} is not a unique key, change sources.{source_name}.key."
    column, _, problem = cause.partition(": ")
    field = f"sources.{source_name}.columns.{column}"
    values = [
        part.removeprefix(f"{cause}: ").strip("'")
        for text in shown
        for part in text.split("; ")
        if part.startswith(f"{cause}: ")
    ]
    if problem == "not a number":
        grouped = [m for v in values if (m := _GROUPED.match(v.strip()))]
        if grouped:
            separator = grouped[0]["sep"]
            decimal = "," if separator == "." else "."
            mark = f", {field}.decimal: {decimal!r}" if decimal == "," else ""
            return (
                f"These look like numbers with a thousands separator: set "
                f"{field}.thousands: {separator!r}{mark}."
            )
        return (
            f"If these are numbers written another way, set {field}.thousands or "
            f"{field}.decimal."
        )
    if problem.startswith("not a date"):
        return f"If these are dates in another format, set {field}.format (e.g. '%d/%m/%Y')."
    return ""
