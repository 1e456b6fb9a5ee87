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
    table = customers.set_index("customer_id")
    usage_per_customer = _usage_aggregates(usage)
    tickets_per_customer = _ticket_aggregates(tickets)
    _log_orphans("usage", usage_per_customer, table.index)
    _log_orphans("tickets", tickets_per_customer, table.index)
    table = table.join(usage_per_customer.drop(columns="rows")).join(
        tickets_per_customer.drop(columns="rows")
    )
    table["n_tickets"] = table["n_tickets"].fillna(0.0)
    return table.reset_index()


def _usage_aggregates(usage: pd.DataFrame) -> pd.DataFrame:
    """Per customer: mean usage, recent vs earlier data trend, and the row count."""
    recent = usage["month"] >= usage["month"].max() - pd.DateOffset(
        months=RECENT_MONTHS - 1
    )
    aggregates = (
        usage.assign(
            recent_gb=usage["data_gb"].where(recent),
            earlier_gb=usage["data_gb"].where(~recent),
        )
        .groupby("customer_id", sort=False)
        .agg(
            avg_data_gb=("data_gb", "mean"),
            recent_gb=("recent_gb", "mean"),
            earlier_gb=("earlier_gb", "mean"),
            avg_call_minutes=("call_minutes", "mean"),
            avg_dropped_calls=("dropped_calls", "mean"),
            rows=("month", "size"),
        )
    )
    trend = aggregates["recent_gb"] / aggregates["earlier_gb"].where(
        aggregates["earlier_gb"] > 0
    )
    return aggregates.drop(columns=["recent_gb", "earlier_gb"]).assign(
        data_gb_trend=trend - 1.0
    )


def _ticket_aggregates(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per customer: ticket count, mean satisfaction and mean resolution time."""
    aggregates = tickets.groupby("customer_id", sort=False).agg(
        rows=("ticket_id", "size"),
        avg_satisfaction=("satisfaction", "mean"),
        avg_resolution_hours=("resolution_hours", "mean"),
    )
    return aggregates.assign(n_tickets=aggregates["rows"].astype("float64"))


def _log_orphans(name: str, per_customer: pd.DataFrame, known: pd.Index) -> None:
    orphans = per_customer.index.difference(known)
    if len(orphans):
        logger.warning(
            "%s: %d rows of %d unknown or quarantined customers dropped (e.g. %s)",
            name,
            int(per_customer.loc[orphans, "rows"].sum()),
            len(orphans),
            orphans[:3].tolist(),
        )
