"""Draft a contract from a raw file: the scaffold behind ``make contract``.

Reads the file as the catalog will (text for CSV, types for Parquet), then proposes for
each column a project name (the header sanitised, the header kept as ``raw``), a type
and parse format, a vocabulary or a range with a margin, a missing-value limit, and key
candidates. What it cannot decide (a date that reads both day-first and month-first, a
comma that may be a decimal mark) is flagged ``# CHECK`` for the person editing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from {{ cookiecutter.python_package }}.contract.model import DEFAULT_MISSING, normalise

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y")
MAX_CATEGORIES = 30
_PARSED = 0.98  # share of given values that must parse for a type to be proposed
_SAMPLE = 10_000  # values a date format is tried on (the whole column is then parsed)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_FEW_CODES = 12  # whole numbers with at most this many values may be codes
_SHOWN_CODES = 8
_PADDED = r"^-?0\d"  # a number written with a leading zero: 01, 007
_WEIGHT = re.compile(r"(^|_)(weights?|wts?|wgt|pweight|perwt|hhwt|sample_weight)(_|$)")
_SENTINEL = re.compile(r"^-?9{2,}(\.0*)?$|^-1(\.0*)?$")  # -999, 9999, -1: "missing"?
_RARE_ROWS = 5  # a class or category with fewer rows (and under 1%) is flagged
_SPLIT_ROWS = 20  # fewer rows of a class than this rarely reach every split


@dataclass
class DraftColumn:
    """One proposed column: its contract fields and a comment on what was observed."""

    name: str
    fields: dict[str, Any]
    note: str
    checks: list[str] = field(default_factory=list)


def sanitise(headers: list[str]) -> list[str]:
    """Identifiers for ``headers``: lower case, ``_`` between words, unique."""
    names: list[str] = []
    for header in headers:
        name = re.sub(r"[^0-9a-zA-Z]+", "_", str(header)).strip("_").lower() or "column"
        if name[0].isdigit():
            name = f"c_{name}"
        base, suffix = name, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def draft_columns(frame: pd.DataFrame, target: str | None = None) -> list[DraftColumn]:
    """One proposal per column of ``frame``, in order; ``target`` by raw header."""
    columns = []
    for name, header in zip(sanitise(list(frame.columns)), frame.columns, strict=True):
        column = _propose(name, frame[header], is_target=header == target)
        if name != header:
            column.fields = {"raw": str(header), **column.fields}
        columns.append(column)
    return columns


def key_candidates(frame: pd.DataFrame, columns: list[DraftColumn]) -> list[str]:
    """Columns whose values are all present and all different (project names): text,
    or numbers that count rows (an exported index); not unique measurements."""
    return [
        c.name
        for c, header in zip(columns, frame.columns, strict=True)
        if (c.fields["type"] == "text" or _counts_rows(frame[header]))
        and frame[header].notna().all()
        and frame[header].is_unique
        and len(frame) > 1
    ]


def _counts_rows(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna().all() and (numbers % 1 == 0).all()
    return bool(whole and numbers.max() - numbers.min() + 1 == len(numbers))


def _propose(name: str, values: pd.Series, is_target: bool) -> DraftColumn:
    text = _text(values)
    given = text.dropna()
    missing = 1.0 - len(given) / max(len(values), 1)
    note = f"{missing:.0%} missing" if missing else "none missing"
    if is_target:
        classes = sorted({normalise(v): v for v in given}.values(), key=str)
        fields = {"type": "category", "role": "target", "values": classes}
        return DraftColumn(
            name,
            fields,
            f"target, {len(classes)} classes; {note}",
            _rare_classes(given),
        )
    if not missing and _counts_rows(given):
        fields = {"type": "text", "role": "id"}
        return DraftColumn(name, fields, "counts rows (an exported index?): an id")
    if given.nunique() == 1:
        fields = {"type": "text", "role": "ignore"}
        return DraftColumn(
            name, fields, f"constant {given.iloc[0]!r}: no feature; {note}"
        )
    for propose in (_number, _date, _category):
        column = propose(name, values, given, note)
        if column is not None:
            return _with_missing(column, missing)
    unique = given.is_unique and not missing
    role = "id" if unique else "ignore"
    return DraftColumn(
        name,
        {"type": "text", "role": role},
        f"text, {given.nunique()} distinct values; {note}",
        []
        if unique
        else ["free text is not a feature: ignored, or make it a category"],
    )


def _rare_classes(given: pd.Series) -> list[str]:
    """Target classes too rare to reach every split, which the split gate requires."""
    counts = given.map(normalise).value_counts()
    spelled = {normalise(v): v for v in given}
    return [
        f"class {spelled[str(value)]!r} has {rows} row{'s' * (rows > 1)}: the first run "
        "stops at the split gate (every class in every split). Merge it into another "
        "class in the data, or drop it from `values` (its rows are then quarantined)"
        for value, rows in counts.items()
        if rows < _SPLIT_ROWS
    ]


def _rare(counts: pd.Series, rows: int) -> list[str]:
    """Values seen in fewer than ``_RARE_ROWS`` rows and under 1% of them."""
    return [
        f"{value!r} ({count} row{'s' * (count > 1)})"
        for value, count in counts.items()
        if count < _RARE_ROWS and count < 0.01 * rows
    ]


def _text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").where(values.notna())
    text = values.astype("str").where(values.notna()).str.strip()
    return text.mask(text.isin(DEFAULT_MISSING))


def _number(
    name: str, values: pd.Series, given: pd.Series, note: str
) -> DraftColumn | None:
    if pd.api.types.is_bool_dtype(values) or given.empty:
        return None
    fields: dict[str, Any] = {"type": "number"}
    checks = []
    numbers = pd.to_numeric(given, errors="coerce")
    if numbers.notna().mean() < _PARSED:
        if (
            given.str.match(_THOUSANDS).mean() > 0
            and (numbers.notna() | given.str.match(_THOUSANDS)).mean() >= _PARSED
        ):
            fields["thousands"] = ","
            numbers = pd.to_numeric(given.str.replace(",", ""), errors="coerce")
            checks.append("',' read as a thousands separator; a decimal comma?")
        elif given.str.match(_DECIMAL_COMMA).mean() >= _PARSED:
            fields["decimal"] = ","
            numbers = pd.to_numeric(given.str.replace(",", "."), errors="coerce")
            checks.append("',' read as a decimal mark")
        else:
            return None
    unparsed = given[numbers.isna()]
    if len(unparsed):
        checks.append(f"values that are not numbers: {unparsed.unique()[:3].tolist()}")
    if numbers.nunique() <= 2 and set(numbers.dropna()) <= {0, 1}:  # noqa: PLR2004
        return DraftColumn(
            name,
            {"type": "category", "values": sorted(given.unique().tolist())},
            f"two values; {note}",
        )
    sentinels = _sentinels(given, numbers)
    kept = numbers[~given.isin(sentinels)]
    low, high = float(kept.min()), float(kept.max())
    fields |= _range(low, high)
    if sentinels:
        counts = ", ".join(f"{v} ({(given == v).sum()} rows)" for v in sentinels)
        checks.append(
            f"{counts}: a code for missing? The range leaves it out, so the first run "
            "quarantines those rows (out of range); add it to the source's "
            "`missing_values` to read it as missing"
        )
    return DraftColumn(
        name,
        fields,
        f"number, observed {float(numbers.min()):g} to {float(numbers.max()):g}; {note}",
        checks + _code_or_weight(name, given, numbers),
    )


def _sentinels(given: pd.Series, numbers: pd.Series) -> list[str]:
    """Extremes written like a missing-value code (-999, 9999, -1 below non-negative
    values) and apart from every other value."""
    found = []
    for text in sorted(given[given.str.match(_SENTINEL)].unique()):
        value = float(text)
        others = numbers[given != text].dropna()
        if others.empty:
            continue
        low, high = float(others.min()), float(others.max())
        span = (high - low) or 1.0
        if value < low - span or value > high + span or (value == -1 and low >= 0):
            found.append(text)
    return found


def _code_or_weight(name: str, given: pd.Series, numbers: pd.Series) -> list[str]:
    """What a number column may be instead: codes (few whole values, or written with
    leading zeros) or a sample weight (by its name)."""
    checks = []
    distinct = sorted(numbers.dropna().unique())
    whole = bool((numbers.dropna() % 1 == 0).all())
    padded = sorted(given[given.str.match(_PADDED)].unique())[:3]
    if padded:
        checks.append(
            f"written with leading zeros ({', '.join(padded)}): a code? Codes are a "
            "category (or text, for an id), not a quantity"
        )
    elif whole and len(distinct) <= _FEW_CODES:
        shown = [f"{v:g}" for v in distinct[:_SHOWN_CODES]]
        more = ["..."] if len(distinct) > _SHOWN_CODES else []
        checks.append(
            f"{len(distinct)} whole values ({', '.join(shown + more)}): a code or a "
            "scale? Codes name groups (a category with these values); a scale or a "
            "count stays a number"
        )
    if _WEIGHT.search(name):
        checks.append(
            "a sample weight (its name)? If it says how much the row counts (a survey "
            "weight), `role: weight` makes training and evaluation count each row by "
            "it; a measured quantity (a body weight) stays a feature"
        )
    return checks


def _range(low: float, high: float) -> dict[str, float]:
    """The observed range widened by 10% of its span (not below 0 if none was),
    rounded without ever excluding an observed value (2007 to 2009: 2007 to 2010)."""
    margin = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    lower = low - margin
    if low >= 0:
        lower = max(lower, 0.0)
    digits = 3
    while _round(lower, digits) > low or _round(high + margin, digits) < high:
        digits += 1
    return {"min": _round(lower, digits), "max": _round(high + margin, digits)}


def _round(value: float, digits: int = 3) -> float | int:
    rounded = float(f"{value:.{digits}g}")
    return int(rounded) if rounded.is_integer() else rounded


def _date(
    name: str, values: pd.Series, given: pd.Series, note: str
) -> DraftColumn | None:
    if pd.api.types.is_datetime64_any_dtype(values):
        fields = {"type": "date", "max": "as_of"}
        return DraftColumn(
            name, fields, f"date, {given.min()} to {given.max()}; {note}"
        )
    if given.empty or not given.str.contains(r"\d").all():
        return None
    sample = given.sample(min(len(given), _SAMPLE), random_state=0)
    fitting = [
        fmt
        for fmt in DATE_FORMATS
        if pd.to_datetime(sample, format=fmt, errors="coerce").notna().mean() >= _PARSED
    ]
    if not fitting:
        return None
    dates = pd.to_datetime(given, format=fitting[0], errors="coerce")
    fields = {"type": "date", "format": fitting[0], "max": "as_of"}
    checks = [f"also reads as {fitting[1:]}: which is it?"] if len(fitting) > 1 else []
    unread = given[dates.isna()]
    if len(unread):
        checks.append(
            f"{len(unread)} values do not read as {fitting[0]} (e.g. "
            f"{unread.unique()[:3].tolist()}): the first run quarantines their rows "
            "(not a date)"
        )
    span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
    return DraftColumn(name, fields, f"date, {span}; {note}", checks)


def _category(
    name: str, values: pd.Series, given: pd.Series, note: str
) -> DraftColumn | None:
    spellings: dict[str, str] = {}
    for value, _ in given.value_counts().items():
        spellings.setdefault(normalise(value), str(value))
    if (
        not spellings
        or len(spellings) > MAX_CATEGORIES
        or len(spellings) > 0.5 * len(given)
    ):
        return None
    vocabulary = sorted(spellings.values(), key=str)
    # Rare among all rows: a mostly missing column's few values are each rare.
    rare = _rare(given.map(normalise).map(spellings).value_counts(), len(values))
    return DraftColumn(
        name,
        {"type": "category", "values": vocabulary},
        f"{len(vocabulary)} categories; {note}",
        [
            f"rare: {', '.join(rare)}: kept in `values`, though the model learns "
            "little from so few rows; drop one from `values` to quarantine its rows"
        ]
        if rare
        else [],
    )


def _with_missing(column: DraftColumn, missing: float) -> DraftColumn:
    limit = _round(missing * 1.5 + 0.01)
    if missing and limit < 1:
        column.fields["max_missing"] = limit
    return column


def as_identifier(fields: dict[str, Any]) -> dict[str, Any]:
    """A key column: text (leading zeros kept) with role ``id``."""
    raw = {"raw": fields["raw"]} if "raw" in fields else {}
    return {**raw, "type": "text", "role": "id"}


def render_source(
    name: str,
    columns: list[DraftColumn],
    key: list[str],
    candidates: list[str],
    rows: int,
    join_by: list[str] | None = None,
) -> str:
    """The YAML of one source under ``sources:`` (indented for contract.yml)."""
    lines = [f"    {name}:", f"      description: {_scalar(name)}  # what one row is"]
    note = f"  # key candidates: {candidates or 'none'}" if not key else ""
    lines.append(f"      key: [{', '.join(key)}]{note}")
    lines.append(
        "      rows: "
        + flow_mapping(f"min: {max(1, rows // 10)}")
        + f"   # {rows} rows in the draft's file"
    )
    lines.append("      columns:")
    for column in columns:
        fields = ", ".join(f"{k}: {_scalar(v)}" for k, v in column.fields.items())
        lines.append(f"        {column.name}: {flow_mapping(fields)}  # {column.note}")
        lines += [f"        # CHECK {column.name}: {check}" for check in column.checks]
    if join_by:
        numeric = [c.name for c in columns if c.fields["type"] == "number"]
        lines += [
            "      join:",
            f"        by: [{', '.join(join_by)}]",
            "        aggregates:",
        ]
        lines.append(f"          n_{name}: [{join_by[0]}, size]")
        lines += [f"          avg_{c}: [{c}, mean]" for c in numeric]
    return "\n".join(lines) + "\n"


def flow_mapping(fields: str) -> str:
    """A YAML flow mapping (built by concatenation: the starter's templating reads
    doubled braces in source files as its own)."""
    return "{" + fields + "}"


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, str):
        plain = (
            re.fullmatch(r"[A-Za-z_][\w\-]*", value)
            and value.lower() not in _YAML_WORDS
        )
        return value if plain else "'" + value.replace("'", "''") + "'"
    return str(value)
