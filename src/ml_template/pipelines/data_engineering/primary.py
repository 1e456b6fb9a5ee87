"""The one dataset-specific module: assemble the primary customer table.

To use your own data, rewrite :func:`build_customer_table` so that it returns one row per
entity with the columns of ``data_engineering.schema``; every other step is generic.
"""

from __future__ import annotations

import logging

import pandas as pd

logger = logging.getLogger(__name__)

RECENT_MONTHS = 3


def build_customer_table(
    customers: pd.DataFrame, usage: pd.DataFrame, tickets: pd.DataFrame
) -> pd.DataFrame:
    """Join customers with their usage and support-ticket aggregates.

    Args:
        customers: Clean customers, one row per customer.
        usage: Clean monthly usage rows.
        tickets: Clean support tickets.

    Returns:
        One row per customer; customers without usage or tickets get missing usage
        aggregates and zero tickets. Rows of unknown customers are dropped (logged).
    """
    known = customers["customer_id"]
    _log_orphans("usage", usage, known)
    _log_orphans("tickets", tickets, known)
    table = (
        customers.set_index("customer_id")
        .join(_usage_aggregates(usage))
        .join(_ticket_aggregates(tickets))
    )
    table["n_tickets"] = table["n_tickets"].fillna(0.0)
    return table.reset_index()


def _usage_aggregates(usage: pd.DataFrame) -> pd.DataFrame:
    recent_start = usage["month"].max() - pd.DateOffset(months=RECENT_MONTHS - 1)
    by_customer = usage.groupby("customer_id")
    recent = (
        usage[usage["month"] >= recent_start].groupby("customer_id")["data_gb"].mean()
    )
    earlier = (
        usage[usage["month"] < recent_start].groupby("customer_id")["data_gb"].mean()
    )
    return pd.DataFrame(
        {
            "avg_data_gb": by_customer["data_gb"].mean(),
            "data_gb_trend": recent / earlier.where(earlier > 0) - 1.0,
            "avg_call_minutes": by_customer["call_minutes"].mean(),
            "avg_dropped_calls": by_customer["dropped_calls"].mean(),
        }
    )


def _ticket_aggregates(tickets: pd.DataFrame) -> pd.DataFrame:
    by_customer = tickets.groupby("customer_id")
    return pd.DataFrame(
        {
            "n_tickets": by_customer.size().astype("float64"),
            "avg_satisfaction": by_customer["satisfaction"].mean(),
            "avg_resolution_hours": by_customer["resolution_hours"].mean(),
        }
    )


def _log_orphans(name: str, frame: pd.DataFrame, known: pd.Series) -> None:
    orphans = ~frame["customer_id"].isin(known)
    if orphans.any():
        logger.warning(
            "%s: %d rows of unknown or quarantined customers dropped (e.g. %s)",
            name,
            int(orphans.sum()),
            frame.loc[orphans, "customer_id"].head(3).tolist(),
        )
