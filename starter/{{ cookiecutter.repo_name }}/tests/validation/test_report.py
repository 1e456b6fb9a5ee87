"""The gate report: every gate of a run on one page that needs no network."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.validation import ValidationSession, gates
from {{ cookiecutter.python_package }}.validation.report import gate_report
from tests.conftest import run_session

_RULES = [
    {"expect_column_values_to_be_between": {"column": "age", "min_value": 0}},
    {"expect_table_row_count_to_be_between": {"min_value": 2}},
]


@pytest.fixture
def session() -> Iterator[ValidationSession]:
    extras = {name: {"expectations": _RULES} for name in ("adults", "children")}
    session = ValidationSession(contract=None, extras=extras)
    with gates(session):
        yield session


def test_a_failed_gate_is_open_with_its_sample(session: ValidationSession) -> None:
    session.validate("adults", pd.DataFrame({"age": [30, 40]}))
    session.validate("children", pd.DataFrame({"age": [-5, 7, -1]}))

    page = gate_report(session.results, "Gate report")

    assert "1 of 2 gates failed" in page
    assert '<details id="adults"><summary>' in page  # passed: closed
    assert '<details id="children" open>' in page
    assert "2 rows (66.67%), e.g. [-5, -1]" in page
    assert "expect_column_values_to_be_between(column=age, min_value=0.0)" in page
    assert "conf/&lt;env&gt;/expectations/children.yml" in page


def test_the_page_needs_nothing_from_the_network(session: ValidationSession) -> None:
    session.validate("adults", pd.DataFrame({"age": [30, 40]}))

    page = gate_report(session.results, "Gate report")

    assert "all 1 gates passed" in page
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


@pytest.mark.slow
def test_a_detailed_run_reports_every_rule_of_every_gate(project_copy: Path) -> None:
    run_session(
        project_copy,
        runtime_params={"detailed_gates": True},
        pipeline_names=["data_engineering"],
    )

    (path,) = (project_copy / "data" / "08_reporting" / "validation").glob(
        "gate_report.html/*/gate_report.html"
    )
    page = path.read_text()
    for suite in ("customers_raw", "customers_intermediate", "primary_table"):
        assert f'<details id="{suite}">' in page
    assert "all 10 gates passed" in page
    assert "observed" in page  # detailed: counts even where every rule holds
