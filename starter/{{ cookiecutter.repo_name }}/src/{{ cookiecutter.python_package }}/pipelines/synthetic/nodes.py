"""Nodes around the deterministic example-data generator."""

from __future__ import annotations

from typing import Any

import pandas as pd

from {{ cookiecutter.python_package }}.synthetic import TARGET, generate


def generate_raw_data(
    params: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate the raw sources and the true churn probabilities.

    Args:
        params: ``n_customers``, ``seed``, ``as_of_date`` and ``dirt``.

    Returns:
        Customers, usage and tickets as received, and each customer's true churn
        probability (kept apart from the raw data).
    """
    data = generate(
        n_customers=params["n_customers"],
        seed=params["seed"],
        as_of=params["as_of_date"],
        dirt=params["dirt"],
    )
    return data.customers, data.usage, data.tickets, data.churn_probability


def generate_new_customers(
    params: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate a batch of customers to score: other ids, no label column (as real
    new customers arrive).

    Args:
        params: ``new_customers`` (``n_customers``, ``seed``, ``first_id``) and
            ``as_of_date`` and ``dirt``.

    Returns:
        Customers, usage and tickets as received.
    """
    batch = params["new_customers"]
    data = generate(
        n_customers=batch["n_customers"],
        seed=batch["seed"],
        as_of=params["as_of_date"],
        dirt=params["dirt"],
        first_id=batch["first_id"],
    )
    return data.customers.drop(columns=TARGET), data.usage, data.tickets
