"""Section 3: each Great Expectations gate, as a run validates it, against the same rules
as plain pandas boolean checks (benchmarks/pandas_rules.py) on the same frame."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.config import OmegaConfigLoader
from kedro.io import AbstractDataset
from kedro.io.catalog_config_resolver import CatalogConfigResolver

from benchmarks import pandas_rules
from benchmarks.common import kedro, median, run_child
from {{ cookiecutter.python_package }}.config import CONFIG_LOADER_ARGS
from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.contract.expectations import suite_names
from {{ cookiecutter.python_package }}.contract.loading import parse_contract
from {{ cookiecutter.python_package }}.validation import ValidationSession


def measure(project: Path, rows: int, repetitions: int) -> dict[str, Any]:
    """Every gate of the training pipelines on (at most) ``rows`` rows of its frame."""
    config = OmegaConfigLoader(str(project / "conf"), **CONFIG_LOADER_ARGS)
    contract = parse_contract(config["parameters"]["contract"])
    if not any((project / "data/05_model_input").glob("train_set.parquet/*")):
        kedro(project, "run", "--pipelines", "data_engineering")
    session = ValidationSession(contract=contract, extras=config["expectations"])
    results = {}
    for name, entry in _gated(config["catalog"], contract):
        suite = entry["validator"]["options"]["suite"]
        frame = _load(project, name, entry).head(rows)
        rules = session.rules(suite)
        started = time.perf_counter()
        first = session.validate(suite, frame)  # builds the suite and its definition
        setup = time.perf_counter() - started
        gx_seconds, pandas_seconds = [], []
        for _ in range(repetitions):
            started = time.perf_counter()
            session.validate(suite, frame)
            gx_seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            agrees = pandas_rules.validate(frame, rules) == first.success
            pandas_seconds.append(time.perf_counter() - started)
        results[suite] = {
            "rows": len(frame),
            "rules": len(rules),
            "passed": first.success,
            "pandas_agrees": agrees,
            "first_validation_s": setup,
            "gx_s": median(gx_seconds),
            "pandas_s": median(pandas_seconds),
            "ratio": median(gx_seconds) / median(pandas_seconds),
        }
        print(
            f"  {suite}: {len(frame):,} rows, {results[suite]['ratio']:.2f}x",
            flush=True,
        )
    return results


def import_seconds() -> float:
    """`import great_expectations` in a fresh interpreter (median of 3).

    Run from a script file: under ``python -c`` PySpark (installed with the spark
    extra, and imported by GX) takes the process for a doctest run and exits it.
    """
    code = (
        "import time\nt = time.perf_counter()\nimport great_expectations\n"
        "print('import_seconds', time.perf_counter() - t)\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "import_gx.py"
        script.write_text(code)
        runs = [run_child([sys.executable, str(script)], Path.cwd()) for _ in range(3)]
    return median(
        [
            float(line.split()[1])
            for run in runs
            for line in run.stdout.splitlines()
            if line.startswith("import_seconds ")
        ]
    )


def _gated(
    catalog: dict[str, Any], contract: Contract
) -> list[tuple[str, dict[str, Any]]]:
    """The training pipelines' gated datasets (inference reuses the same suites)."""
    resolver = CatalogConfigResolver(catalog)
    entries = [(name, resolver.resolve_pattern(name)) for name in suite_names(contract)]
    return [(name, entry) for name, entry in entries if "validator" in entry]


def _load(project: Path, name: str, entry: dict[str, Any]) -> pd.DataFrame:
    """The dataset as its gate sees it: loaded raw, or the last version saved."""
    config = {k: v for k, v in entry.items() if k not in {"validator", "metadata"}}
    config["filepath"] = str(project / config["filepath"])
    return AbstractDataset.from_config(name, config).load()


def report(results: dict[int, dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Rows of the gate table: one per suite and size."""
    rows = []
    for size, suites in results.items():
        for suite, result in suites.items():
            rows.append(
                [
                    suite,
                    f"{size:,}",
                    f"{result['rows']:,}",
                    result["rules"],
                    result["gx_s"],
                    result["pandas_s"],
                    result["ratio"],
                    "yes" if result["pandas_agrees"] else "NO",
                ]
            )
    header = [
        "gate",
        "size",
        "rows",
        "rules",
        "GX s",
        "pandas s",
        "ratio",
        "same verdict",
    ]
    return header, rows
