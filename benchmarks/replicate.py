"""Raw data for 10 million customers and more: copies of a generated project's raw files
with every key made unique, written in chunks (the generator holds a whole table in
memory, which 10 million customers would not fit).

    python -m benchmarks.replicate SOURCE_RAW TARGET_RAW COPIES

Copy ``k`` prefixes each customer id's digits with ``k`` (``C0485150`` becomes
``C30485150``) and each ticket id's with ``k``; a malformed id gets ``~k`` appended, so
it stays malformed and unique. The data's distribution, its bad rows and their reasons
are those of the source, ``COPIES`` times. A project that reads the copies needs the
customer-id pattern widened to 8 digits (:func:`widen_id_pattern`).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ID = re.compile(r"^[CT]\d+$")


def replicate(source: Path, target: Path, copies: int) -> None:
    """Write ``copies`` key-distinct copies of the raw files in ``source`` to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name, ids in (
        ("customers.csv", ["customer_id"]),
        ("support_tickets.csv", ["ticket_id", "customer_id"]),
    ):
        frame = pd.read_csv(source / name, dtype=str, keep_default_na=False)
        with (target / name).open("w", newline="") as out:
            for copy in range(copies):
                renamed = frame.assign(**{c: _renamed(frame[c], copy) for c in ids})
                renamed.to_csv(out, index=False, header=copy == 0)
        print(f"  {name}: {copies} x {len(frame):,} rows", flush=True)
    _replicate_parquet(source / "usage.parquet", target / "usage.parquet", copies)


def _renamed(ids: pd.Series, copy: int) -> pd.Series:
    well_formed = ids.str.fullmatch(ID.pattern)
    return ids.where(~well_formed, ids.str[0] + str(copy) + ids.str[1:]).where(
        well_formed, ids + f"~{copy}"
    )


def _replicate_parquet(source: Path, target: Path, copies: int) -> None:
    reader = pq.ParquetFile(source)
    with pq.ParquetWriter(target, reader.schema_arrow) as writer:
        for copy in range(copies):
            for group in range(reader.num_row_groups):
                table = reader.read_row_group(group)
                ids = table.column("customer_id").cast(pa.string())
                well_formed = pc.match_substring_regex(ids, ID.pattern)
                renamed = pc.if_else(
                    well_formed,
                    pc.binary_join_element_wise(
                        pc.utf8_slice_codeunits(ids, 0, 1),
                        pc.utf8_slice_codeunits(ids, 1),
                        str(copy),
                    ),
                    pc.binary_join_element_wise(ids, f"~{copy}", ""),
                )
                index = table.schema.get_field_index("customer_id")
                writer.write_table(
                    table.set_column(
                        index, table.field(index), renamed.cast(pa.large_string())
                    )
                )
    print(f"  usage.parquet: {copies} x {reader.metadata.num_rows:,} rows", flush=True)


def widen_id_pattern(contract: Path) -> None:
    """Let the customer-id pattern of ``contract`` take 8 digits (10 million ids)."""
    text = contract.read_text()
    contract.write_text(text.replace(r"'^C\d{7}$'", r"'^C\d{7,8}$'"))


def main() -> None:
    """Command line: SOURCE_RAW TARGET_RAW COPIES."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("copies", type=int)
    arguments = parser.parse_args()
    replicate(arguments.source, arguments.target, arguments.copies)


if __name__ == "__main__":
    main()
