"""A corpus of raw mutations on every source of the fixture: each one either stops with
a message that names the dataset (and the contract field or values), or quarantines
rows with a reason. None is accepted silently.

The raw file is read by its real catalog entry, checked by its raw gate, cleaned by the
contract and checked by its intermediate gate, as a run does (without the rest of the
run, to stay fast).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog
from kedro.io.catalog_config_resolver import CatalogConfigResolver

from {{ cookiecutter.python_package }}.contract import Contract, clean
from {{ cookiecutter.python_package }}.synthetic import generate
from {{ cookiecutter.python_package }}.validation import GXValidator, ValidationSession, gates

Mutation = Callable[[pd.DataFrame, str, Contract], pd.DataFrame | bytes | None]


def _column(contract: Contract, source: str, kind: str) -> str:
    """A feature column of ``kind`` of the source (its raw header)."""
    spec = contract.sources[source]
    name = next(
        n for n, c in spec.columns.items() if c.type == kind and c.role == "feature"
    )
    return spec.raw_name(name)


def _rows(frame: pd.DataFrame, share: float) -> np.ndarray:
    return np.arange(len(frame)) % int(1 / share) == 0


def _missing_column(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    return f.drop(columns=_column(c, s, "number"))


def _renamed_column(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    column = _column(c, s, "number")
    return f.rename(columns={column: f"{column} (renamed)"})


def _text_in_numbers(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    column = _column(c, s, "number")
    f = f.astype({column: "str"})
    f.loc[_rows(f, 0.01), column] = "4,200 n/a"
    return f


def _empty_file(f: pd.DataFrame, s: str, c: Contract) -> bytes:
    return b""


def _header_only(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    return f.iloc[:0]


def _all_null(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    column = _column(c, s, "number")
    return f.assign(**{column: pd.Series([None] * len(f), dtype="object")})


def _duplicated_ids(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    copies = f.iloc[: len(f) // 4].copy()
    column = _column(c, s, "number")
    copies[column] = copies[column].astype("str") + "1"
    return pd.concat([f.astype({column: "str"}), copies], ignore_index=True)


def _out_of_range(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    column = _column(c, s, "number")
    f = f.astype({column: "str"})
    f.loc[_rows(f, 0.01), column] = "-999999"
    return f


def _extra_column(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    return f.assign(**{"unexpected": "x"})


def _duplicated_rows(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    return pd.concat([f, f.iloc[: len(f) // 50]], ignore_index=True)


def _foreign_digits(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    """1% of the values of the source's patterned column written with Arabic-Indic
    digits (Python's ``\\d`` takes them); the frame as it is without such a column."""
    spec = c.sources[s]
    patterned = [n for n, column in spec.columns.items() if column.pattern]
    if not patterned:
        return f
    column, rows = spec.raw_name(patterned[0]), _rows(f, 0.01)
    f = f.astype({column: "str"})
    digits = str.maketrans(
        "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
    )
    f.loc[rows, column] = f.loc[rows, column].str.translate(digits)
    return f


def _text_mutation(edit: Callable[[bytes], bytes]) -> Mutation:
    def mutate(f: pd.DataFrame, s: str, c: Contract) -> bytes | None:
        return edit(f.to_csv(index=False).encode())

    return mutate


def _parquet_mutation(edit: Callable[[bytes], bytes]) -> Mutation:
    def mutate(f: pd.DataFrame, s: str, c: Contract) -> bytes | None:
        import io  # noqa: PLC0415

        buffer = io.BytesIO()
        f.to_parquet(buffer)
        return edit(buffer.getvalue())

    return mutate


def _wrong_parquet_types(f: pd.DataFrame, s: str, c: Contract) -> pd.DataFrame:
    number = _column(c, s, "number")
    return f.assign(**{number: f[number].astype("str") + " units"})


MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "missing column": (_missing_column, "any"),
    "renamed column": (_renamed_column, "any"),
    "text in a numeric column": (_text_in_numbers, "any"),
    "empty file": (_empty_file, "any"),
    "header only": (_header_only, "any"),
    "non-UTF-8 bytes": (_text_mutation(lambda b: b.replace(b"e", b"\xe9", 3)), "csv"),
    "another delimiter": (_text_mutation(lambda b: b.replace(b",", b";")), "csv"),
    "all-null column": (_all_null, "any"),
    "duplicated ids": (_duplicated_ids, "any"),
    "out-of-range values": (_out_of_range, "any"),
    "extra column": (_extra_column, "any"),
    "duplicated rows": (_duplicated_rows, "any"),
    "wrong Parquet types": (_wrong_parquet_types, "parquet"),
    "corrupt Parquet": (_parquet_mutation(lambda b: b[: len(b) // 2]), "parquet"),
    "ids in another script's digits": (_foreign_digits, "customers"),
}


def _applies(applies: str, source: str) -> bool:
    """Whether a mutation applies to ``source``: any, a file format (usage is the
    Parquet source), or the one source named."""
    if applies in ("csv", "parquet"):
        return (applies == "csv") == (source != "usage")
    return applies in ("any", source)


@pytest.fixture(scope="module")
def raw_data(contract: Contract) -> dict[str, pd.DataFrame]:
    data = generate(n_customers=400, seed=3, as_of=str(contract.as_of_date), dirt=False)
    return {"customers": data.customers, "usage": data.usage, "tickets": data.tickets}


def _write(mutated: pd.DataFrame | bytes, path: Path, entry: dict[str, Any]) -> None:
    if isinstance(mutated, bytes):
        path.write_bytes(mutated)
    elif entry["type"].endswith("ParquetDataset"):
        mutated.to_parquet(path)
    else:
        mutated.to_csv(path, index=False)


def outcome(
    config: Any, contract: Contract, source: str, mutated: Any, folder: Path
) -> tuple[str, str]:
    """``("fails", message)`` or ``("quarantines", reasons)`` or ``("accepted", "")``."""
    name = f"{source}_raw"
    entry = dict(CatalogConfigResolver(config["catalog"]).resolve_pattern(name))
    entry.pop("validator")
    path = folder / Path(entry["filepath"]).name
    entry["filepath"] = str(path)
    _write(mutated, path, entry)
    try:
        with gates(ValidationSession(contract=contract)):
            raw = DataCatalog.from_config({name: entry}).load(name)
            GXValidator(name).validate(raw)
            kept, quarantine = clean(raw, contract, source)
            GXValidator(f"{source}_intermediate").validate(kept)
    except Exception as error:  # every way of stopping counts
        return "fails", f"{type(error).__name__}: {error}"
    reasons = quarantine["quarantine_reason"]
    if len(reasons):
        causes = reasons.str.replace(r": '.*'$", "", regex=True).value_counts()
        return "quarantines", "; ".join(f"{c} ({n})" for c, n in causes.items())
    return "accepted", ""


CASES = [
    (source, mutation)
    for source in ("customers", "usage", "tickets")
    for mutation, (_, applies) in MUTATIONS.items()
    if _applies(applies, source)
]


@pytest.mark.parametrize(
    ("source", "mutation"), CASES, ids=[f"{s}: {m}" for s, m in CASES]
)
def test_no_mutation_is_accepted_silently(
    config: Any,
    contract: Contract,
    raw_data: dict[str, pd.DataFrame],
    tmp_path: Path,
    source: str,
    mutation: str,
) -> None:
    mutate, _ = MUTATIONS[mutation]

    kind, text = outcome(
        config,
        contract,
        source,
        mutate(raw_data[source].copy(), source, contract),
        tmp_path,
    )

    assert kind in ("fails", "quarantines"), f"{source}: {mutation} was accepted"
    if kind == "fails":
        assert source in text, text  # the dataset or the source is named
        assert "Traceback" not in text
    else:
        assert text
