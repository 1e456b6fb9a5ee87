"""The synthetic pipeline writes the raw sources where the catalog reads them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_synthetic_run_writes_the_raw_sources(tiny_project: Path) -> None:
    raw = tiny_project / "data" / "01_raw"

    customers = pd.read_csv(raw / "customers.csv", dtype=str, keep_default_na=False)
    truth = pd.read_parquet(raw / "ground_truth" / "true_probabilities.parquet")

    assert customers["customer_id"].nunique() == 600  # conf/test: n_customers
    assert len(truth) == 600
    assert (raw / "usage.parquet").exists()
    assert (raw / "support_tickets.csv").exists()
