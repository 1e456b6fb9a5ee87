"""The primary table: one row per entity, its event sources aggregated onto it.

The join is declared in ``data_engineering.primary`` (key, per-source aggregates, trends,
fills), so data shaped as one entity table plus event tables needs configuration only.
When yours needs more (several entity tables, time windows per row, text), this is the
one module to rewrite: return one row per entity with the columns of
``data_engineering.schema`` and every other step stays as it is.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from {{ cookiecutter.python_package }}.schema import EventAggregates, parse_primary

logger = logging.getLogger(__name__)

_ROWS = "__rows__"


def build_customer_table(
    customers: pd.DataFrame, primary: dict[str, Any], **events: pd.DataFrame
) -> pd.DataFrame:
    """Left-join the entities with the per-entity aggregates of each event source.

    Args:
        customers: Clean entity rows, one per entity.
        primary: The ``primary`` parameters (see ``schema.PrimarySpec``).
        **events: Clean event sources by name, as named in ``primary.events``.

    Returns:
        One row per entity. Entities without events get the ``fill_missing`` values and
        missing aggregates otherwise; events of unknown entities are dropped (logged).
    """
    spec = parse_primary(primary)
    if set(spec.events) != set(events):
        raise ValueError(
            f"data_engineering.primary.events names {sorted(spec.events)} but the node "
            f"receives {sorted(events)}; make them match (pipeline.py wires the inputs)."
        )
    table = customers.set_index(spec.key)
    for name, frame in events.items():
        aggregates = _aggregates(frame, spec.key, spec.events[name])
        _log_orphans(name, aggregates, table.index)
        table = table.join(aggregates.drop(columns=_ROWS))
        if spec.events[name].fill_missing:
            table = table.fillna(spec.events[name].fill_missing)
    return table.reset_index()


def _aggregates(events: pd.DataFrame, key: str, spec: EventAggregates) -> pd.DataFrame:
    """Per entity: the named aggregates, the trends and the number of event rows."""
    named = {column: tuple(how) for column, how in spec.aggregates.items()}
    named[_ROWS] = (key, "size")
    if spec.trends:
        periods = events[spec.time].drop_duplicates().nlargest(spec.recent_periods)
        recent = events[spec.time].isin(periods)
        for column, source in spec.trends.items():
            events = events.assign(
                **{
                    f"{column}.recent": events[source].where(recent),
                    f"{column}.earlier": events[source].where(~recent),
                }
            )
            named[f"{column}.recent"] = (f"{column}.recent", "mean")
            named[f"{column}.earlier"] = (f"{column}.earlier", "mean")
    aggregates = events.groupby(key, sort=False).agg(**named)
    for column in spec.trends:
        recent, earlier = (
            aggregates.pop(f"{column}.recent"),
            aggregates.pop(f"{column}.earlier"),
        )
        aggregates[column] = recent / earlier.where(earlier > 0) - 1.0
    return aggregates.astype("float64")


def _log_orphans(name: str, per_entity: pd.DataFrame, known: pd.Index) -> None:
    orphans = per_entity.index.difference(known)
    if len(orphans):
        logger.warning(
            "%s: %d rows of %d unknown or quarantined entities dropped (e.g. %s)",
            name,
            int(per_entity.loc[orphans, _ROWS].sum()),
            len(orphans),
            orphans[:3].tolist(),
        )
