"""Great Expectations suites: the rules the contract generates, plus hand-written extras.

What the contract cannot say (join coverage, a statistical bound) goes in
``conf/<env>/expectations/<suite>.yml``::

    primary_table:
      description: Nearly every customer has usage rows; fewer means a broken join.
      expectations:
        - expect_column_values_to_not_be_null: {column: avg_call_minutes, mostly: 0.95}

An extra that repeats a generated rule (same expectation on the same columns) is
refused: change the contract field instead, so that no rule is written twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from {{ cookiecutter.python_package }}.contract.expectations import (
    SPARK_TEXT_TYPE,
    TEXT_TYPE,
    Rule,
    generated_rules,
)
from {{ cookiecutter.python_package }}.user_errors import UserError

if TYPE_CHECKING:
    import great_expectations as gx

    from {{ cookiecutter.python_package }}.contract import Contract

EXTRAS_FILE = "conf/<env>/expectations/{suite}.yml"
_COLUMN_KEYS = ("column", "column_A", "column_B", "column_list")
_POPULATION = (
    "expect_table_row_count_to_be_between",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_distinct_values_to_equal_set",
)


class SuiteError(UserError, ValueError):
    """A hand-written suite (``conf/<env>/expectations/<suite>.yml``) that cannot be used."""


class ExtraSuite(BaseModel):
    """Hand-written expectations of one suite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    expectations: list[dict[str, dict[str, Any]]] = Field(default_factory=list)

    @field_validator("expectations")
    @classmethod
    def _one_type_per_item(
        cls, items: list[dict[str, dict[str, Any]]]
    ) -> list[dict[str, dict[str, Any]]]:
        for item in items:
            if len(item) != 1:
                raise ValueError(
                    "each expectation is a one-key mapping "
                    "'- expect_<name>: {kwargs}', got " + repr(item)
                )
        return items


def suite_rules(
    name: str,
    contract: Contract | None,
    extras: dict[str, Any] | None = None,
    without_target: bool = False,
) -> list[Rule]:
    """Every rule of suite ``name``: the contract's, then the hand-written ones.

    Raises:
        ValueError: The extras are malformed, or one repeats a generated rule.
    """
    generated = generated_rules(contract, name) if contract is not None else []
    rules = list(generated)
    if extras is not None:
        try:
            spec = ExtraSuite.model_validate(extras)
        except ValueError as exc:
            raise SuiteError(
                f"{EXTRAS_FILE.format(suite=name)} is malformed: {exc}"
            ) from exc
        source = EXTRAS_FILE.format(suite=name)
        for item in spec.expectations:
            kind, kwargs = next(iter(item.items()))
            _refuse_repeat(name, kind, kwargs, generated)
            rules.append((kind, kwargs, source))
    if without_target and contract is not None:
        target = contract.target  # by its project name, and its raw header
        rules = _without_columns(rules, {target, contract.entity.raw_name(target)})
        rules = [rule for rule in rules if not _about_the_population(rule)]
    return rules


def _about_the_population(rule: Rule) -> bool:
    """A rule on the training data as a whole (row counts, missing shares, varied
    features), which a batch of rows to score need not meet; row rules still apply."""
    kind, kwargs, _ = rule
    return kind in _POPULATION or (
        kind == "expect_column_values_to_not_be_null" and "mostly" in kwargs
    )


def _refuse_repeat(
    suite: str, kind: str, kwargs: dict[str, Any], generated: list[Rule]
) -> None:
    columns = _columns(kwargs)
    for other_kind, other_kwargs, field in generated:
        if other_kind == kind and _columns(other_kwargs) == columns:
            raise SuiteError(
                f"{EXTRAS_FILE.format(suite=suite)}: {kind} on {sorted(columns) or 'the table'} "
                f"repeats the rule the contract generates from {field}; change it there "
                "and remove it from the suite."
            )


def _columns(kwargs: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in _COLUMN_KEYS:
        value = kwargs.get(key)
        found |= (
            set(value) if isinstance(value, list) else ({value} if value else set())
        )
    return found


def _without_columns(rules: list[Rule], names: set[str]) -> list[Rule]:
    """Drop the rules on ``names`` and take them out of expected column sets."""
    kept = []
    for kind, kwargs, field in rules:
        if names & _columns(kwargs):
            continue
        if "column_set" in kwargs:
            columns = [c for c in kwargs["column_set"] if c not in names]
            kept.append((kind, {**kwargs, "column_set": columns}, field))
        else:
            kept.append((kind, kwargs, field))
    return kept


def on_spark(rules: list[Rule]) -> list[Rule]:
    """The same rules over Spark frames: a text column is Spark's StringType.

    Numbers and dates are checked against type lists that hold both backends' names;
    GX's pandas check of ``str`` does not accept a list, so text is renamed here.
    """
    return [
        (kind, {**kwargs, "type_": SPARK_TEXT_TYPE}, source)
        if kind == "expect_column_values_to_be_of_type"
        and kwargs.get("type_") == TEXT_TYPE
        else (kind, kwargs, source)
        for kind, kwargs, source in rules
    ]


def build_suite(
    name: str, rules: list[Rule], description: str = ""
) -> gx.ExpectationSuite:
    """The GX suite ``name``; each expectation's ``meta.source`` says where it comes from.

    Raises:
        ValueError: An expectation cannot be built, naming the suite and its source.
    """
    import great_expectations as gx  # noqa: PLC0415 (costs seconds: import on use)
    from great_expectations.expectations.expectation_configuration import (  # noqa: PLC0415
        ExpectationConfiguration,
    )

    expectations = []
    for kind, kwargs, source in rules:
        try:
            config = ExpectationConfiguration(
                type=kind, kwargs=dict(kwargs), meta={"source": source}
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:
            raise SuiteError(
                f"Suite '{name}': cannot build {kind}({kwargs}) from {source}: {exc}"
            ) from exc
    return gx.ExpectationSuite(
        name=name, expectations=expectations, meta={"notes": description}
    )
