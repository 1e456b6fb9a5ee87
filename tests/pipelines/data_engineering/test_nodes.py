"""Unit tests of the data-engineering nodes on frames built in the test, with the
fixture's contract (the churn example)."""

from __future__ import annotations

import logging

import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from ml_template.contract import QUARANTINE_REASON, Contract, ContractError, frames
from ml_template.monitoring import MonitoringParams
from ml_template.pipelines.data_engineering.nodes import (
    SplitParams,
    engineer_features,
    source_cleaner,
    split_dataset,
)
from ml_template.pipelines.data_engineering.primary import build_primary_table
from tests.conftest import toy_contract

SPLIT = SplitParams(validation_fraction=0.15, test_fraction=0.15, seed=42)


def _customers_raw(**overrides: list[str]) -> pd.DataFrame:
    rows = {
        "customer_id": ["C0000001", "C0000002", "C0000003"],
        "signup_date": ["2024-01-15", "2025-03-01", "2023-07-09"],
        "age": [" 34 ", "", "61"],
        "region": ["North", "  south ", "EAST"],
        "plan": ["basic", "Premium", "standard"],
        "contract": ["Month-To-Month", "one year", "TWO-YEAR"],
        "payment_method": ["credit-card", "electronic-check", "mailed check"],
        "paperless_billing": ["yes", "No", "YES"],
        "tenure_months": ["29", "15", "35"],
        "monthly_charges": [" 30.50", "  ", "95.1 "],
        "total_charges": ["900.1", "1400", "3400.2"],
        "churned": ["No", " yes", "no"],
    }
    rows.update(overrides)
    return pd.DataFrame(rows, dtype="str")


def _clean(contract: Contract, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    relaxed = contract.model_copy(
        update={
            "sources": {
                **contract.sources,
                "customers": contract.sources["customers"].model_copy(
                    update={"max_quarantined": 1.0}
                ),
            }
        }
    )
    return source_cleaner("customers")(raw, relaxed)


def test_the_cleaning_node_is_named_for_its_source() -> None:
    assert source_cleaner("customers").__name__ == "clean_customers"


def _batch(rows: int, bad: int) -> pd.DataFrame:
    """``rows`` customers to score (no label), the first ``bad`` with an unknown plan."""
    batch = pd.concat([_customers_raw()] * (rows // 3 + 1), ignore_index=True)
    batch = batch.head(rows).drop(columns="churned")
    batch["customer_id"] = [f"C{i:07d}" for i in range(rows)]
    batch.loc[: bad - 1, "plan"] = "gold"
    return batch


def test_a_scoring_batch_keeps_its_good_rows_under_its_own_limit(
    contract: Contract,
) -> None:
    batch = _batch(23, bad=3)  # 13% of the rows: over training's 5%
    with pytest.raises(ContractError, match=r"customers\.max_quarantined \(5\.0%\)"):
        source_cleaner("customers")(batch, contract)

    kept, quarantine = source_cleaner("customers", scoring=True)(
        batch, contract, MonitoringParams()
    )

    assert kept["customer_id"].tolist() == [f"C{i:07d}" for i in range(3, 23)]
    assert quarantine["customer_id"].tolist() == ["C0000000", "C0000001", "C0000002"]
    assert quarantine[QUARANTINE_REASON].str.startswith("plan: not in").all()


def test_a_scoring_batch_past_its_limit_stops_naming_the_setting(
    contract: Contract,
) -> None:
    clean_batch = source_cleaner("customers", scoring=True)

    with pytest.raises(ContractError) as stopped:
        clean_batch(_batch(10, bad=6), contract, MonitoringParams(max_quarantined=0.5))

    assert (
        "customers: 60.0% of 10 rows quarantined, more than monitoring.max_quarantined "
        "(50.0%) in conf/<env>/parameters_monitoring.yml" in str(stopped.value)
    )


def test_clean_types_and_tidies_text(contract: Contract) -> None:
    clean, quarantine = _clean(contract, _customers_raw())

    assert quarantine.empty
    assert clean["monthly_charges"].tolist()[0] == 30.5
    assert np.isnan(clean["monthly_charges"][1])  # blank text -> missing
    assert np.isnan(clean["age"][1])
    assert clean["age"].dtype == "float64"
    assert clean["region"].tolist() == ["north", "south", "east"]
    assert clean["contract"].tolist() == ["month-to-month", "one-year", "two-year"]
    assert clean["churned"].tolist() == ["no", "yes", "no"]
    assert clean["signup_date"].dtype.kind == "M"


def test_clean_quarantines_unknown_categories_with_the_value(
    contract: Contract,
) -> None:
    raw = _customers_raw(plan=["basic", "Premium", "legacy-gold"])

    clean, quarantine = _clean(contract, raw)

    assert len(clean) == 2
    assert quarantine[QUARANTINE_REASON].tolist() == [
        "plan: not in ['basic', 'standard', 'premium']: 'legacy-gold'"
    ]


def test_clean_quarantines_invalid_rows_with_every_reason(contract: Contract) -> None:
    raw = _customers_raw(
        age=["150", "40", "33"],
        tenure_months=["-3", "12", "5"],
        signup_date=["2024-01-01", "2027-01-01", "2025-01-01"],
        churned=["no", "yes", ""],
    )

    clean, quarantine = _clean(contract, raw)

    assert clean.empty
    reasons = dict(
        zip(quarantine["customer_id"], quarantine[QUARANTINE_REASON], strict=True)
    )
    assert reasons == {
        "C0000001": "age: above 110: '150'; tenure_months: below 0: '-3'",
        "C0000002": "signup_date: above as_of: '2027-01-01'",
        "C0000003": "churned: missing",
    }
    # Quarantined rows are kept as received.
    assert quarantine["age"].tolist()[0] == "150"


def test_clean_keeps_the_first_of_duplicated_ids(contract: Contract) -> None:
    raw = _customers_raw(customer_id=["C0000001", "C0000001", "C0000003"])

    clean, quarantine = _clean(contract, raw)

    assert clean["customer_id"].tolist() == ["C0000001", "C0000003"]
    assert clean["region"].tolist()[0] == "north"
    assert quarantine[QUARANTINE_REASON].tolist() == ["duplicate key customer_id"]


def test_clean_prefers_a_valid_duplicate_over_an_invalid_one(
    contract: Contract,
) -> None:
    raw = _customers_raw(customer_id=["C0000001", "C0000001", "C0000003"])
    raw.loc[0, "tenure_months"] = "-1"

    clean, quarantine = _clean(contract, raw)

    assert clean["customer_id"].tolist() == ["C0000001", "C0000003"]
    assert clean["tenure_months"].tolist()[0] == 15
    assert quarantine[QUARANTINE_REASON].tolist() == ["tenure_months: below 0: '-1'"]


def test_clean_fails_when_total_charges_do_not_cover_a_month(
    contract: Contract,
) -> None:
    raw = _customers_raw(total_charges=["10", "1400", "3400.2"])

    with pytest.raises(ValueError, match=r"rules\.total covers a month"):
        _clean(contract, raw)


def _usage() -> pd.DataFrame:
    months = pd.to_datetime(
        ["2026-01-01", "2026-02-01", "2026-04-01", "2026-05-01", "2026-06-01"]
    )
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "X"],
            "month": months[[0, 1, 2, 3, 4]],
            "data_gb": [2.0, 2.0, 3.0, 3.0, 9.0],
            "call_minutes": [10.0, 20.0, 30.0, 40.0, 5.0],
            "dropped_calls": [0.0, 1.0, 1.0, 2.0, 9.0],
        }
    )


def test_build_primary_table_aggregates_usage_and_tickets(contract: Contract) -> None:
    customers = pd.DataFrame({"customer_id": ["A", "B"], "age": [30.0, 40.0]})
    tickets = pd.DataFrame(
        {
            "ticket_id": ["t1", "t2", "t3"],
            "customer_id": ["A", "A", "X"],
            "satisfaction": [2.0, np.nan, 5.0],
            "resolution_hours": [4.0, 8.0, 1.0],
        }
    )

    table = build_primary_table(
        customers, contract, usage=_usage(), tickets=tickets
    ).set_index("customer_id")

    assert table.index.tolist() == ["A", "B"]  # unknown customer X dropped
    assert table.loc["A", "avg_data_gb"] == 2.5
    assert table.loc["A", "data_gb_trend"] == pytest.approx(0.5)  # 3.0 recent vs 2.0
    assert table.loc["A", "avg_dropped_calls"] == 1.0
    assert table.loc["A", "n_tickets"] == 2.0
    assert table.loc["A", "avg_satisfaction"] == 2.0
    assert table.loc["A", "avg_resolution_hours"] == 6.0
    assert table.loc["B", "n_tickets"] == 0.0
    assert np.isnan(table.loc["B", "avg_data_gb"])


def _tickets(*customers: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": [f"t{i}" for i in range(len(customers))],
            "customer_id": list(customers),
            "satisfaction": [3.0] * len(customers),
            "resolution_hours": [2.0] * len(customers),
        }
    )


def _said(caplog: pytest.LogCaptureFixture, source: str) -> list[tuple[str, str]]:
    return [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.getMessage().startswith(f"{source}: ")
    ]


def test_the_join_says_how_many_keys_matched_and_warns_of_the_rest(
    contract: Contract, caplog: pytest.LogCaptureFixture
) -> None:
    customers = pd.DataFrame({"customer_id": ["A", "B"]})

    caplog.set_level(logging.INFO)
    build_primary_table(customers, contract, usage=_usage(), tickets=_tickets("A", "Z"))
    half = _said(caplog, "tickets")
    caplog.clear()
    few = _tickets(*"AB" * 5, "Z")  # one orphan row in eleven
    build_primary_table(customers, contract, usage=_usage(), tickets=few)
    tenth = _said(caplog, "tickets")

    assert half == [
        (
            "WARNING",
            "tickets: 1 of 2 rows name one of the 2 customers (by customer_id); 1 of "
            "the 2 customers have tickets rows; the rows of 1 unknown or quarantined "
            "customers are dropped (e.g. ['Z'])",
        )
    ]
    assert [level for level, _ in tenth] == ["INFO"]  # usual: not a warning
    assert tenth[0][1].startswith("tickets: 10 of 11 rows name one of the 2 customers")


def test_keys_that_do_not_join_stop_with_the_cause_not_its_consequences(
    contract: Contract,
) -> None:
    customers = pd.DataFrame({"customer_id": ["C0000001", "C0000002"]})
    by_number = _tickets("1", "2", "2")  # the same customers, written as integers

    with pytest.raises(ContractError) as stopped:
        build_primary_table(
            customers,
            contract,
            usage=_usage().assign(customer_id="C0000001"),
            tickets=by_number,
        )

    assert str(stopped.value).startswith(
        "The keys of tickets do not join customers: tickets: 0 of 3 rows name one of "
        "the 2 customers (by customer_id); 0 of the 2 customers have tickets rows. "
        "Keys of tickets, e.g. ['1', '2']; of customers, e.g. ['C0000001', 'C0000002']."
    )


def test_build_primary_table_names_sources_missing_from_the_join(
    contract: Contract,
) -> None:
    customers = pd.DataFrame({"customer_id": ["A"]})

    with pytest.raises(ValueError, match=r"event sources \['tickets', 'usage'\]"):
        build_primary_table(customers, contract, usage=_usage())


def test_a_flat_table_is_its_own_primary_table() -> None:
    rows = pd.DataFrame({"id": ["a"], "x": [1.0]})

    pd.testing.assert_frame_equal(build_primary_table(rows, toy_contract()), rows)


def test_engineer_features_adds_date_ages(contract: Contract) -> None:
    primary = pd.DataFrame(
        {"signup_date": pd.to_datetime(["2026-06-20", "2025-06-30"])}
    )

    features = engineer_features(primary, contract)

    assert features["signup_date_age_days"].tolist() == [10.0, 365.0]
    assert "signup_date_age_days" not in primary


def _features(n: int, positive_rate: float) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(n)],
            "churned": np.where(rng.random(n) < positive_rate, "yes", "no"),
            "age": rng.integers(18, 90, n).astype(float),
        }
    )


def test_split_dataset_is_stratified_disjoint_and_complete(contract: Contract) -> None:
    features = _features(2000, 0.2)

    train, validation, test = split_dataset(features, contract, SPLIT)

    for part, share in zip((train, validation, test), (0.7, 0.15, 0.15), strict=True):
        assert abs(len(part) - share * 2000) <= 2  # one row per class at most
    ids = [set(part["customer_id"]) for part in (train, validation, test)]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert set.union(*ids) == set(features["customer_id"])
    overall = (features["churned"] == "yes").mean()
    for part in (train, validation, test):
        assert (part["churned"] == "yes").mean() == pytest.approx(overall, abs=0.01)


def test_split_dataset_orders_each_class_by_its_draw_across_buckets(
    contract: Contract,
) -> None:
    features = _features(3000, 0.25)  # ~11 rows per bucket and class
    draws = frames.with_draw(
        nw.from_native(features).lazy(), ["customer_id"], SPLIT.seed, "draw"
    )
    draw = draws.collect().to_native().set_index("customer_id")["draw"]

    parts = split_dataset(features, contract, SPLIT)

    for label in ("no", "yes"):
        train, validation, test = (
            draw[part.loc[part["churned"] == label, "customer_id"]] for part in parts
        )
        assert train.max() < validation.min() <= validation.max() < test.min()
        assert len(train) == int(
            np.ceil(0.7 * (len(train) + len(validation) + len(test)))
        )


def test_split_dataset_is_deterministic_and_seeded(contract: Contract) -> None:
    features = _features(500, 0.3)

    first = split_dataset(features, contract, SPLIT)
    again = split_dataset(features, contract, SPLIT)
    other = split_dataset(features, contract, SPLIT.model_copy(update={"seed": 43}))

    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert set(first[2]["customer_id"]) != set(other[2]["customer_id"])


def test_split_dataset_depends_on_ids_not_row_order(contract: Contract) -> None:
    features = _features(500, 0.3)
    shuffled = features.sample(frac=1.0, random_state=7)

    for ordered, reordered in zip(
        split_dataset(features, contract, SPLIT),
        split_dataset(shuffled, contract, SPLIT),
        strict=True,
    ):
        pd.testing.assert_frame_equal(ordered, reordered)
        assert ordered["customer_id"].is_monotonic_increasing


def test_split_dataset_supports_multiclass_targets() -> None:
    features = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(900)],
            "label": np.repeat(["low", "mid", "high"], 300),
        }
    )

    train, validation, test = split_dataset(
        features, toy_contract(["low", "mid", "high"]), SPLIT
    )

    for part in (train, validation, test):
        shares = part["label"].value_counts(normalize=True)
        assert shares.to_dict() == pytest.approx(
            {"low": 1 / 3, "mid": 1 / 3, "high": 1 / 3}
        )
