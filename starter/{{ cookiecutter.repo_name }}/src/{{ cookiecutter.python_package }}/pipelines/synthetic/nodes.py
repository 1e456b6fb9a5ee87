"""Nodes around the deterministic example-data generator."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.python_package }}.synthetic import TARGET, generate


class NewCustomers(BaseModel):
    """A batch of unseen customers to score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_customers: int = Field(gt=0)
    seed: int
    first_id: int = Field(gt=0, description="Ids start here, apart from training's.")
    shift: float = Field(
        default=0.0, ge=0.0, description="Population shift (0: training's; 1: major)."
    )


class SyntheticParams(BaseModel):
    """``synthetic`` in ``parameters_synthetic.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_customers: int = Field(gt=0)
    seed: int
    as_of_date: dt.date
    dirt: bool = True
    new_customers: NewCustomers


def generate_raw_data(
    params: SyntheticParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate the raw sources and the true churn probabilities.

    Args:
        params: ``n_customers``, ``seed``, ``as_of_date`` and ``dirt``.

    Returns:
        Customers, usage and tickets as received, and each customer's true churn
        probability (kept apart from the raw data).
    """
    data = generate(
        n_customers=params.n_customers,
        seed=params.seed,
        as_of=params.as_of_date.isoformat(),
        dirt=params.dirt,
    )
    return data.customers, data.usage, data.tickets, data.churn_probability


def generate_new_customers(
    params: SyntheticParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate a batch of customers to score: other ids, no label column (as real
    new customers arrive).

    Args:
        params: ``new_customers`` (``n_customers``, ``seed``, ``first_id``) and
            ``as_of_date`` and ``dirt``.

    Returns:
        Customers, usage and tickets as received.
    """
    batch = params.new_customers
    data = generate(
        n_customers=batch.n_customers,
        seed=batch.seed,
        as_of=params.as_of_date.isoformat(),
        dirt=params.dirt,
        first_id=batch.first_id,
        shift=batch.shift,
    )
    return data.customers.drop(columns=TARGET), data.usage, data.tickets
