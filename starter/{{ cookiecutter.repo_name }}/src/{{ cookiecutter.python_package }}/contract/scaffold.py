"""``make contract SOURCE=...``: draft the contract and catalog entry of a raw file.

    python -m {{ cookiecutter.python_package }}.contract.scaffold data/01_raw/penguins.csv --target species
    python -m {{ cookiecutter.python_package }}.contract.scaffold data/01_raw/visits.csv --join-by patient_id

Without ``--join-by`` the file becomes the entity source of a new contract: the current
``contract.yml``, ``catalog_sources.yml``, ``globals.yml``, ``expectations/`` and
``parameters_model_card.yml`` of ``conf/base`` move to ``conf/example`` (still
runnable: ``kedro run --env example``) and new ones are written. With ``--join-by`` the file is added as an event source of
the current contract, joined on those columns. Where the project has a ``spark``
environment, the same file's Spark entry goes to ``conf/spark/catalog_sources.yml``
(replacing the example's entries, or added). Either way, read the draft, settle every
``# CHECK`` line, then ``make run``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.python_package }}.contract.draft import (
    as_identifier,
    draft_columns,
    flow_mapping,
    key_candidates,
    render_source,
    sanitise,
)

_USER_FILES = (
    "contract.yml",
    "catalog_sources.yml",
    "globals.yml",
    "expectations",
    "parameters_model_card.yml",
)
_SNIFFED_BYTES = 65536
# pandas' CSV options the scaffold sets, by the name Spark's CSV reader gives them
_SPARK_CSV_OPTIONS = {"sep": "sep", "quotechar": "quote", "encoding": "encoding"}


def read_raw(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The file as the catalog will read it, and the catalog entry that reads it so."""
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path), {"type": "pandas.ParquetDataset"}
    load_args: dict[str, Any] = {"dtype": "str", "keep_default_na": False}
    head = path.read_bytes()[:_SNIFFED_BYTES]
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        sample = head.decode("latin-1")
        load_args["encoding"] = "latin-1"
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    if dialect.delimiter != ",":
        load_args["sep"] = dialect.delimiter
    if dialect.quotechar != '"':
        load_args["quotechar"] = dialect.quotechar
    frame = pd.read_csv(path, **load_args)
    return frame, {"type": "pandas.CSVDataset", "load_args": load_args}


def catalog_entry(
    name: str, path: Path, entry: dict[str, Any], prefix: str = ""
) -> str:
    """A ``<name>_raw`` catalog entry with its gate."""
    lines = [f"{prefix}{name}_raw:", f"  type: {entry['type']}", f"  filepath: {path}"]
    if "file_format" in entry:
        lines.append(f"  file_format: {entry['file_format']}")
    if "load_args" in entry:
        args = ", ".join(f"{k}: {_flow(v)}" for k, v in entry["load_args"].items())
        lines.append(f"  load_args: {flow_mapping(args)}")
    suite = f"{name}_raw"
    options = flow_mapping(
        f"suite: {suite}" + (", without_target: true" if prefix else "")
    )
    lines.append(
        "  validator: {class: {{ cookiecutter.python_package }}.validation.GXValidator, on: load, "
        f"options: {options}" + "}"
    )
    lines.append("  metadata: {kedro-viz: {layer: raw}}")
    return "\n".join(lines) + "\n"


def spark_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """The Spark reading of the file a pandas ``entry`` reads: CSV as text, Parquet."""
    if entry["type"] == "pandas.ParquetDataset":
        return {"type": "spark.SparkDataset", "file_format": "parquet"}
    options = {
        spark: entry["load_args"][pandas]
        for pandas, spark in _SPARK_CSV_OPTIONS.items()
        if pandas in entry["load_args"]
    }
    return {
        "type": "{{ cookiecutter.python_package }}.datasets.spark.SparkDataset",  # pandas' names for
        "file_format": "csv",  # columns without a header
        "load_args": {"header": True, "inferSchema": False, **options},
    }


def _flow(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and not value.isalnum():
        return json.dumps(value)  # a double-quoted YAML scalar: "\t", "'", ";"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Draft, write and say what was written and what to check."""
    args = _parser().parse_args(argv)
    source = Path(args.source)
    if not source.is_file():
        _say(f"No file {source}.", file=sys.stderr)
        return 2
    frame, entry = read_raw(source)
    name = args.name or re.sub(r"_raw$", "", sanitise([source.stem])[0])
    if args.target not in frame.columns:  # a project name given instead
        named = dict(zip(sanitise(list(frame.columns)), frame.columns, strict=True))
        args.target = named.get(args.target, args.target)
    if args.join_by is None and args.target not in frame.columns:
        _say(
            f"Name the target column: TARGET=<one of {list(frame.columns)}>",
            file=sys.stderr,
        )
        return 2
    columns = draft_columns(frame, args.target)
    by_raw = dict(zip(frame.columns, (c.name for c in columns), strict=True))
    key = [by_raw.get(k, k) for k in (args.key.split(",") if args.key else [])]
    join_by = (
        [by_raw.get(c, c) for c in args.join_by.split(",")] if args.join_by else None
    )
    candidates = [c for c in key_candidates(frame, columns) if c not in (join_by or [])]
    if not key and len(candidates) == 1:
        key = candidates
    for column in columns:
        if column.name in key or column.name in (join_by or []):
            column.fields, column.checks = as_identifier(column.fields), []
    dates = [c for c in columns if c.fields["type"] == "date"]
    if join_by and len(dates) == 1:  # the time axis of the events
        dates[0].fields["role"] = "date"
    block = render_source(name, columns, key, candidates, len(frame), join_by)
    conf = Path(args.conf) / "base"
    if join_by:
        _append(conf, name, block, catalog_entry(name, source, entry))
    else:
        _replace(conf, name, block, catalog_entry(name, source, entry))
    spark = Path(args.conf) / "spark"
    also = ""
    if spark.is_dir():
        written = _write_spark(
            spark, catalog_entry(name, source, spark_entry(entry)), join_by
        )
        also = f" (for --env spark: {written})"
    checks = sum(len(c.checks) for c in columns)
    _say(
        f"Drafted sources.{name} in {conf / 'contract.yml'} ({len(columns)} columns, "
        f"{checks} to CHECK) and {name}_raw in {conf / 'catalog_sources.yml'}{also}.\n"
        "Read the draft, settle each # CHECK, then `make run`.\n"
        f"To undo: git checkout -- {args.conf} && git clean -fd {args.conf} "
        f"(puts {args.conf} back as last committed)."
    )
    return 0


def _replace(conf: Path, name: str, block: str, entry: str) -> None:
    """Move the current data description to conf/example; write the new one."""
    example = conf.parent / "example"
    if (conf / "contract.yml").exists():
        if example.exists():
            example = conf.parent / f"example_{dt.datetime.now():%Y%m%d%H%M%S}"
        example.mkdir(parents=True)
        moved = [item for item in _USER_FILES if (conf / item).exists()]
        for item in moved:
            shutil.move(str(conf / item), example / item)
        _own_data_dir(example / "globals.yml", f"data/{example.name}")
        _say(
            f"Moved {', '.join(moved)} from {conf} to {example} (still runnable: "
            f"kedro run --env {example.name}, its outputs under data/{example.name})."
        )
    as_of = dt.date.today().isoformat()
    (conf / "globals.yml").write_text(
        "# Values shared by several configuration files (use as ${globals:<key>}).\n"
        f'as_of_date: "{as_of}"  # snapshot date: `as_of` in the contract\'s max\n'
        "data_dir: data\n"
        f"mlflow_experiment: {name}\n"
        f"model_name: {name}  # the registered model in the MLflow Model Registry\n"
    )
    (conf / "parameters_model_card.yml").write_text(
        "# What the model card says that only people can (see docs/adapting.md).\n"
        "model_card:\n"
        "  intended_use: >-\n"
        "    CHECK: what the model predicts, for whom, and which decision it informs.\n"
        '  out_of_scope: "CHECK: the uses it must not serve."\n'
        "  limitations: []\n"
    )
    (conf / "contract.yml").write_text(
        "# The data contract, drafted by `make contract`: edit it, see docs/adapting.md.\n"
        "contract:\n"
        "  as_of_date: ${globals:as_of_date}\n\n"
        "  sources:\n" + block
    )
    to_score = catalog_entry(
        name,
        Path(f"data/01_raw/inference/{name}.csv"),
        {
            "type": "pandas.CSVDataset",
            "load_args": {"dtype": "str", "keep_default_na": False},
        },
        prefix="inference.",
    )
    (conf / "catalog_sources.yml").write_text(
        "# Your raw data: one entry `<source>_raw` per source of the contract.\n"
        + entry
        + "\n# Rows to score with `kedro run --pipelines inference` (no target column):\n"
        + "".join(f"# {line}\n" for line in to_score.splitlines())
    )


def _own_data_dir(globals_file: Path, data_dir: str) -> None:
    """Point an environment's outputs at their own folder."""
    text = globals_file.read_text() if globals_file.exists() else ""
    kept = [line for line in text.splitlines() if not line.startswith("data_dir:")]
    globals_file.write_text("\n".join([*kept, f"data_dir: {data_dir}"]) + "\n")


def _append(conf: Path, name: str, block: str, entry: str) -> None:
    """Add an event source to the current contract and catalog."""
    contract = (conf / "contract.yml").read_text()
    if f"\n    {name}:\n" in contract:
        raise SystemExit(f"sources.{name} is already in {conf / 'contract.yml'}.")
    (conf / "contract.yml").write_text(contract.rstrip("\n") + "\n\n" + block)
    with (conf / "catalog_sources.yml").open("a") as catalog:
        catalog.write("\n" + entry)


def _write_spark(spark: Path, entry: str, join_by: list[str] | None) -> Path:
    """The Spark reading of the new file: replaces the example's, or is added."""
    sources = spark / "catalog_sources.yml"
    if join_by and sources.exists():
        with sources.open("a") as catalog:
            catalog.write("\n" + entry)
    else:
        sources.write_text(
            "# Your raw data as Spark reads it (`kedro run --env spark`): the same files\n"
            "# as conf/base/catalog_sources.yml, one entry per source of the contract.\n"
            + entry
        )
    return sources


def _say(message: str, file: Any = None) -> None:
    """What the command did or needs, for the person who ran it."""
    print(message, file=file or sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="the raw file (CSV, TSV or Parquet)")
    parser.add_argument("--target", help="raw header of the column to predict")
    parser.add_argument("--name", help="source name (default: the file's name)")
    parser.add_argument("--key", help="raw headers of the unique key, comma-separated")
    parser.add_argument(
        "--join-by", help="add as an event source joined on these raw headers"
    )
    parser.add_argument("--conf", default="conf", help="the configuration folder")
    return parser


if __name__ == "__main__":
    sys.exit(main())
