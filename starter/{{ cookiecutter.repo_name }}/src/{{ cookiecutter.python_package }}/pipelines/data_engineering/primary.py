"""The primary table: one row per entity, its event sources aggregated onto it.

The join is declared in the contract (each event source's ``join``: the key columns,
aggregates, trends, fills), so an entity table with any number of event tables, or a
single flat table, needs configuration only. When yours needs more (several entity
tables, time windows per row, text), this is the one module to rewrite: return one row
per entity with the columns of ``Contract.table`` and every other step stays.
"""

from __future__ import annotations

import logging

import pandas as pd

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.contract.model import Source

logger = logging.getLogger(__name__)

_ROWS = "__rows__"


def build_primary_table(
    entity: pd.DataFrame, contract: Contract, **events: pd.DataFrame
) -> pd.DataFrame:
    """Left-join the entities with the per-entity aggregates of each event source.

    Args:
        entity: Clean entity rows, one per entity.
        contract: The data contract.
        **events: Clean event sources by name, as named in the contract.

    Returns:
        One row per entity. Entities without events get the ``fill_missing`` values and
        missing aggregates otherwise; events of unknown entities are dropped (logged).
    """
    if set(contract.events) != set(events):
        raise ValueError(
            f"The contract's event sources {sorted(contract.events)} and the node's "
            f"inputs {sorted(events)} differ; the pipeline is built from the contract."
        )
    key = contract.entity.key
    table = entity.set_index(key) if key else entity
    for name, frame in events.items():
        source = contract.events[name]
        aggregates = _aggregates(frame, source)
        aggregates.index.names = key
        _log_orphans(name, aggregates, table.index)
        table = table.join(aggregates.drop(columns=_ROWS))
        if source.join.fill_missing:  # type: ignore[union-attr]
            table = table.fillna(source.join.fill_missing)  # type: ignore[union-attr]
    return table.reset_index() if key else table


def _aggregates(events: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Per entity: the named aggregates, the trends and the number of event rows."""
    join = source.join
    assert join is not None  # noqa: S101 (only event sources are aggregated)
    named = {column: tuple(how) for column, how in join.aggregates.items()}
    named[_ROWS] = (join.by[0], "size")
    if join.trends:
        (time,) = source.time_columns
        periods = events[time].drop_duplicates().nlargest(join.recent_periods)
        recent = events[time].isin(periods)
        for column, values in join.trends.items():
            events = events.assign(
                **{
                    f"{column}.recent": events[values].where(recent),
                    f"{column}.earlier": events[values].where(~recent),
                }
            )
            named[f"{column}.recent"] = (f"{column}.recent", "mean")
            named[f"{column}.earlier"] = (f"{column}.earlier", "mean")
    aggregates = events.groupby(join.by, sort=False).agg(**named)
    for column in join.trends:
        recent = aggregates.pop(f"{column}.recent")
        earlier = aggregates.pop(f"{column}.earlier")
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
