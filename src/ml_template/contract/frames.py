"""The few steps Narwhals cannot say once for every backend: pandas and PySpark here.

Everything else the contract does to a frame is a Narwhals expression (one code path
for pandas, PySpark and any backend Narwhals speaks). What is left differs per backend:
row positions (Spark has no row order of its own), parsing dates without failing on a
bad one, a row hash, and keeping a result computed once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import narwhals as nw
import pandas as pd
from narwhals import Implementation

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
    native = frame.to_native()
    if is_spark(frame):
        F = _spark_functions()
        values = [F.coalesce(F.col(c), F.lit("")) for c in columns]
        digest = F.lower(F.lpad(F.hex(F.xxhash64(*values)), 16, "0"))
        return nw.from_native(native.withColumn(name, digest))
    return nw.from_native(native.assign(**{name: row_ids(native[columns])})).lazy()


def row_ids(text: pd.DataFrame) -> pd.Series:
    """A stable id per row of ``text``: a hash of its values (same row, same id)."""
    hashes = pd.util.hash_pandas_object(text.fillna(""), index=False)
    return hashes.map("{:016x}".format).astype("str")


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
    """``native`` as pandas: itself, or a Spark DataFrame collected through Arrow."""
    if isinstance(native, pd.DataFrame):
        return native
    return nw.from_native(native).lazy().collect(backend="pandas").to_native()


def computed(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``frame`` computed once for the several questions asked of it (Spark caches)."""
    if is_spark(frame):
        return nw.from_native(frame.to_native().cache())
    return frame
