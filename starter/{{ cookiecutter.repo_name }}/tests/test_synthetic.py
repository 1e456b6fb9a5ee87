"""The example-data generator: deterministic, dirty like real exports, honest labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.python_package }}.synthetic import generate

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def data():
    return generate(n_customers=4000, seed=3, as_of=AS_OF)


def test_same_seed_gives_identical_data() -> None:
    first, again = generate(300, 11, AS_OF), generate(300, 11, AS_OF)
    other = generate(300, 12, AS_OF)

    for name in ("customers", "usage", "tickets", "churn_probability"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert not first.customers.equals(other.customers)


def test_sources_can_be_joined_on_customer_id(data) -> None:
    known = set(data.churn_probability["customer_id"])

    assert len(known) == 4000
    assert data.usage["customer_id"].isin(known).mean() > 0.99
    assert data.tickets["customer_id"].isin(known).mean() > 0.99


def test_true_probability_is_kept_out_of_the_raw_data(data) -> None:
    for frame in (data.customers, data.usage, data.tickets):
        assert "probability_yes" not in frame.columns


def test_labels_follow_the_true_probability(data) -> None:
    labels = (
        data.customers.drop_duplicates("customer_id")
        .assign(churned=lambda f: f["churned"].str.strip().str.lower())
        .merge(data.churn_probability, on="customer_id")
        .query("churned != ''")
    )
    auc = roc_auc_score(labels["churned"] == "yes", labels["probability_yes"])

    assert 0.15 < (labels["churned"] == "yes").mean() < 0.35
    assert auc > 0.75  # the features carry real signal


def test_raw_data_has_the_dirt_of_real_exports(data) -> None:
    customers = data.customers
    charges = customers["monthly_charges"]

    assert customers["customer_id"].duplicated().sum() > 10
    assert (charges.str.strip() == "").mean() > 0.01  # blanks
    assert (charges != charges.str.strip()).mean() > 0.05  # padded numbers
    assert customers["contract"].str.contains("[A-Z]").any()  # inconsistent casing
    assert (customers["plan"] == "legacy-gold").any()  # unknown category
    assert (pd.to_numeric(customers["tenure_months"]) < 0).any()  # impossible
    assert (pd.to_datetime(customers["signup_date"]) > pd.Timestamp(AS_OF)).any()
    assert data.usage["data_gb"].isna().mean() > 0.01
    assert (data.usage["call_minutes"] < 0).any()
    assert data.usage.duplicated().any()


def test_clean_data_has_no_dirt() -> None:
    clean = generate(500, 5, AS_OF, dirt=False)

    assert not clean.customers["customer_id"].duplicated().any()
    assert (
        clean.customers["monthly_charges"]
        == clean.customers["monthly_charges"].str.strip()
    ).all()
    assert not clean.usage.isna().any().any()
    assert (clean.usage["call_minutes"] >= 0).all()


def test_generator_scales_linearly_in_rows() -> None:
    small, large = generate(1000, 1, AS_OF), generate(10000, 1, AS_OF)

    ratio = len(large.usage) / len(small.usage)
    assert ratio == pytest.approx(10, rel=0.05)
    assert np.isfinite(large.churn_probability["probability_yes"]).all()
