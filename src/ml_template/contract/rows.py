"""The contract checked value by value: :func:`~ml_template.contract.clean`'s verdicts
for the few rows of a served request.

On a few rows, Narwhals' cost per expression dwarfs the work: checking one row by
:func:`clean` takes some 1,700 pandas operations (about 150 ms). :func:`check_rows`
applies the same rules to each value in plain Python and returns the same clean rows,
the same quarantined rows with the same reasons, or raises the same
:class:`ContractError`; ``tests/contract/test_rows.py`` holds the two to one result
over the mutation corpus, the dirty generator's data and the serving cases. Above a few
thousand rows :func:`clean` is the faster of the two.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ml_template.contract.cleaning import (
    FINITE_NUMBER,
    FLOAT32_MAX,
    INFINITE_NUMBER,
    OPERATORS,
    QUARANTINE_REASON,
    SAMPLES,
    Tally,
    check_share,
    present_columns,
    raise_failures,
)
from ml_template.contract.frames import row_ids
from ml_template.contract.model import ROW_ID, Column, Contract, RowRule, Source

_FINITE_RE, _INFINITE_RE = re.compile(FINITE_NUMBER), re.compile(INFINITE_NUMBER)
_SEPARATORS = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class _Flag:
    """One check over the rows: where it is broken, its label and value shown."""

    label: str
    fail: str | None
    broken: list[bool]
    shown: list[str | None] | None

    @property
    def count(self) -> int:
        """The rows this check flags."""
        return sum(self.broken)

    def reason(self, row: int) -> str | None:
        """``label: 'value'`` for ``row`` (None where the value shown is missing)."""
        if self.shown is None:
            return self.label
        value = self.shown[row]
        return None if value is None else f"{self.label}: '{value}'"


class _Findings:
    """The flags of one source, in :func:`clean`'s order, and which rows stay valid."""

    def __init__(self, rows: int, source_name: str, keyed: bool) -> None:
        self.source_name, self.keyed = source_name, keyed
        self.flags: list[_Flag] = []
        self.valid = [True] * rows

    def add(
        self,
        broken: list[bool],
        label: str,
        fail: str | None,
        shown: list[str | None] | None = None,
    ) -> None:
        self.flags.append(_Flag(label, fail, broken, shown))

    def settle(self) -> None:
        """Rows flagged by a quarantining check so far are no longer valid."""
        quarantining = [f.broken for f in self.flags if f.fail is None]
        if quarantining:
            self.valid = [not any(row) for row in zip(*quarantining, strict=True)]


@dataclass(frozen=True)
class _Parsed:
    """One column: its text as received (stripped, tokens missing) and its value."""

    text: list[str | None]
    value: list[Any]
    typed: bool
    dtype: Any  # the dtype :func:`clean` gives the values

    def array(self, rows: list[int]) -> Any:
        """The values of ``rows`` as a column of :attr:`dtype`."""
        values = [self.value[row] for row in rows]
        if self.dtype == "float64":
            return np.array([math.nan if v is None else v for v in values], "float64")
        if self.dtype == "object":
            return pd.Series(values, dtype=object)
        return pd.array(values, dtype=self.dtype)


def check_rows(
    raw: pd.DataFrame,
    contract: Contract,
    source_name: str,
    max_quarantined: float | None = None,
    limit_setting: tuple[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`~ml_template.contract.clean` for a pandas DataFrame of a few rows.

    Raises:
        ContractError: As :func:`clean` does, with the same message.
    """
    source = contract.sources[source_name]
    columns = present_columns(list(raw.columns), source, source_name)
    n = len(raw)
    findings = _Findings(n, source_name, bool(source.key))
    parsed: dict[str, _Parsed] = {}
    for name, column in columns.items():
        given = _parse(raw[source.raw_name(name)], column, source.missing_values)
        parsed[name] = _check_column(name, column, given, findings, contract)
    findings.settle()
    for rule in source.rules:
        _apply_rule(rule, parsed, findings, source_name)
        findings.settle()
    _duplicates(list(columns), source, parsed, findings)
    raise_failures(
        source_name,
        [
            (flag.fail, flag.count, _samples(flag))
            for flag in findings.flags
            if flag.fail is not None and flag.count
        ],
    )
    reasons = [_reasons(findings.flags, row) for row in range(n)]
    set_aside = [row for row in range(n) if not findings.valid[row]]
    check_share(
        source_name,
        source,
        limit_setting,
        Tally(
            n,
            len(set_aside),
            [(f.label, f.count) for f in findings.flags if f.fail is None],
        ),
        lambda: [str(reasons[row]) for row in set_aside[:3]],
        source.max_quarantined if max_quarantined is None else max_quarantined,
    )
    quarantine = raw.iloc[set_aside] if set_aside else raw.iloc[:0]
    quarantine = quarantine.copy()
    quarantine[QUARANTINE_REASON] = pd.Series(
        [reasons[row] for row in set_aside], index=quarantine.index, dtype="str"
    )
    return _kept(parsed, findings.valid, source), quarantine


def _parse(series: pd.Series, column: Column, tokens: list[str]) -> _Parsed:
    """A raw column's text and value, as :func:`clean`'s ``_typed`` makes them."""
    dtype = series.dtype
    if column.type == "date" and pd.api.types.is_datetime64_any_dtype(dtype):
        times = series.dt.tz_localize(None) if series.dt.tz else series
        text = _stripped(times.dt.strftime("%Y-%m-%d").tolist(), tokens)
        return _Parsed(text, _or_none(times.tolist()), True, times.dtype)
    typed = (
        column.type == "number"
        and pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
    )
    values = series.tolist()
    text = _stripped([None if _missing(v) else str(v) for v in values], tokens)
    if typed:
        numbers = [None if _missing(v) else float(v) for v in values]
        return _Parsed(text, numbers, True, "float64")
    if column.type == "number":
        numbers = [_number(t, column) for t in text]
        return _Parsed(text, numbers, False, "float64")
    if column.type == "date":
        times = pd.to_datetime(
            pd.Series(text, dtype="str"),
            errors="coerce",
            format=column.format or "ISO8601",
        )
        return _Parsed(text, _or_none(times.tolist()), False, times.dtype)
    # Narwhals keeps a column of Python strings as it is; anything else becomes text.
    kind = (
        "object"
        if dtype == "object" and all(isinstance(v, str) or _missing(v) for v in values)
        else "str"
    )
    if column.type == "category":
        declared, canonical = set(column.values or []), column.canonical
        categories = [
            t if t is None or t in declared else _spelled(t, canonical) for t in text
        ]
        return _Parsed(text, categories, False, kind)
    return _Parsed(text, text, False, kind)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or value != value  # noqa: PLR0124 (NaN)


def _stripped(text: list[str | None], tokens: list[str]) -> list[str | None]:
    """Text stripped, and the declared missing-value tokens as missing."""
    stripped = (None if t is None else t.strip() for t in text)
    return [None if t is None or t in tokens else t for t in stripped]


def _or_none(values: list[Any]) -> list[Any]:
    return [None if _missing(v) else v for v in values]


def _and(left: list[bool], right: list[bool]) -> list[bool]:
    return [a and b for a, b in zip(left, right, strict=True)]


def _not(values: list[bool]) -> list[bool]:
    return [not value for value in values]


def _number(text: str | None, column: Column) -> float | None:
    """A number parsed from its text with the column's separators; None if it fails."""
    if text is None:
        return None
    if column.thousands:
        text = text.replace(column.thousands, "")
    if column.decimal != ".":
        text = text.replace(column.decimal, ".")
    if _FINITE_RE.search(text):
        return float(text)
    if _INFINITE_RE.search(text):
        return -math.inf if text.startswith("-") else math.inf
    return None


def _spelled(text: str, canonical: dict[str, str]) -> str | None:
    return canonical.get(_SEPARATORS.sub("-", text.lower()))


def _check_column(
    name: str,
    column: Column,
    parsed: _Parsed,
    findings: _Findings,
    contract: Contract,
) -> _Parsed:
    """:func:`clean`'s checks of one column, in its order; the value as kept."""
    field_name = f"sources.{findings.source_name}.columns.{name}"
    fail = field_name if column.invalid == "fail" else None
    text, value = parsed.text, parsed.value
    written = not parsed.typed or not findings.keyed
    given = [
        (t if written else v) is not None for t, v in zip(text, value, strict=True)
    ]
    if column.type == "number":
        known = [v is not None for v in value]
        findings.add(_and(given, _not(known)), f"{name}: not a number", fail, text)
        finite = [v is not None and math.isfinite(v) for v in value]
        findings.add(
            _and(known, _not(finite)), f"{name}: not a finite number", fail, text
        )
        huge = [f and abs(v) > FLOAT32_MAX for f, v in zip(finite, value, strict=True)]
        findings.add(huge, f"{name}: too large for float32", fail, text)
        value = [
            v if f and not h else None
            for v, f, h in zip(value, finite, huge, strict=True)
        ]
        parsed = _Parsed(text, value, parsed.typed, parsed.dtype)
    elif column.type in ("date", "category"):
        what = (
            f"not a date ({column.format or 'ISO 8601'})"
            if column.type == "date"
            else f"not in {column.values}"
        )
        missed = [v is None for v in value]
        findings.add(_and(given, missed), f"{name}: {what}", fail, text)
    elif column.pattern:
        pattern = re.compile(str(column.matcher))
        unmatched = [t is not None and not pattern.search(t) for t in text]
        findings.add(
            unmatched, f"{name}: does not match '{column.pattern}'", fail, text
        )
    if column.mandatory:
        findings.add(_not(given), f"{name}: missing", fail)
    for bound, compare, word in (
        (column.min, OPERATORS["<"], "below"),
        (column.max, OPERATORS[">"], "above"),
    ):
        if bound is not None:
            limit = contract.bound(bound)
            if column.type == "date":
                limit = pd.Timestamp(limit)
            broken = [v is not None and bool(compare(v, limit)) for v in value]
            findings.add(broken, f"{name}: {word} {bound}", fail, text)
    return parsed


def _apply_rule(
    rule: RowRule, parsed: dict[str, _Parsed], findings: _Findings, source_name: str
) -> None:
    """A comparison of two columns; a row already explained by a bad value passes."""
    left, right = parsed[rule.column], parsed[rule.other]
    compare = OPERATORS[rule.op]
    broken = [
        valid and a is not None and b is not None and not compare(a, b)
        for valid, a, b in zip(findings.valid, left.value, right.value, strict=True)
    ]
    rows = list(range(len(broken)))
    shown = (
        [
            f"{a} vs {b}"
            for a, b in zip(_as_text(left, rows), _as_text(right, rows), strict=True)
        ]
        if any(broken)
        else None
    )
    fail = f"sources.{source_name}.rules.{rule.name}" if rule.action == "fail" else None
    label = f"{rule.name}: {rule.column} {rule.op} {rule.other} broken"
    findings.add(broken, label, fail, shown)  # type: ignore[arg-type]


def _as_text(parsed: _Parsed, rows: list[int]) -> list[str]:
    """Values as pandas writes their column as text (a date column of midnights as
    days)."""
    return pd.Series(parsed.array(rows)).astype("str").tolist()


def _duplicates(
    names: list[str], source: Source, parsed: dict[str, _Parsed], findings: _Findings
) -> None:
    """Exact copies of an earlier row, then later rows repeating a valid row's key."""
    keyed = [*source.key, *(name for name in names if name not in source.key)]
    rows = list(zip(*(parsed[name].value for name in keyed), strict=True))
    seen: dict[tuple[Any, ...], int] = {}
    findings.add(
        [seen.setdefault(row, i) != i for i, row in enumerate(rows)],
        "duplicate row",
        None,
    )
    findings.settle()
    if source.key:
        keys = list(zip(*(parsed[name].value for name in source.key), strict=True))
        first: dict[tuple[Any, ...], int] = {}
        for i, key in enumerate(keys):
            if findings.valid[i]:
                first.setdefault(key, i)
        repeated = [
            valid and first.get(key, i) != i
            for i, (valid, key) in enumerate(zip(findings.valid, keys, strict=True))
        ]
        findings.add(repeated, f"duplicate key {', '.join(source.key)}", None)
        findings.settle()


def _reasons(flags: list[_Flag], row: int) -> str | None:
    parts = [f.reason(row) for f in flags if f.fail is None and f.broken[row]]
    found = [p for p in parts if p is not None]
    return "; ".join(found) if found else None


def _samples(flag: _Flag) -> list[str]:
    rows = [row for row, broken in enumerate(flag.broken) if broken][:SAMPLES]
    return [str(flag.reason(row)) for row in rows]


def _kept(
    parsed: dict[str, _Parsed], valid: list[bool], source: Source
) -> pd.DataFrame:
    """The valid rows under their project names, typed as :func:`clean` types them."""
    rows = [row for row, ok in enumerate(valid) if ok]
    kept = {name: column.array(rows) for name, column in parsed.items()}
    # The arrays are new: pandas need not copy them (its copy of an Arrow string
    # array costs more than building it, a millisecond of a served row).
    if source.key:
        return pd.DataFrame(kept, copy=False)
    texts = pd.DataFrame(
        {name: pd.array(column.text, dtype="str") for name, column in parsed.items()},
        copy=False,
    )
    ids = row_ids(texts.iloc[rows]).to_numpy()
    return pd.DataFrame({ROW_ID: pd.array(ids, dtype="str")} | kept, copy=False)
