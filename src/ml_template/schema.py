"""The primary table's columns and roles, derived from the data contract
(:attr:`ml_template.contract.Contract.table`); features, splits, preprocessing, the
model and evaluation read it and nothing else about the user's data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DatasetSchema(BaseModel):
    """Columns of the primary table and the role each one plays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ids: list[str] = Field(min_length=1, description="Row identifiers, never features.")
    target: str = Field(description="Label column.")
    classes: list[str] = Field(min_length=2, description="Target classes, in order.")
    numeric: list[str] = Field(default_factory=list)
    categorical: dict[str, list[str]] = Field(
        default_factory=dict, description="Categorical column -> allowed values."
    )
    date: list[str] = Field(default_factory=list)
    weight: str | None = Field(
        default=None, description="Sample-weight column: how much each row counts."
    )

    @property
    def columns(self) -> list[str]:
        """Every column of the primary table, ids, target and weight first."""
        weight = [self.weight] if self.weight else []
        return [
            *self.ids, self.target, *weight,
            *self.numeric, *self.categorical, *self.date,
        ]  # fmt: skip

    @property
    def features(self) -> list[str]:
        """The model's input columns, as in the primary table."""
        return [*self.numeric, *self.categorical, *self.date]

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
