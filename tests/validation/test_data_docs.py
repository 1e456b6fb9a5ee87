"""`make docs-data`: a real run renders Great Expectations Data Docs for every gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_session

pytestmark = pytest.mark.slow


def test_data_docs_are_built_for_every_gate(project_copy: Path) -> None:
    run_session(
        project_copy,
        runtime_params={"build_data_docs": True},
        pipeline_names=["data_engineering"],
    )

    site = project_copy / "data" / "08_reporting" / "data_docs"
    index = (site / "index.html").read_text()
    for suite in ("customers_raw", "customers_intermediate", "primary_table"):
        assert suite in index
    assert list(site.glob("validations/customers_intermediate/**/*.html"))
    assert list(site.glob("expectations/train_set.html"))
