"""Value-by-value checks give exactly :func:`clean`'s verdicts: the same clean rows, the
same quarantined rows and reasons, or the same error, on every source of the fixture,
the dirty generator's data, the mutation corpus and hand-picked awkward values."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml_template.contract import Contract, ContractError, clean
from ml_template.contract.rows import check_rows
from ml_template.synthetic import generate
from tests.contract.test_mutations import MUTATIONS

SOURCES = ("customers", "usage", "tickets")


def _outcome(check: Any, raw: pd.DataFrame, contract: Contract, source: str) -> Any:
    try:
        return check(raw.copy(), contract, source, max_quarantined=1.0)
    except ContractError as error:
        return str(error)


def assert_same_verdicts(raw: pd.DataFrame, contract: Contract, source: str) -> None:
    """Both paths return equal frames (values, dtypes, index) or the same message."""
    batch = _outcome(clean, raw, contract, source)
    rows = _outcome(check_rows, raw, contract, source)
    if isinstance(batch, str) or isinstance(rows, str):
        assert rows == batch
        return
    for by_rows, by_batch in zip(rows, batch, strict=True):
        pd.testing.assert_frame_equal(by_rows, by_batch)


@pytest.fixture(scope="module")
def dirty(contract: Contract) -> dict[str, pd.DataFrame]:
    data = generate(n_customers=300, seed=5, as_of=str(contract.as_of_date))
    return {"customers": data.customers, "usage": data.usage, "tickets": data.tickets}


def _as_read(frame: pd.DataFrame, how: str) -> pd.DataFrame:
    """``frame`` as given, or written to CSV and read back typed or as text."""
    if how == "given":
        return frame
    text = io.StringIO(frame.to_csv(index=False))
    return pd.read_csv(text, dtype="str" if how == "text" else None)


@pytest.mark.parametrize("how", ["given", "csv", "text"])
@pytest.mark.parametrize("source", SOURCES)
def test_the_dirty_generators_data(
    contract: Contract, dirty: dict[str, pd.DataFrame], source: str, how: str
) -> None:
    assert_same_verdicts(_as_read(dirty[source], how), contract, source)


FRAME_MUTATIONS = [
    name
    for name, (mutate, _) in MUTATIONS.items()
    if name not in ("empty file", "non-UTF-8 bytes", "another delimiter")
    and "Parquet" not in name
]


@pytest.mark.parametrize("mutation", FRAME_MUTATIONS)
@pytest.mark.parametrize("source", SOURCES)
def test_the_mutation_corpus(
    contract: Contract, dirty: dict[str, pd.DataFrame], source: str, mutation: str
) -> None:
    mutate, _ = MUTATIONS[mutation]
    mutated = mutate(dirty[source].head(120).copy(), source, contract)
    assert isinstance(mutated, pd.DataFrame)

    assert_same_verdicts(mutated, contract, source)


AWKWARD = [
    " 12 ", "1,000", "1e400", "1e39", "-1e39", "inf", "-Infinity", "NaN", "nan", "NA",
    "", "  ", None, np.nan, "\u0663", "1.5.2", ".5", "5.", "+3", "0x10", "1_000", "-0",
    "yes", "True", "2024-13-45", "31/12/2024", "2024-02-29", "2026-07-01",
    "Month To Month", "month_to_month", " PREMIUM ", "Prem ium", "C0000001",
    "C\u0660\u0660\u0660\u0660\u0660\u0660\u0661", "c0000001", "C00000011", True, 7, 7.5, -2, 1e39,
]  # fmt: skip


@pytest.mark.parametrize("source", SOURCES)
def test_awkward_values_in_every_column(
    contract: Contract, dirty: dict[str, pd.DataFrame], source: str
) -> None:
    frame = dirty[source].head(len(AWKWARD)).astype("object").reset_index(drop=True)
    rng = np.random.default_rng(0)
    for column in frame.columns:
        awkward = frame.copy()
        awkward[column] = AWKWARD[: len(frame)]
        assert_same_verdicts(awkward, contract, source)
        shuffled = frame.copy()
        shuffled[column] = rng.permutation(AWKWARD)[: len(frame)]
        assert_same_verdicts(shuffled.astype("str"), contract, source)


def _strict(contract: Contract, source: str) -> Contract:
    """``contract`` with every column of ``source`` failing the run when invalid and
    every rule set to fail."""
    spec = contract.sources[source].model_dump()
    for column in spec["columns"].values():
        column["invalid"] = "fail"
    for rule in spec["rules"]:
        rule["action"] = "fail"
    sources = contract.model_dump()["sources"] | {source: spec}
    return Contract.model_validate({**contract.model_dump(), "sources": sources})


@pytest.mark.parametrize("source", SOURCES)
def test_failing_rules_stop_with_the_same_message(
    contract: Contract, dirty: dict[str, pd.DataFrame], source: str
) -> None:
    assert_same_verdicts(dirty[source], _strict(contract, source), source)


@pytest.mark.parametrize("how", ["given", "text"])
def test_a_source_without_a_key_gets_the_same_row_ids(
    contract: Contract, dirty: dict[str, pd.DataFrame], how: str
) -> None:
    customers = contract.entity.model_dump() | {"key": []}
    unkeyed = Contract.model_validate(
        {"as_of_date": contract.as_of_date, "sources": {"customers": customers}}
    )

    assert_same_verdicts(_as_read(dirty["customers"], how), unkeyed, "customers")


def test_no_rows_and_a_share_over_the_limit_say_the_same(
    contract: Contract, dirty: dict[str, pd.DataFrame]
) -> None:
    customers = dirty["customers"]
    for raw in (customers.iloc[:0], customers.astype("str").head(30)):
        batch = _outcome_with_limit(clean, raw, contract)
        assert batch == _outcome_with_limit(check_rows, raw, contract)


def _outcome_with_limit(check: Any, raw: pd.DataFrame, contract: Contract) -> Any:
    mangled = raw.copy()
    if len(mangled):
        mangled.iloc[::3, 1] = "not a value"
    try:
        check(mangled, contract, "customers", max_quarantined=0.01)
    except ContractError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("thousands", "decimal"), [(",", "."), (".", ","), (" ", ",")])
def test_numbers_with_separators_and_dates_with_a_format(
    thousands: str, decimal: str
) -> None:
    contract = Contract.model_validate(
        {
            "as_of_date": "2026-06-30",
            "sources": {
                "rows": {
                    "key": ["id"],
                    "max_quarantined": 1.0,
                    "columns": {
                        "id": {"type": "text", "role": "id", "pattern": r"r\d+"},
                        "label": {
                            "type": "category",
                            "role": "target",
                            "values": ["no", "yes"],
                        },
                        "amount": {
                            "type": "number",
                            "thousands": thousands,
                            "decimal": decimal,
                            "min": 0,
                        },
                        "day": {
                            "type": "date",
                            "format": "%d/%m/%Y",
                            "max": "as_of",
                        },
                    },
                    "rules": [
                        {
                            "name": "paid",
                            "column": "amount",
                            "op": ">",
                            "other": "amount",
                        }
                    ],
                }
            },
        }
    )
    amounts = [f"4{thousands}200{decimal}5", "12", "-3", "1e3", "x", "", "7"]
    days = ["31/12/2025", "2025-12-31", "01/07/2026", "29/02/2024", "", "x", "1/1/2026"]
    raw = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(amounts))],
            "label": ["no", "yes"] * 3 + ["no"],
            "amount": amounts,
            "day": days,
        },
        dtype="str",
    )

    assert_same_verdicts(raw, contract, "rows")
