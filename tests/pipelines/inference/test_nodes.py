"""Inference nodes: rows to score checked by the contract, predictions by threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml_template.contract import Contract
from ml_template.errors import MalformedRowsError
from ml_template.pipelines.inference import nodes
from ml_template.pipelines.inference.nodes import predict, prepare_rows
from tests.conftest import KINDS, toy_contract, toy_model, toy_split

TOY = toy_contract()


@pytest.mark.parametrize("kind", KINDS)
def test_predict_labels_with_the_decision_threshold(kind: str) -> None:
    train, validation = toy_split(600, 0), toy_split(200, 1)
    model, _ = toy_model(train, validation, TOY, kind)
    rows = validation.drop(columns="label")

    sets = {"min_probability": 0.3}
    strict = predict(
        rows,
        model.with_parts(decision_threshold={"threshold": 0.9}, conformal=sets),
        TOY,
    )
    lenient = predict(
        rows,
        model.with_parts(decision_threshold={"threshold": 0.1}, conformal=sets),
        TOY,
    )

    assert list(strict.columns) == [
        "id",
        "probability_no",
        "probability_yes",
        "predicted_label",
        "prediction_set",
    ]
    both = (strict["probability_no"] >= 0.3) & (strict["probability_yes"] >= 0.3)
    assert strict["prediction_set"].map(len).eq(np.where(both, 2, 1)).all()
    assert set(strict["predicted_label"]) <= {"no", "yes"}
    assert (strict["predicted_label"] == "yes").sum() < (
        lenient["predicted_label"] == "yes"
    ).sum()
    expected = np.where(strict["probability_yes"] >= 0.9, "yes", "no")
    assert (strict["predicted_label"] == expected).all()


def _table_rows(contract: Contract) -> pd.DataFrame:
    row = {
        "customer_id": "C0000001",
        "signup_date": "2025-01-01",
        "age": "40",
        "region": "North",
        "plan": "basic",
        "contract": " One Year ",
        "payment_method": "credit-card",
        "paperless_billing": "yes",
        "tenure_months": "12",
        "monthly_charges": "30",
        "total_charges": "360",
    }
    aggregates = [c for s in contract.events.values() for c in s.join.outputs]
    row |= dict.fromkeys(aggregates, "1.5")
    return pd.DataFrame(
        [row, {**row, "customer_id": "C0000002", "age": "", "n_tickets": ""}],
        dtype="str",
    )


def test_prepare_rows_types_and_tidies(contract: Contract) -> None:
    clean = prepare_rows(_table_rows(contract), contract)

    assert clean["contract"].tolist() == ["one-year", "one-year"]
    assert clean["age"].isna().tolist() == [False, True]  # blank is missing
    assert clean["signup_date"].dtype.kind == "M"
    assert clean["avg_data_gb"].tolist() == [1.5, 1.5]
    assert np.isnan(clean["n_tickets"][1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="plan"), r"lack the columns \['plan'\]"),
        (lambda f: f.assign(colour="red"), r"unknown ones \['colour'\]"),
        (
            lambda f: f.assign(age=["x", "2"]),
            r"row 0 \(customer_id 'C0000001'\): age: not a number: 'x'",
        ),
        (
            lambda f: f.assign(age=["500", "40"]),
            r"row 0 \(customer_id 'C0000001'\): age: above 110: '500'",
        ),
        (
            lambda f: f.assign(tenure_months=["-1", "2"]),
            r"tenure_months: below 0: '-1'",
        ),
        (lambda f: f.assign(plan=["gold", "basic"]), r"plan: not in \[.*\]: 'gold'"),
        (lambda f: f.assign(signup_date=["2025-13-45", "2025-01-01"]), "not a date"),
        (
            lambda f: f.assign(monthly_charges=["inf", "1"]),
            "not a finite number: 'inf'",
        ),
        (lambda f: f.assign(age=["1e308", "1"]), "age: too large for float32: '1e308'"),
        (
            lambda f: f.assign(avg_data_gb=["1e999", "1"]),
            "avg_data_gb: not a finite number",
        ),
        (lambda f: f.assign(avg_data_gb=["-5", "1"]), "avg_data_gb: below 0: '-5'"),
        (lambda f: f.assign(n_tickets=["-3", "1"]), "n_tickets: below 0: '-3'"),
        (
            lambda f: f.assign(avg_satisfaction=["9", "1"]),
            "avg_satisfaction: above 5: '9'",
        ),
        (
            lambda f: f.assign(avg_call_minutes=[1e39, 1.0]),
            "avg_call_minutes: too large for float32: '1e[+]39'",
        ),
        (lambda f: f.assign(customer_id=["C0000001"] * 2), "duplicate"),
        (lambda f: f.assign(total_charges=["1", "360"]), "total covers a month"),
    ],
    ids=[
        "missing column",
        "unknown column",
        "unreadable number",
        "out of range",
        "negative tenure",
        "unknown category",
        "unreadable date",
        "infinite",
        "overflowing",
        "infinite aggregate",
        "negative mean of a non-negative column",
        "negative count",
        "mean above its column's range",
        "aggregate beyond float32",
        "repeated id",
        "broken row rule",
    ],
)
def test_prepare_rows_refuses_what_training_would_quarantine(
    contract: Contract, change, message: str
) -> None:
    with pytest.raises(MalformedRowsError, match=message):
        prepare_rows(change(_table_rows(contract)), contract)


def test_prepare_rows_gives_the_same_verdict_on_few_rows_and_many(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = pd.concat([_table_rows(contract)] * 3, ignore_index=True)
    rows["customer_id"] = [f"C{i:07d}" for i in range(len(rows))]
    rows.loc[1, "avg_satisfaction"] = "9"
    rows.loc[4, "age"] = "forty"
    messages = []
    for one_by_one in (100, 0):  # value by value, then by clean
        monkeypatch.setattr(nodes, "ROWS_CHECKED_ONE_BY_ONE", one_by_one)
        with pytest.raises(MalformedRowsError) as error:
            prepare_rows(rows.copy(), contract)
        messages.append(str(error.value))
        good = prepare_rows(rows.drop(index=[1, 4]).copy(), contract)
        messages.append(good.to_json(date_format="iso"))

    assert "row 1 (customer_id 'C0000001'): avg_satisfaction: above 5" in messages[0]
    assert messages[:2] == messages[2:]


def test_prepare_rows_accepts_project_names_for_renamed_columns() -> None:
    contract = toy_contract()
    raw = contract.model_dump()
    raw["sources"]["rows"]["columns"]["x"]["raw"] = "X value"
    renamed = Contract.model_validate(raw)
    rows = pd.DataFrame({"id": ["a"], "x": ["1"], "noise": ["0"], "colour": ["red"]})

    assert prepare_rows(rows, renamed)["x"].tolist() == [1.0]
    assert prepare_rows(rows.rename(columns={"x": "X value"}), renamed)[
        "x"
    ].tolist() == [1.0]
