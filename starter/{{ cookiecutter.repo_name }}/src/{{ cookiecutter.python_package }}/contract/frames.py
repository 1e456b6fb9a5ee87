"""The few steps Narwhals cannot say once for every backend: pandas and PySpark here.

Everything else the contract does to a frame is a Narwhals expression (one code path
for pandas, PySpark and any backend Narwhals speaks). What is left differs per backend:
row positions (Spark has no row order of its own), parsing dates without failing on a
bad one, a row hash, a seeded draw, and keeping a result computed once. Model-input
splits are pandas DataFrames or, on the Spark route, lazy Arrow datasets
(``datasets.spark.ArrowReadSparkDataset``): reading their columns, in chunks or whole,
is here too.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import narwhals as nw
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
from narwhals import Implementation

Result = TypeVar("Result")
POSITION = "__position__"
_MICROSECONDS_A_DAY = 86_400_000_000

# strftime directive -> Spark datetime pattern (lenient widths, as strptime is).
_SPARK_PATTERN = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "M",
    "%d": "d",
    "%H": "H",
    "%I": "h",
    "%M": "m",
    "%S": "s",
    "%f": "SSSSSS",
    "%p": "a",
    "%b": "MMM",
    "%B": "MMMM",
    "%j": "D",
    "%z": "Z",
    "%%": "%",
}


def _spark_functions() -> Any:
    """``pyspark.sql.functions``, imported only where Spark runs (an optional extra)."""
    from pyspark.sql import functions  # noqa: PLC0415

    return functions


def is_spark(frame: nw.LazyFrame[Any] | nw.DataFrame[Any]) -> bool:
    """Whether ``frame`` is a PySpark DataFrame under Narwhals."""
    return frame.implementation is Implementation.PYSPARK


def with_positions(frame: nw.DataFrame[Any] | nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``frame`` as a lazy frame with each row's position in ``POSITION``.

    pandas numbers the rows 0..n-1; Spark's ids grow with the position in the input
    (partition by partition) without being consecutive, which is all that ordering
    needs.
    """
    if isinstance(frame, nw.DataFrame):
        return frame.with_row_index(POSITION).lazy()
    if is_spark(frame):
        F = _spark_functions()
        native = frame.to_native()
        return nw.from_native(
            native.withColumn(POSITION, F.monotonically_increasing_id())
        )
    raise TypeError(f"Unsupported backend for the contract: {frame.implementation}")


def parse_dates(
    frame: nw.LazyFrame[Any], parsed: dict[str, tuple[str, str | None]]
) -> nw.LazyFrame[Any]:
    """Add each ``name: (text column, strftime format)`` as a date; bad text -> null."""
    native = frame.to_native()
    if is_spark(frame):
        F = _spark_functions()
        for name, (text, form) in parsed.items():
            column = F.col(text)
            value = (
                F.try_to_timestamp(column, F.lit(spark_pattern(form)))
                if form
                else F.try_to_timestamp(column)
            )
            native = native.withColumn(name, value.cast("timestamp_ntz"))
        return nw.from_native(native)
    return nw.from_native(
        native.assign(
            **{
                name: pd.to_datetime(
                    native[text], errors="coerce", format=form or "ISO8601"
                )
                for name, (text, form) in parsed.items()
            }
        )
    ).lazy()


def spark_pattern(strftime: str) -> str:
    """A strftime format as a Spark datetime pattern; literal text is quoted."""
    parts = re.split(r"(%.)", strftime)
    pattern = []
    for part in parts:
        if part in _SPARK_PATTERN:
            pattern.append(_SPARK_PATTERN[part])
        elif part.startswith("%"):
            raise ValueError(f"Date format directive {part!r} has no Spark equivalent")
        elif re.search("[A-Za-z']", part):
            pattern.append("'" + part.replace("'", "''") + "'")
        else:
            pattern.append(part)
    return "".join(pattern)


def with_row_ids(
    frame: nw.LazyFrame[Any], columns: list[str], name: str
) -> nw.LazyFrame[Any]:
    """Add a stable id per row in ``name``: 16 hex digits of a hash of ``columns``."""
    return with_digest(frame, columns, name, length=16)


def row_ids(text: pd.DataFrame) -> pd.Series:
    """A stable id per row of ``text``: a hash of its values (same row, same id)."""
    return pd.Series(_md5(text, None, 16), index=text.index, dtype="str")


def with_draw(
    frame: nw.LazyFrame[Any], columns: list[str], seed: int, name: str
) -> nw.LazyFrame[Any]:
    """Add a seeded pseudo-random draw per row in ``name``: a hash of ``columns``."""
    return with_digest(frame, columns, name, salt=str(seed))


def with_digest(
    frame: nw.LazyFrame[Any],
    columns: list[str],
    name: str,
    salt: str | None = None,
    length: int = 32,
) -> nw.LazyFrame[Any]:
    """Add in ``name`` the first ``length`` hex digits of the MD5 of each row's
    ``columns`` as text, joined by ``|`` after ``salt`` (a missing value is empty).

    MD5 is the same function in Python and in Spark, so a row gets the same digest on
    every backend and in any row order.
    """
    native = frame.to_native()
    if is_spark(frame):
        F = _spark_functions()
        parts = [F.coalesce(F.col(c).cast("string"), F.lit("")) for c in columns]
        if salt is not None:
            parts.insert(0, F.lit(salt))
        digest = F.substring(F.md5(F.concat_ws("|", *parts)), 1, length)
        return nw.from_native(native.withColumn(name, digest))
    digests = _md5(native[columns], salt, length)
    return nw.from_native(native.assign(**{name: digests})).lazy()


def _md5(values: pd.DataFrame, salt: str | None, length: int) -> list[str]:
    """:func:`with_digest` on pandas."""
    columns = [values[c].astype("str").where(values[c].notna(), "") for c in values]
    if salt is not None:
        columns.insert(0, pd.Series(salt, index=values.index))
    text = (
        columns[0].str.cat(pd.concat(columns[1:], axis=1), sep="|")
        if len(columns) > 1
        else columns[0]
    )
    return [
        hashlib.md5(row.encode(), usedforsecurity=False).hexdigest()[:length]
        for row in text
    ]


def with_days_before(native: Any, snapshot: dt.datetime, ages: dict[str, str]) -> Any:
    """Add each ``feature: date column`` as whole days from the date to ``snapshot``."""
    if is_spark(nw.from_native(native)):
        F = _spark_functions()
        end = F.unix_micros(F.lit(snapshot).cast("timestamp"))
        for feature, column in ages.items():
            start = F.unix_micros(F.col(column).cast("timestamp"))
            days = F.floor((end - start) / _MICROSECONDS_A_DAY).cast("double")
            native = native.withColumn(feature, days)
        return native
    return native.assign(
        **{
            feature: (pd.Timestamp(snapshot) - native[column]).dt.days.astype("float64")
            for feature, column in ages.items()
        }
    )


def row_count(native: Any) -> int:
    """The number of rows of a pandas or a PySpark DataFrame."""
    return int(nw.from_native(native).lazy().select(nw.len()).collect().item())


def to_pandas(native: Any) -> pd.DataFrame:
    """``native`` as pandas: itself, an Arrow dataset or table read whole, or a Spark
    DataFrame collected through Arrow."""
    if isinstance(native, pd.DataFrame):
        return native
    if isinstance(native, ds.Dataset):
        native = native.to_table()
    if isinstance(native, pa.Table):
        return native.to_pandas()
    return nw.from_native(native).lazy().collect(backend="pandas").to_native()


def pandas_splits(node: Callable[..., Result]) -> Callable[..., Result]:
    """``node`` with every Arrow-dataset argument read whole into pandas.

    For nodes that work on pandas (evaluation, like serving, scores pandas frames):
    on the Spark route the model-input splits arrive as lazy Arrow datasets.
    """

    @functools.wraps(node)
    def on_pandas(*args: Any, **kwargs: Any) -> Result:
        return node(
            *(_read_whole(a) for a in args),
            **{name: _read_whole(value) for name, value in kwargs.items()},
        )

    return on_pandas


def _read_whole(value: Any) -> Any:
    return to_pandas(value) if isinstance(value, ds.Dataset) else value


def read_columns(split: Any, columns: list[str]) -> Any:
    """``columns`` of a model-input split: a pandas DataFrame's own, or an Arrow
    dataset's read into an Arrow table (only these columns are read)."""
    if isinstance(split, ds.Dataset):
        return split.to_table(columns=columns)
    return split[columns]


def chunks(split: Any, columns: list[str], rows: int) -> Iterator[Any]:
    """``columns`` of a model-input split in chunks of at most ``rows`` rows: an
    Arrow dataset is streamed from its files, a pandas DataFrame is sliced."""
    if isinstance(split, ds.Dataset):
        for batch in split.to_batches(columns=columns, batch_size=rows):
            yield pa.Table.from_batches([batch])
        return
    selected = split[columns]
    for start in range(0, len(selected), rows):
        yield selected.iloc[start : start + rows]


def count_rows(split: Any) -> int:
    """The number of rows of a model-input split (an Arrow dataset reads metadata)."""
    return split.count_rows() if isinstance(split, ds.Dataset) else len(split)


def clustered(frame: nw.LazyFrame[Any], columns: list[str]) -> nw.LazyFrame[Any]:
    """``frame`` with equal ``columns`` in one partition (Spark); pandas as it is.

    Every window partitioned by these columns, or by more, then needs no shuffle.
    """
    if is_spark(frame):
        return nw.from_native(frame.to_native().repartition(*columns))
    return frame


def computed(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``frame`` computed once for the several questions asked of it (Spark caches)."""
    if is_spark(frame):
        return nw.from_native(frame.to_native().cache())
    return frame
