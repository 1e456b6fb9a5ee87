"""The primary table: one row per entity, its event sources aggregated onto it.

The join is declared in the contract (each event source's ``join``: the key columns,
aggregates, trends, fills), so an entity table with any number of event tables, or a
single flat table, needs configuration only. When yours needs more (several entity
tables, time windows per row, text), this is the one module to rewrite: return one row
per entity with the columns of ``Contract.table`` and every other step stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import narwhals as nw
from narwhals.typing import IntoFrame

from {{ cookiecutter.python_package }}.contract import Contract, ContractError
from {{ cookiecutter.python_package }}.contract.model import Source

logger = logging.getLogger(__name__)

Frame = TypeVar("Frame", bound=IntoFrame)

_ROWS = "__rows__"
_AGGREGATIONS: dict[str, Callable[[str], nw.Expr]] = {
    "mean": lambda column: nw.col(column).mean(),
    "sum": lambda column: nw.col(column).sum(),
    "min": lambda column: nw.col(column).min(),
    "max": lambda column: nw.col(column).max(),
    "median": lambda column: nw.col(column).median(),
    "std": lambda column: nw.col(column).std(ddof=1),
    "count": lambda column: nw.col(column).count(),
    "size": lambda column: nw.len(),
    # n_unique counts a missing value as a value: nunique does not (see _aggregates).
    "nunique": lambda column: nw.col(column).n_unique(),
}
_NULLS = "{}.nulls"


def build_primary_table(entity: Frame, contract: Contract, **events: Frame) -> Frame:
    """Left-join the entities with the per-entity aggregates of each event source.

    Args:
        entity: Clean entity rows, one per entity (pandas or PySpark).
        contract: The data contract.
        **events: Clean event sources by name, as named in the contract.

    Returns:
        One row per entity, of the same kind as ``entity``: its key, its columns, then
        the aggregates. Entities without events get the ``fill_missing`` values and
        missing aggregates otherwise; events of unknown entities are dropped (logged).
    """
    if set(contract.events) != set(events):
        raise ValueError(
            f"The contract's event sources {sorted(contract.events)} and the node's "
            f"inputs {sorted(events)} differ; the pipeline is built from the contract."
        )
    if not events:
        return entity
    key = contract.entity.key
    table: Any = nw.from_native(entity)  # pandas: eager; Spark: lazy
    added: list[str] = []
    for name, frame in events.items():
        source = contract.events[name]
        join = source.join
        assert join is not None  # noqa: S101 (only event sources are joined)
        aggregates = _aggregates(nw.from_native(frame), source).rename(
            dict(zip(join.by, key, strict=True))
        )
        _check_join(name, contract, aggregates, table.select(key))
        table = table.join(aggregates.drop(_ROWS), on=key, how="left")
        table = table.with_columns(
            nw.col(column).fill_null(value)
            for column, value in join.fill_missing.items()
        )
        added += join.outputs
    others = [c for c in table.columns if c not in key and c not in added]
    return table.select(*key, *others, *added).to_native()


def _aggregates(events: nw.DataFrame[Any] | nw.LazyFrame[Any], source: Source) -> Any:
    """Per entity: the named aggregates, the trends and the number of event rows."""
    join = source.join
    assert join is not None  # noqa: S101 (only event sources are aggregated)
    named = [
        _AGGREGATIONS[how](column).alias(name)
        for name, (column, how) in join.aggregates.items()
    ]
    named.append(nw.len().alias(_ROWS))
    distinct = [name for name, (_, how) in join.aggregates.items() if how == "nunique"]
    named += [
        nw.col(join.aggregates[name][0]).null_count().alias(_NULLS.format(name))
        for name in distinct
    ]
    if join.trends:
        (time,) = source.time_columns
        periods = (
            events.select(time)
            .unique()
            .sort(time, descending=True)
            .head(join.recent_periods)
            .lazy()
            .collect()[time]
            .to_list()
        )
        recent = nw.col(time).is_in(periods)
        events = events.with_columns(
            expression
            for column, values in join.trends.items()
            for expression in (
                nw.when(recent).then(nw.col(values)).alias(f"{column}__recent"),
                nw.when(~recent).then(nw.col(values)).alias(f"{column}__earlier"),
            )
        )
        for column in join.trends:
            named += [
                nw.col(f"{column}__recent").mean(),
                nw.col(f"{column}__earlier").mean(),
            ]
    aggregates = events.group_by(*join.by).agg(*named)
    trends = {
        column: nw.col(f"{column}__recent")
        / nw.when(nw.col(f"{column}__earlier") > 0).then(nw.col(f"{column}__earlier"))
        - 1.0
        for column in join.trends
    }
    distinct_values = {
        name: nw.col(name) - nw.col(_NULLS.format(name)).clip(upper_bound=1)
        for name in distinct
    }
    if trends or distinct_values:
        aggregates = aggregates.with_columns(**trends, **distinct_values)
    return aggregates.select(
        *join.by,
        *(nw.col(c).cast(nw.Float64) for c in join.outputs),
        _ROWS,
    )


def _check_join(name: str, contract: Contract, per_entity: Any, known: Any) -> None:
    """Say how the keys of event source ``name`` meet the entities': stop when most of
    its rows name no known entity (the keys do not join: spelled differently, or
    other entities), warn when over a tenth do not, log it otherwise (unknown or
    quarantined entities)."""
    key = contract.entity.key
    orphans = per_entity.join(known, on=key, how="anti").lazy().collect()
    if not len(orphans):
        return
    counts = per_entity.select(nw.len(), nw.col(_ROWS).sum()).lazy().collect()
    keys, rows = int(counts.item(0, 0)), int(counts.item(0, 1) or 0)
    lost = int(orphans[_ROWS].sum())
    entities = int(known.select(nw.len()).lazy().collect().item())
    matched = keys - len(orphans)
    entity = contract.entity_name
    said = (
        f"{name}: {rows - lost} of {rows} rows name one of the {entities} {entity} "
        f"(by {', '.join(key)}); {matched} of the {entities} {entity} have {name} rows"
    )
    if lost * 2 <= rows:
        # A few orphans are usual (events of quarantined entities): a warning only
        # from a tenth of the rows.
        level = logging.WARNING if lost * 10 > rows else logging.INFO
        logger.log(
            level,
            "%s; the rows of %d unknown or quarantined %s are dropped (e.g. %s)",
            said,
            len(orphans),
            entity,
            _examples(orphans, key),
        )
        return
    raise ContractError(
        f"The keys of {name} do not join {entity}: {said}. Keys of {name}, e.g. "
        f"{_examples(orphans, key)}; of {entity}, e.g. {_examples(known, key)}. Check "
        f"that both files spell {', '.join(key)} alike (type, padding, prefix) and "
        "cover the same entities."
    )


def _examples(frame: Any, key: list[str]) -> list[Any]:
    rows = frame.select(key).sort(key).head(3).lazy().collect().rows()
    return [tuple(row) if len(row) > 1 else row[0] for row in rows]
