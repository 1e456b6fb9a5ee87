"""Deterministic generator of the example churn data, at any size.

Three raw sources must be joined: a customers CSV, a monthly usage Parquet table and a
support tickets CSV. The label comes from a known logistic model of the customers'
features with non-linear effects and an interaction (:func:`churn_logit`), so the best
achievable score is known: the generator
returns each customer's true churn probability separately, never inside the raw data.
The raw files carry the dirt that real exports have; :func:`add_dirt` documents it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REGIONS = ("north", "south", "east", "west", "central")
PLANS = ("basic", "standard", "premium")
CONTRACTS = ("month-to-month", "one-year", "two-year")
PAYMENT_METHODS = ("credit-card", "bank-transfer", "electronic-check", "mailed-check")
TICKET_CATEGORIES = ("billing", "technical", "service", "other")
TARGET = "churned"
CHURNED = "yes"  # the positive class
USAGE_MONTHS = 6
TICKET_WINDOW_DAYS = 180
_PLAN_PRICE = np.array([30.0, 60.0, 95.0])
_INTERCEPT = -1.2
_DROPPED_CALLS_STEP = 1.5  # dropped calls a month past which churn jumps
_GB_WORTH = 8.0  # what a customer thinks a GB a month is worth
_BASE_WORTH = 30.0  # and the service without data


@dataclass(frozen=True)
class SyntheticData:
    """The raw sources as received, plus the generator's ground truth (each customer's
    id and true ``probability_yes`` of churn, the format evaluation's oracle reads)."""

    customers: pd.DataFrame
    usage: pd.DataFrame
    tickets: pd.DataFrame
    churn_probability: pd.DataFrame


def generate(
    n_customers: int,
    seed: int,
    as_of: str,
    dirt: bool = True,
    first_id: int = 1,
    shift: float = 0.0,
) -> SyntheticData:
    """Generate ``n_customers`` customers with their usage, tickets and churn labels.

    Args:
        n_customers: Number of distinct customers (before duplicated rows are added).
        seed: Seed of the random generator; the same seed gives the same data.
        as_of: Snapshot date (ISO format); usage and tickets precede it.
        dirt: Whether to add the dirt of real raw exports (see :func:`add_dirt`).
        first_id: Number of the first customer id, so that batches of new customers
            never collide with earlier ones.
        shift: A population shift, for drift monitoring: 0 is the training population;
            1 makes customers about 12 years older, charges 25% higher, month-to-month
            contracts and dropped calls more frequent (the same random draws otherwise).

    Returns:
        The three raw sources and the true churn probability of each customer.
    """
    rng = np.random.default_rng(seed)
    snapshot = pd.Timestamp(as_of)
    customers = _customers(rng, n_customers, snapshot, first_id, shift)
    usage = _usage(rng, customers, snapshot, shift)
    tickets = _tickets(rng, customers, snapshot)
    probability = 1.0 / (1.0 + np.exp(-churn_logit(customers, usage)))
    churned = rng.random(n_customers) < probability
    customers = customers.assign(**{TARGET: np.where(churned, CHURNED, "no")})
    truth = pd.DataFrame(
        {"customer_id": customers["customer_id"], f"probability_{CHURNED}": probability}
    )
    if dirt:
        customers, usage, tickets = add_dirt(rng, customers, usage, tickets, snapshot)
    else:
        customers, tickets = _as_text(customers), _as_text(tickets)
    return SyntheticData(customers, usage, tickets, truth)


def _customers(
    rng: np.random.Generator,
    n: int,
    snapshot: pd.Timestamp,
    first_id: int,
    shift: float,
) -> pd.DataFrame:
    tenure = np.minimum(rng.exponential(22.0, n).astype(int), 72)
    plan = rng.choice(len(PLANS), n, p=[0.45, 0.35, 0.2])
    monthly = np.round(
        (_PLAN_PRICE[plan] + rng.normal(0.0, 8.0, n)) * (1.0 + 0.25 * shift), 2
    ).clip(10.0)
    contracts = np.array([0.55 + 0.3 * shift, 0.25, 0.2])
    days = tenure * 30.44 + rng.integers(0, 28, n)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(first_id, first_id + n)],
            "signup_date": (snapshot - pd.to_timedelta(days, unit="D")).normalize(),
            "age": np.clip(rng.normal(45.0 + 12.0 * shift, 15.0, n), 18, 90)
            .round()
            .astype(int),
            "region": rng.choice(REGIONS, n),
            "plan": np.asarray(PLANS)[plan],
            "contract": rng.choice(CONTRACTS, n, p=contracts / contracts.sum()),
            "payment_method": rng.choice(PAYMENT_METHODS, n, p=[0.3, 0.25, 0.3, 0.15]),
            "paperless_billing": rng.choice(["yes", "no"], n, p=[0.6, 0.4]),
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": np.round(
                monthly * np.maximum(tenure, 1) * rng.uniform(1.0, 1.05, n), 2
            ),
        }
    )


def _usage(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    snapshot: pd.Timestamp,
    shift: float,
) -> pd.DataFrame:
    n = len(customers)
    base_gb = rng.lognormal(1.5, 0.6, n)
    trend = rng.normal(0.0, 0.2, n)
    minutes = rng.gamma(4.0, 60.0, n)
    drop_rate = rng.gamma(1.0, 0.8, n) * (1.0 + shift)
    month_index = np.tile(np.arange(USAGE_MONTHS), n)
    row = np.repeat(np.arange(n), USAGE_MONTHS)
    months_active = np.minimum(customers["tenure_months"].to_numpy() + 1, USAGE_MONTHS)
    keep = month_index >= USAGE_MONTHS - months_active[row]
    row, month_index = row[keep], month_index[keep]
    months = pd.period_range(end=snapshot.to_period("M"), periods=USAGE_MONTHS)
    growth = 1.0 + trend[row] * month_index / (USAGE_MONTHS - 1)
    return pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy()[row],
            "month": months.to_timestamp()[month_index],
            "data_gb": np.round(
                base_gb[row] * growth.clip(0.05) * rng.lognormal(0, 0.1, len(row)), 3
            ),
            "call_minutes": np.round(minutes[row] * rng.lognormal(0, 0.2, len(row)), 1),
            "dropped_calls": rng.poisson(drop_rate[row]),
        }
    )


def _tickets(
    rng: np.random.Generator, customers: pd.DataFrame, snapshot: pd.Timestamp
) -> pd.DataFrame:
    month_to_month = (customers["contract"] == "month-to-month").to_numpy()
    counts = rng.poisson(np.where(month_to_month, 0.8, 0.5))
    owner = np.repeat(np.arange(len(customers)), counts)
    m = len(owner)
    hours = np.round(rng.lognormal(2.5, 0.9, m), 1)
    satisfaction = np.clip(
        np.round(4.6 - 0.35 * np.log1p(hours) + rng.normal(0, 0.8, m)), 1, 5
    )
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i:08d}" for i in range(1, m + 1)],
            "customer_id": customers["customer_id"].to_numpy()[owner],
            "opened_at": (
                snapshot
                - pd.to_timedelta(rng.integers(1, TICKET_WINDOW_DAYS, m), unit="D")
            ).normalize(),
            "category": rng.choice(TICKET_CATEGORIES, m, p=[0.4, 0.35, 0.15, 0.1]),
            "resolution_hours": hours,
            "satisfaction": satisfaction.astype(int),
        }
    )


def churn_logit(customers: pd.DataFrame, usage: pd.DataFrame) -> np.ndarray:
    """The true log-odds of churn: the generator's known model of the features.

    With ``m2m`` a month-to-month contract, ``dropped`` and ``gb`` the monthly means of
    dropped calls and data used, ``sigmoid`` the logistic function::

        logit = -1.2 + 0.3 m2m - 0.9 two_year + 0.5 electronic_check
            + 3.0 m2m exp(-tenure_months / 12)              contract x tenure
            + 1.2 sigmoid((dropped - 1.5) / 0.3)            dropped-call threshold
            + 2.5 tanh((monthly_charges - 8 gb - 30) / 25)  value for money

    New month-to-month customers leave; long contracts hold them whatever their
    tenure. Past about 1.5 dropped calls a month, churn jumps. Paying much more than
    one's usage is worth pushes churn up, and heavy users who pay little stay, both
    saturating. Tickets, age, region and the rest carry no direct effect: a model must
    learn to ignore them. A linear model cannot represent the interaction, the step or
    the saturation; that is where a flexible model earns its keep (README, "Baselines").
    """
    ids = customers["customer_id"]
    monthly = usage.groupby("customer_id")[["dropped_calls", "data_gb"]].mean()
    monthly = monthly.reindex(ids).fillna(0.0)
    tenure = customers["tenure_months"].to_numpy()
    charges = customers["monthly_charges"].to_numpy()
    month_to_month = (customers["contract"] == "month-to-month").to_numpy()
    dropped = monthly["dropped_calls"].to_numpy()
    value_gap = charges - _GB_WORTH * monthly["data_gb"].to_numpy() - _BASE_WORTH
    return (
        _INTERCEPT
        + 0.3 * month_to_month
        - 0.9 * (customers["contract"] == "two-year").to_numpy()
        + 0.5 * (customers["payment_method"] == "electronic-check").to_numpy()
        + 3.0 * month_to_month * np.exp(-tenure / 12.0)
        + 1.2 / (1.0 + np.exp(-(dropped - _DROPPED_CALLS_STEP) / 0.3))
        + 2.5 * np.tanh(value_gap / 25.0)
    )


def add_dirt(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    usage: pd.DataFrame,
    tickets: pd.DataFrame,
    snapshot: pd.Timestamp,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Add the dirt of real raw exports.

    Customers and tickets become text (CSV as received): numbers padded with spaces or
    blank, categories in mixed casing and spacing, a few unknown categories, impossible
    ages, negative tenures, signup dates after the snapshot, blank labels and exact
    duplicated rows. Usage keeps its Parquet types but gains missing values, negative
    minutes, months after the snapshot, duplicated rows and unknown customers.
    """
    return (
        _dirty_customers(rng, customers, snapshot),
        _dirty_usage(rng, usage, snapshot),
        _dirty_tickets(rng, tickets, snapshot),
    )


def _dirty_customers(
    rng: np.random.Generator, frame: pd.DataFrame, snapshot: pd.Timestamp
) -> pd.DataFrame:
    frame = frame.copy()
    n = len(frame)
    frame.loc[_pick(rng, n, 0.003), "age"] = rng.integers(111, 250)
    frame.loc[_pick(rng, n, 0.003), "tenure_months"] = -rng.integers(1, 24)
    future = _pick(rng, n, 0.003)
    frame.loc[future, "signup_date"] = snapshot + pd.Timedelta(days=30)
    frame = _as_text(frame)
    for column, rate in (
        ("monthly_charges", 0.03),
        ("total_charges", 0.02),
        ("age", 0.03),
    ):
        frame.loc[_pick(rng, n, rate), column] = rng.choice(["", "  ", " "])
        padded = _pick(rng, n, 0.1)
        frame.loc[padded, column] = " " + frame.loc[padded, column] + " "
    for column in (
        "region",
        "plan",
        "contract",
        "payment_method",
        "paperless_billing",
        "churned",
    ):
        frame[column] = _messy_case(rng, frame[column])
    unknown = {"plan": "legacy-gold", "payment_method": "crypto", "region": "offshore"}
    for column, value in unknown.items():
        frame.loc[_pick(rng, n, 0.004), column] = value
    frame.loc[_pick(rng, n, 0.002), "churned"] = ""
    return _with_duplicates(rng, frame, 0.01)


def _dirty_usage(
    rng: np.random.Generator, frame: pd.DataFrame, snapshot: pd.Timestamp
) -> pd.DataFrame:
    frame = frame.copy()
    n = len(frame)
    frame.loc[_pick(rng, n, 0.02), "data_gb"] = np.nan
    frame.loc[_pick(rng, n, 0.002), "call_minutes"] *= -1
    frame.loc[_pick(rng, n, 0.001), "month"] = (
        snapshot + pd.DateOffset(months=2)
    ).normalize()
    _orphan(rng, frame, 0.001)
    return _with_duplicates(rng, frame, 0.005)


def _dirty_tickets(
    rng: np.random.Generator, frame: pd.DataFrame, snapshot: pd.Timestamp
) -> pd.DataFrame:
    frame = frame.copy()
    n = len(frame)
    frame.loc[_pick(rng, n, 0.003), "opened_at"] = snapshot + pd.Timedelta(days=10)
    frame = _as_text(frame)
    frame.loc[_pick(rng, n, 0.05), "resolution_hours"] = ""
    frame.loc[_pick(rng, n, 0.2), "satisfaction"] = ""
    frame.loc[_pick(rng, n, 0.005), "satisfaction"] = "9"
    frame["category"] = _messy_case(rng, frame["category"])
    _orphan(rng, frame, 0.002)
    return frame


def _pick(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """A boolean mask selecting about ``rate`` of ``n`` rows."""
    return rng.random(n) < rate


def _orphan(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> None:
    """Point about ``rate`` of the rows at customers that do not exist (in place)."""
    orphans = _pick(rng, len(frame), rate)
    frame.loc[orphans, "customer_id"] = "X" + frame.loc[orphans, "customer_id"].str[1:]


def _with_duplicates(
    rng: np.random.Generator, frame: pd.DataFrame, rate: float
) -> pd.DataFrame:
    """Append exact copies of about ``rate`` of the rows, then shuffle."""
    duplicates = frame.iloc[np.flatnonzero(_pick(rng, len(frame), rate))]
    return _shuffle(rng, pd.concat([frame, duplicates], ignore_index=True))


def _messy_case(rng: np.random.Generator, values: pd.Series) -> pd.Series:
    """Mixed casing and stray whitespace on about 15% of the values."""
    style = rng.choice(4, len(values), p=[0.85, 0.05, 0.05, 0.05])
    return (
        values.where(style != 1, values.str.upper())
        .where(style != 2, values.str.title())  # noqa: PLR2004
        .where(style != 3, "  " + values + " ")  # noqa: PLR2004
    )


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as text, dates in ISO format, as a CSV export carries them."""
    return frame.apply(
        lambda c: c.dt.strftime("%Y-%m-%d") if c.dtype.kind == "M" else c.astype(str)
    )


def _shuffle(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
