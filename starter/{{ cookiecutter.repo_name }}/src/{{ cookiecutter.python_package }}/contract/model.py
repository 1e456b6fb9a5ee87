"""The data contract: one YAML file (``conf/<env>/contract.yml``) describes the user's
data, and everything that checks or shapes data derives from it.

Per raw source: each project column with its raw header, type and parse format, role,
vocabulary, range, pattern and missing-value limits; the key; row rules and what a
broken rule does (quarantine the row or fail the run); row-count bounds and the largest
quarantined share tolerated; and, for an event source, how it joins onto the entity.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from {{ cookiecutter.python_package }}.schema import DatasetSchema

Action = Literal["quarantine", "fail"]
Role = Literal["id", "target", "feature", "date", "weight", "ignore"]
ColumnType = Literal["number", "category", "date", "text"]
Aggregation = Literal[
    "mean", "sum", "min", "max", "median", "std", "count", "size", "nunique"
]
Comparison = Literal["<", "<=", ">", ">=", "==", "!="]

AS_OF = "as_of"
ROW_ID = "row_id"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Aggregations whose result stays within the source column's range.
RANGE_PRESERVING = ("mean", "min", "max", "median")
COUNTING = ("count", "size", "nunique")
DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]


# Python's \d, \w and \s match any script's digits, letters and spaces (pandas and
# served rows check with Python's re); Java's, which Spark uses, match ASCII only. A
# contract's pattern means the ASCII class on every route.
_ASCII_CLASSES = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \\t\\n\\r\\f\\v"}


def ascii_pattern(pattern: str) -> str:
    """``pattern`` with ``\\d``, ``\\w``, ``\\s`` (and their negations) spelled as
    explicit ASCII classes, so it matches the same text in Python's and Java's regex.

    Raises:
        ValueError: A negated class (``\\D``, ``\\W``, ``\\S``) inside brackets,
            which has no explicit spelling there.
    """
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        escaped = pattern[i + 1] if char == "\\" and i + 1 < len(pattern) else ""
        letter = escaped.lower()
        if letter in _ASCII_CLASSES:
            negated = escaped.isupper()
            if in_class and negated:
                raise ValueError(
                    f"pattern {pattern!r}: \\{escaped} inside [...] has no ASCII "
                    "spelling; write the characters it allows as a range instead"
                )
            spelled = _ASCII_CLASSES[letter]
            out.append(spelled if in_class else f"[{'^' if negated else ''}{spelled}]")
        elif escaped:
            out.append(char + escaped)
        else:
            out.append(char)
            if char == "[" and not in_class:
                in_class = True
                if pattern[i + 1 : i + 2] == "^":
                    out.append("^")
                    i += 1
                if pattern[i + 1 : i + 2] == "]":  # a literal ] first in a class
                    out.append("]")
                    i += 1
            elif char == "]" and in_class:
                in_class = False
        i += 2 if escaped else 1
    return "".join(out)


def normalise(value: Any) -> str:
    """A category as compared: trimmed, case-folded, runs of spaces/_/- as one '-'."""
    return re.sub(r"[\s_\-]+", "-", str(value).strip().lower())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rows(_Strict):
    """Bounds on the number of clean rows."""

    min: int = Field(default=1, ge=0)
    max: int | None = Field(default=None, ge=1)


class Column(_Strict):
    """One project column: where it comes from, how it parses, what is valid."""

    raw: str | None = Field(default=None, description="Header in the raw file.")
    type: ColumnType
    role: Role = "feature"
    format: str | None = Field(
        default=None,
        description="Date format (strftime, e.g. '%d/%m/%Y'); ISO if unset.",
    )
    thousands: str | None = Field(default=None, description="Thousands separator.")
    decimal: str = Field(default=".", description="Decimal mark.")
    values: list[str] | None = Field(
        default=None, description="Category vocabulary as written in the raw data."
    )
    min: int | float | dt.date | Literal["as_of"] | None = None
    max: int | float | dt.date | Literal["as_of"] | None = None
    pattern: str | None = Field(
        default=None, description="Regex every text value matches."
    )
    required: bool = False
    max_missing: float | None = Field(default=None, ge=0.0, le=1.0)
    invalid: Action = Field(
        default="quarantine",
        description="What a value breaking this column's rules does.",
    )

    @field_validator("values", mode="before")
    @classmethod
    def _values_are_text(cls, values: Any) -> Any:
        if isinstance(values, list):
            if any(isinstance(value, bool) for value in values):
                raise ValueError(
                    "YAML read a value of this vocabulary as true/false: quote words "
                    "such as 'yes', 'no', 'on', 'off' (values: ['no', 'yes'])"
                )
            return [str(value) for value in values]
        return values

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(ascii_pattern(pattern))
            except re.error as error:
                raise ValueError(
                    f"`pattern` {pattern!r} is not a regular expression: {error}"
                ) from None
        return pattern

    @model_validator(mode="after")
    def _fits_its_type(self) -> Column:
        if self.type == "category" and not self.values:
            raise ValueError("a category column needs `values` (its vocabulary)")
        if self.type != "category" and self.values is not None:
            raise ValueError(f"`values` is for category columns, not {self.type}")
        if self.values is not None:
            normalised = [normalise(value) for value in self.values]
            if len(set(normalised)) < len(normalised):
                raise ValueError(f"`values` repeat once normalised: {self.values}")
        if self.type not in ("number", "date") and (
            self.min is not None or self.max is not None
        ):
            raise ValueError(
                f"`min`/`max` are for number and date columns, not {self.type}"
            )
        if self.format is not None and self.type != "date":
            raise ValueError("`format` is for date columns")
        if self.thousands is not None and self.type != "number":
            raise ValueError("`thousands` is for number columns")
        if self.pattern is not None and self.type != "text":
            raise ValueError("`pattern` is for text columns")
        if self.role == "target" and self.type != "category":
            raise ValueError(
                "the target is a category column with its classes as `values`"
            )
        if self.type == "text" and self.role in ("feature", "target"):
            raise ValueError(
                "a text column is an id or ignored; a feature with a few values is a "
                "`category`"
            )
        if self.role == "date" and self.type != "date":
            raise ValueError("a column with role `date` has type `date`")
        if self.role == "weight" and (
            self.type != "number"
            or not isinstance(self.min, int | float)
            or self.min < 0
        ):
            raise ValueError(
                "a column with role `weight` is a `number` with `min: 0` or more "
                "(a row's weight is never negative)"
            )
        return self

    @functools.cached_property
    def matcher(self) -> str | None:
        """The regex a whole value must match, as every route checks it: the
        ``pattern`` anchored, its shorthand classes ASCII (:func:`ascii_pattern`)."""
        return None if self.pattern is None else f"^(?:{ascii_pattern(self.pattern)})$"

    @property
    def mandatory(self) -> bool:
        """Whether a missing value breaks the row (ids, targets and weights always do)."""
        return self.required or self.role in ("id", "target", "weight")

    @property
    def canonical(self) -> dict[str, str]:
        """Normalised raw spelling -> the value as declared."""
        return {normalise(value): value for value in self.values or []}


class RowRule(_Strict):
    """A comparison between two columns of a row; rows with a missing side pass."""

    name: str
    column: str
    op: Comparison
    other: str
    action: Action = "quarantine"


class Join(_Strict):
    """How an event source (many rows per entity) becomes per-entity columns."""

    by: list[str] = Field(min_length=1, description="Columns holding the entity key.")
    aggregates: dict[str, tuple[str, Aggregation]] = Field(
        default_factory=dict, description="New column -> (source column, aggregation)."
    )
    trends: dict[str, str] = Field(
        default_factory=dict,
        description="New column -> source column: mean over the recent periods of the "
        "`date` column divided by the earlier mean, minus 1.",
    )
    recent_periods: int = Field(default=3, ge=1)
    fill_missing: dict[str, float] = Field(
        default_factory=dict, description="Value for entities without events."
    )

    @field_validator("by", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def outputs(self) -> list[str]:
        """The per-entity columns this join adds."""
        return [*self.aggregates, *self.trends]


class Source(_Strict):
    """One raw source: its columns and dataset rules; a join if it is an event source."""

    description: str = ""
    key: list[str] = Field(
        default_factory=list,
        description="Unique key; empty: a stable row id is generated from each row.",
    )
    columns: dict[str, Column] = Field(min_length=1)
    rules: list[RowRule] = Field(default_factory=list)
    rows: Rows = Field(default_factory=Rows)
    max_quarantined: float = Field(default=0.05, ge=0.0, le=1.0)
    missing_values: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING))
    join: Join | None = None

    @field_validator("key", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _references_exist(self) -> Source:
        for name in self.columns:
            if not _IDENTIFIER.match(name):
                raise ValueError(
                    f"column name {name!r} is not an identifier: name it with letters, "
                    f"digits and _ and keep the file's header as `raw: {name!r}`"
                )
        known = set(self.columns)
        named = {"key": self.key}
        named |= {f"rules.{r.name}": [r.column, r.other] for r in self.rules}
        if self.join:
            named["join.by"] = self.join.by
            named |= {
                f"join.aggregates.{k}": [c]
                for k, (c, _) in self.join.aggregates.items()
            }
            named |= {f"join.trends.{k}": [c] for k, c in self.join.trends.items()}
        for field, columns in named.items():
            unknown = [c for c in columns if c not in known]
            if unknown:
                raise ValueError(
                    f"{field} names {unknown}, not among columns {sorted(known)}"
                )
        weights = [n for n, c in self.columns.items() if c.role == "weight"]
        if len(weights) > 1 or (weights and self.join):
            raise ValueError(
                f"columns {weights} have role `weight`: one column of the entity "
                "source weights its rows"
            )
        if self.join and self.join.trends and len(self.time_columns) != 1:
            raise ValueError("join.trends need exactly one column with role `date`")
        return self

    def raw_name(self, column: str) -> str:
        """The header of ``column`` in the raw file."""
        return self.columns[column].raw or column

    @property
    def kept(self) -> dict[str, Column]:
        """Columns that reach the intermediate layer (all but role `ignore`)."""
        return {n: c for n, c in self.columns.items() if c.role != "ignore"}

    @property
    def ids(self) -> list[str]:
        """The key, or the generated row id when there is none."""
        return self.key or [ROW_ID]

    @property
    def time_columns(self) -> list[str]:
        """Columns with role `date`: the time axis of events."""
        return [n for n, c in self.columns.items() if c.role == "date"]

    @property
    def target(self) -> str | None:
        """The target column, if this source has one."""
        targets = [n for n, c in self.columns.items() if c.role == "target"]
        return targets[0] if targets else None

    @property
    def weight(self) -> str | None:
        """The sample-weight column, if this source has one."""
        weights = [n for n, c in self.columns.items() if c.role == "weight"]
        return weights[0] if weights else None


class Contract(_Strict):
    """Every source of the project; exactly one entity source (the one without a join)."""

    as_of_date: dt.date = Field(description="Snapshot date: `as_of` in min/max.")
    sources: dict[str, Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_entity_one_target(self) -> Contract:
        entities = [n for n, s in self.sources.items() if s.join is None]
        if len(entities) != 1:
            raise ValueError(
                f"exactly one source has no `join` (the entity source); found {entities}"
            )
        entity = self.sources[entities[0]]
        targets = [n for n, c in entity.columns.items() if c.role == "target"]
        if len(targets) != 1:
            raise ValueError(
                f"the entity source '{entities[0]}' needs exactly one column with role "
                f"`target`; found {targets}"
            )
        if len(entity.columns[targets[0]].values or []) < 2:  # noqa: PLR2004
            raise ValueError("the target needs at least two classes in `values`")
        for name, source in self.events.items():
            if not entity.key:
                raise ValueError(
                    f"event source '{name}' joins on a key: give the entity one"
                )
            if len(source.join.by) != len(entity.key):  # type: ignore[union-attr]
                raise ValueError(
                    f"sources.{name}.join.by has {len(source.join.by)} columns; the "  # type: ignore[union-attr]
                    f"entity key {entity.key} has {len(entity.key)}"
                )
        features = self.table.columns
        repeated = sorted({c for c in features if features.count(c) > 1})
        if repeated:
            raise ValueError(f"primary-table columns named twice: {repeated}")
        return self

    @property
    def entity_name(self) -> str:
        """The source with one row per entity."""
        return next(n for n, s in self.sources.items() if s.join is None)

    @property
    def entity(self) -> Source:
        """The entity source."""
        return self.sources[self.entity_name]

    @property
    def events(self) -> dict[str, Source]:
        """Event sources, in declaration order."""
        return {n: s for n, s in self.sources.items() if s.join is not None}

    @property
    def target(self) -> str:
        """The target column."""
        return self.entity.target  # type: ignore[return-value]

    @property
    def aggregates(self) -> list[str]:
        """The primary-table columns the event sources' joins add."""
        return [c for source in self.events.values() for c in source.join.outputs]  # type: ignore[union-attr]

    @functools.cached_property
    def table(self) -> DatasetSchema:
        """The primary table: ids, target and features with their kinds."""
        entity = self.entity
        features = {n: c for n, c in entity.kept.items() if c.role == "feature"}
        return DatasetSchema(
            ids=entity.ids,
            target=self.target,
            classes=list(entity.columns[self.target].values or []),
            weight=entity.weight,
            numeric=[n for n, c in features.items() if c.type == "number"]
            + self.aggregates,
            categorical={
                n: list(c.values or [])
                for n, c in features.items()
                if c.type == "category"
            },
            date=[n for n, c in features.items() if c.type == "date"],
        )

    def bound(self, value: float | dt.date | str | None) -> Any:
        """A min/max as a comparable value (`as_of` becomes the snapshot date)."""
        return self.as_of_date if value == AS_OF else value

    def aggregate_range(self, source: Source, aggregate: str) -> tuple[Any, Any]:
        """The range an aggregate of ``source`` keeps: its number column's for a mean,
        min, max or median; from 0 for counts and sums of non-negative numbers."""
        column_name, how = source.join.aggregates[aggregate]  # type: ignore[union-attr]
        column = source.columns[column_name]
        low, high = self.bound(column.min), self.bound(column.max)
        if how in COUNTING:
            return 0, None
        if how in RANGE_PRESERVING and column.type == "number":
            return low, high
        if how == "sum" and low is not None and low >= 0:
            return 0, None
        return None, None

    @functools.cached_property
    def scored(self) -> Contract:
        """The contract of rows to score: the entity source, plus each event source's
        aggregates and trends as number columns in the ranges training checks."""
        entity = self.entity.model_dump()
        for source in self.events.values():
            join = source.join
            for name in join.aggregates:  # type: ignore[union-attr]
                low, high = self.aggregate_range(source, name)
                entity["columns"][name] = {"type": "number", "min": low, "max": high}
            for name in join.trends:  # type: ignore[union-attr]
                entity["columns"][name] = {"type": "number"}
        return Contract.model_validate(
            {"as_of_date": self.as_of_date, "sources": {self.entity_name: entity}}
        )

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Contract:
        """The contract itself: it is frozen, and the served model's runner copies its
        inputs for every request."""
        return self
