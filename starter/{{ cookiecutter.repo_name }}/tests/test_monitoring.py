"""Drift statistics on frames built here: PSI, unseen values, quarantined shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.monitoring import (
    MonitoringParams,
    compare,
    drift_reference,
    metrics,
    psi,
    quarantine_shares,
    to_html,
)
from tests.conftest import toy_contract

PARAMS = MonitoringParams()


def _rows(
    n: int, seed: int, x_mean: float = 0.0, colours: tuple[str, ...] = ("red", "blue")
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "label": rng.choice(["no", "yes"], n),
            "x": rng.normal(x_mean, 1.0, n),
            "noise": rng.normal(0.0, 1.0, n),
            "colour": rng.choice(colours, n),
        }
    )


def _predictions(frame: pd.DataFrame, shift: float = 0.0) -> pd.DataFrame:
    positive = 1.0 / (1.0 + np.exp(-(frame["x"].to_numpy() + shift)))
    return pd.DataFrame({"probability_no": 1 - positive, "probability_yes": positive})


@pytest.fixture(scope="module")
def reference() -> dict:
    train = _rows(5000, seed=1)
    return drift_reference(
        train, _predictions(train), {"rows": 0.02}, toy_contract().table, 10
    )


def test_psi_is_zero_for_equal_shares_and_grows_with_the_shift() -> None:
    shares = np.full(10, 0.1)
    assert psi(shares, shares) == 0.0
    assert (
        0.0
        < psi(shares, np.r_[0.2, np.full(9, 0.8 / 9)])
        < psi(shares, np.r_[0.5, np.full(9, 0.5 / 9)])
    )


def test_a_batch_from_the_same_distribution_is_not_flagged(reference: dict) -> None:
    batch = _rows(2000, seed=2)

    report = compare(
        reference,
        batch,
        _predictions(batch),
        {"rows": 0.03},
        toy_contract().table,
        PARAMS,
    )

    assert not report["drifted"]
    assert all(row["psi"] < PARAMS.psi_warn for row in report["features"])
    assert report["prediction"]["psi"] < PARAMS.psi_warn


def test_a_shifted_batch_is_flagged_feature_by_feature(reference: dict) -> None:
    batch = _rows(2000, seed=3, x_mean=1.0, colours=("red", "blue", "green"))

    report = compare(
        reference,
        batch,
        _predictions(batch),
        {"rows": 0.3},
        toy_contract().table,
        PARAMS,
    )

    assert report["drifted"]
    assert set(report["drifted_features"]) == {"x", "colour"}  # not noise
    colour = next(r for r in report["features"] if r["feature"] == "colour")
    assert colour["unknown_share"] == pytest.approx(1 / 3, abs=0.05)
    assert report["prediction"]["status"] == "drift"
    assert report["quarantine"]["rows"]["status"] == "drift"
    tracked = metrics(report)
    assert tracked["drift.psi.x"]["value"] >= PARAMS.psi_drift
    assert tracked["drift.unknown_share.colour"]["value"] > 0.3


def test_psi_on_a_few_rows_of_the_same_population_is_not_judged(
    reference: dict,
) -> None:
    few, seeds = 20, range(10, 20)
    reports = [
        compare(
            reference,
            batch := _rows(few, seed=seed),
            _predictions(batch),
            {"rows": 0.0},
            toy_contract().table,
            PARAMS,
        )
        for seed in seeds
    ]

    # Judged, PSI on 20 rows would call these batches drifted: it is noise there.
    assert max(r["psi"] for report in reports for r in report["features"]) > 0.25
    assert not any(report["drifted"] for report in reports)
    assert {r["status"] for report in reports for r in report["features"]} == {
        "not judged"
    }
    assert reports[0]["rows"] == few and reports[0]["psi_judged"] is False
    page = to_html(reports[0], "Drift of a small batch")
    assert "20 rows is fewer than monitoring.min_rows (200)" in page


def test_unseen_values_count_even_on_a_few_rows(reference: dict) -> None:
    batch = _rows(20, seed=5, colours=("green",))

    report = compare(
        reference,
        batch,
        _predictions(batch),
        {"rows": 0.0},
        toy_contract().table,
        PARAMS,
    )

    assert report["drifted_features"] == ["colour"]


def test_the_page_is_self_contained(reference: dict) -> None:
    batch = _rows(500, seed=4)
    page = to_html(
        compare(
            reference,
            batch,
            _predictions(batch),
            {"rows": 0.0},
            toy_contract().table,
            PARAMS,
        ),
        "Drift <of> a batch",
    )

    assert page.startswith("<!doctype html>")
    assert "Drift &lt;of&gt; a batch" in page
    assert "against the validation split's" in page
    assert "http" not in page and "<script" not in page


def test_quarantine_shares_count_rows_set_aside_per_source() -> None:
    tables = {
        "a_intermediate": pd.DataFrame(index=range(90)),
        "a_quarantine": pd.DataFrame(index=range(10)),
    }

    assert quarantine_shares(tables) == {"a": 0.1}
