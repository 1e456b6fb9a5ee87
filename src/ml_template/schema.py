"""The dataset contract: one schema in ``parameters_data_engineering.yml`` drives the
generic steps (cleaning vocabularies, features, splits, gates, preprocessing)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DatasetSchema(BaseModel):
    """Columns of the primary customer table and the role each one plays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Unique row identifier, never a feature.")
    target: str = Field(description="Label column.")
    classes: list[str | int] = Field(min_length=2, description="Target classes.")
    numeric: list[str] = Field(default_factory=list)
    categorical: dict[str, list[str]] = Field(
        default_factory=dict, description="Categorical column -> allowed values."
    )
    date: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _columns_are_distinct(self) -> DatasetSchema:
        columns = self.columns
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise ValueError(
                f"schema columns must each play one role; {duplicated} appear twice. "
                "Fix data_engineering.schema in conf/base/parameters_data_engineering.yml."
            )
        return self

    @property
    def columns(self) -> list[str]:
        """Every column of the primary table, id and target first."""
        return [self.id, self.target, *self.numeric, *self.categorical, *self.date]

    @property
    def date_features(self) -> list[str]:
        """Numeric features derived from the date columns (age in days)."""
        return [f"{column}_age_days" for column in self.date]

    @property
    def numeric_features(self) -> list[str]:
        """Numeric model inputs: numeric columns plus date-derived ages."""
        return [*self.numeric, *self.date_features]

    @property
    def is_binary(self) -> bool:
        """Whether the target has exactly two classes."""
        return len(self.classes) == 2  # noqa: PLR2004


class SourceSpec(BaseModel):
    """How one raw source is cleaned and typed into the intermediate layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    numeric: list[str] = Field(default_factory=list)
    categorical: dict[str, list[str]] = Field(default_factory=dict)
    date: list[str] = Field(default_factory=list)
    required: list[str] = Field(
        default_factory=list, description="Rows missing any of these are quarantined."
    )
    unique: list[str] = Field(
        default_factory=list, description="Key; later duplicates are quarantined."
    )
    quarantine: dict[str, str] = Field(
        default_factory=dict,
        description="Reason -> pandas query selecting invalid rows (@as_of is the "
        "snapshot date).",
    )


class EventAggregates(BaseModel):
    """How one event source (many rows per entity) becomes per-entity columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aggregates: dict[str, tuple[str, str]] = Field(
        default_factory=dict,
        description="New column -> (source column, pandas aggregation: mean, sum, "
        "size, max, nunique...).",
    )
    trends: dict[str, str] = Field(
        default_factory=dict,
        description="New column -> source column whose mean over the most recent "
        "periods is compared with its earlier mean (recent / earlier - 1).",
    )
    time: str | None = Field(
        default=None, description="Period column the trends are measured over."
    )
    recent_periods: int = Field(
        default=3, ge=1, description="How many of the latest periods count as recent."
    )
    fill_missing: dict[str, float] = Field(
        default_factory=dict,
        description="Value for entities without events (e.g. a count of 0); other "
        "aggregates stay missing and are imputed by the preprocessing.",
    )

    @model_validator(mode="after")
    def _trends_need_time(self) -> EventAggregates:
        if self.trends and self.time is None:
            raise ValueError("trends need `time`, the column that orders the events")
        return self


class PrimarySpec(BaseModel):
    """How the entity source is joined with its event sources into the primary table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="Entity id shared by the entity and event sources.")
    events: dict[str, EventAggregates] = Field(
        default_factory=dict, description="Event source name -> its aggregates."
    )


def parse_schema(params: dict[str, Any]) -> DatasetSchema:
    """Validate the ``schema`` parameters, with an error that says what to fix."""
    return DatasetSchema.model_validate(params)


def parse_source(params: dict[str, Any]) -> SourceSpec:
    """Validate one ``sources.<name>`` parameters block."""
    return SourceSpec.model_validate(params)


def parse_primary(params: dict[str, Any]) -> PrimarySpec:
    """Validate the ``primary`` parameters (the join into the primary table)."""
    return PrimarySpec.model_validate(params)
