"""Section 7 of `make bench`: data engineering and training on Spark at 1 and 10 million customers,
against the pandas route at 1 million.

Each measurement is one `kedro run --pipelines data_engineering,model_engineering`
(training bounded to ``EPOCHS`` epochs) in a fresh copy of the project: wall time,
and the peak of the summed resident memory of the process tree (the Python driver and,
on Spark, its JVM). 10 million customers are ten key-distinct copies of the 1 million
raw files (benchmarks/replicate.py).

    python -m benchmarks.spark [--workdir DIR] [--sizes 1000000 10000000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    copy_code,
    kedro,
    node_timings,
    project_with_data,
    table,
)
from benchmarks.replicate import replicate, widen_id_pattern
from {{ cookiecutter.python_package }}.pipeline_registry import register_pipelines
from {{ cookiecutter.python_package }}.spark import SparkSetupError, check_java

EPOCHS = 3
# The JVM heap per size (SPARK_DRIVER_MEMORY, read by conf/spark/spark.yml): spark.yml's
# 4g below 5 million customers; 8g at 10 million, where 4g spills the sorts and the
# cached rows to disk (docs/scaling.md).
LARGE = 5_000_000
LARGE_DRIVER_MEMORY = "8g"
PIPELINES = {
    name: register_pipelines()[name]
    for name in ("data_engineering", "model_engineering")
}
BASE = 1_000_000


def unavailable() -> str | None:
    """Why the Spark route cannot run here (no PySpark, no Java 17), or None."""
    if importlib.util.find_spec("pyspark") is None:
        return 'no PySpark: pip install -e ".[spark]"'
    try:
        check_java()
    except SparkSetupError as error:
        return str(error)
    return None


def measure(workdir: Path, sizes: list[int], base: int = BASE) -> dict[str, Any]:
    """The Spark route at each size (multiples of ``base``), and pandas at ``base``."""
    source = project_with_data(workdir, base) / "data" / "01_raw"
    results = {}
    for customers in sizes:
        project = _project(workdir, customers, source, base)
        print(f"  Spark, {customers:,} customers", flush=True)
        results[f"spark_{customers}"] = _run(
            project, customers, "spark", driver_memory(customers)
        )
    project = _project(workdir, base, source, base, route="pandas")
    print(f"  pandas, {base:,} customers", flush=True)
    results["pandas"] = _run(project, base, "base")
    return results


def _project(
    workdir: Path, customers: int, source: Path, base: int, route: str = "spark"
) -> Path:
    """A fresh copy of the code with the raw data of ``customers`` customers."""
    project = workdir / f"{route}_{customers}"
    raw = project / "data" / "01_raw"
    if project.exists():
        for entry in project.iterdir():
            if entry.name != "data":
                _remove(entry)
        for layer in (project / "data").glob("*"):
            if layer != raw:
                _remove(layer)
    project.mkdir(parents=True, exist_ok=True)
    copy_code(project)
    if customers == base:
        if not raw.exists():
            raw.parent.mkdir(parents=True, exist_ok=True)
            raw.symlink_to(source)
    else:
        if not (raw / "usage.parquet").exists():
            print(f"  replicating {customers:,} customers", flush=True)
            replicate(source, raw, customers // base)
        widen_id_pattern(project / "conf" / "base" / "contract.yml")
    return project


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path)


def driver_memory(customers: int) -> str | None:
    """The Spark driver's heap for ``customers``; None: spark.yml's default (4g)."""
    return LARGE_DRIVER_MEMORY if customers >= LARGE else None


def _run(
    project: Path, customers: int, env: str, memory: str | None = None
) -> dict[str, Any]:
    run = kedro(
        project,
        "run",
        "--env",
        env,
        "--pipelines",
        ",".join(PIPELINES),
        "--params",
        # The MLP, as the published figures were measured (trees are the default).
        f"model_engineering.model.kind=mlp,model_engineering.model.mlp.max_epochs={EPOCHS}",
        tree=True,
        env={"SPARK_DRIVER_MEMORY": memory} if memory else None,
    )
    (project / "bench.log").write_text(run.stdout)
    timings = node_timings(run)
    return {
        "customers": customers,
        "route": "pandas" if env == "base" else "spark",
        "driver_memory": (memory or "4g") if env != "base" else None,
        "wall_s": run.seconds,
        "startup_s": timings["startup_s"],
        "pipelines_s": {
            name: sum(timings["nodes_s"].get(n.name, 0.0) for n in pipeline.nodes)
            for name, pipeline in PIPELINES.items()
        },
        "nodes_s": timings["nodes_s"],
        "peak_tree_bytes": run.peak_tree_bytes,
        "epochs": EPOCHS,
    }


def report(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Rows of the Spark table: one per route and size, with the ratio to pandas."""
    pandas = results["pandas"]
    rows = []
    for result in results.values():
        rows.append(
            [
                result["route"],
                f"{result['customers']:,}",
                result["wall_s"],
                result["pipelines_s"]["data_engineering"],
                result["pipelines_s"]["model_engineering"],
                result["peak_tree_bytes"] / 2**30,
                result.get("driver_memory") or "-",
                result["wall_s"] / pandas["wall_s"],
                result["peak_tree_bytes"] / pandas["peak_tree_bytes"],
            ]
        )
    header = ["route", "customers", "wall s", "DE s", "training s", "peak GiB",
              "driver heap", "wall / pandas", "peak / pandas"]  # fmt: skip
    return header, rows


def main() -> None:
    """Run the section alone; print its table and write results/spark.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "{{ cookiecutter.python_package }}_bench",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[BASE, 10 * BASE])
    arguments = parser.parse_args()
    results = measure(arguments.workdir, arguments.sizes)
    print(table("7. Spark route (data engineering + training)", *report(results)))
    out = Path(__file__).resolve().parent / "results" / "spark.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written {out}")


if __name__ == "__main__":
    main()
