"""The dataset contract rejects configurations that cannot work, saying what to fix."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ml_template.schema import DatasetSchema, parse_primary, parse_schema, parse_source


def test_project_schema_is_valid(schema: DatasetSchema) -> None:
    assert schema.is_binary
    assert schema.columns[:2] == ["customer_id", "churned"]
    assert schema.numeric_features[-1] == "signup_date_age_days"


def test_multiclass_schema_is_accepted(de_params: dict[str, Any]) -> None:
    schema = parse_schema({**de_params["schema"], "classes": ["low", "mid", "high"]})

    assert not schema.is_binary


def test_unknown_key_is_rejected(de_params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="features"):
        parse_schema({**de_params["schema"], "features": ["age"]})


def test_a_column_with_two_roles_is_rejected(de_params: dict[str, Any]) -> None:
    schema = {**de_params["schema"], "date": ["signup_date", "age"]}

    with pytest.raises(ValidationError, match=r"\['age'\] appear twice"):
        parse_schema(schema)


def test_a_single_class_target_is_rejected(de_params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="classes"):
        parse_schema({**de_params["schema"], "classes": ["yes"]})


def test_every_source_spec_parses(de_params: dict[str, Any]) -> None:
    specs = {name: parse_source(spec) for name, spec in de_params["sources"].items()}

    assert set(specs) == {"customers", "usage", "tickets"}
    assert specs["customers"].unique == ["customer_id"]


def test_the_primary_join_parses_and_trends_need_a_time_column(
    de_params: dict[str, Any],
) -> None:
    primary = parse_primary(de_params["primary"])
    usage = de_params["primary"]["events"]["usage"]

    assert primary.events["usage"].aggregates["avg_data_gb"] == ("data_gb", "mean")
    with pytest.raises(ValidationError, match="trends need `time`"):
        parse_primary(
            {"key": "customer_id", "events": {"usage": {**usage, "time": None}}}
        )
