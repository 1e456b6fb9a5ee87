"""`make bench`: every benchmark, side by side in one run; prints the tables and writes
them as JSON (benchmarks/results/latest.json). Never part of the test suite.

    python -m benchmarks.run_all [--quick] [--workdir DIR]

--quick (a few minutes) checks the machinery on small data (results/quick.json,
git-ignored); the full run (about 27 minutes on 2 cores, plus about 30 for the Spark
route when PySpark and Java 17 are present) measures 10k, 15k (the bundled size), 100k
and 1M customers, the Spark route at 1M and 10M, and each model kind on the bundled
data and four public tables. The work directory keeps the
generated raw data, so a second run skips data generation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks import (
    gates,
    inference,
    model_kinds,
    runs,
    scaling,
    side_by_side,
    spark,
    training,
)
from benchmarks.common import ROOT, table

BUNDLED = 15_000  # customers in data/01_raw
FULL: dict[str, Any] = {
    "scaling": {10_000: 5, 15_000: 5, 100_000: 5, 1_000_000: 3},  # 15,000: bundled size
    "gates": {100_000: 5, 1_000_000: 5},
    "training_repetitions": 5,
    "runs": 10,
    "spark": {"base": 1_000_000, "sizes": [1_000_000, 10_000_000]},
    "kinds": ("mlp", "hist_gradient_boosting"),
    "side_by_side": 5,
}
QUICK: dict[str, Any] = {
    "scaling": {2_000: 2, 6_000: 2},
    "gates": {6_000: 2},
    "training_repetitions": 2,
    "runs": 3,
    "spark": {"base": 6_000, "sizes": [6_000, 12_000]},
    "kinds": ("hist_gradient_boosting",),
    "side_by_side": 2,
}


def main() -> None:
    """Run every section, print its table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ml_template_bench",
    )
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    started = time.time()
    results: dict[str, Any] = {"machine": _machine(), "plan": _jsonable(plan)}

    print("1-2. Scaling of the default pipeline, and Kedro against plain functions")
    results["scaling"] = scaling.measure(arguments.workdir, plan["scaling"])
    results["growth_exponents"] = scaling.growth(results["scaling"])
    largest = max(plan["scaling"])
    projects = {
        size: Path(results["scaling"][str(size)]["project"]) for size in plan["scaling"]
    }

    print("3. Gates: Great Expectations against plain pandas")
    results["gx_import_s"] = gates.import_seconds()
    results["gates"] = {
        str(rows): gates.measure(
            projects[min(s for s in projects if s >= rows)], rows, repetitions
        )
        for rows, repetitions in plan["gates"].items()
    }

    print("4. Training loop against a minimal loop")
    middle = sorted(projects)[len(projects) // 2]
    results["training"] = training.measure(
        projects[middle], plan["training_repetitions"]
    )

    print("5. Inference through the logged MLflow model")
    results["inference"] = inference.measure(projects[middle])

    print("6. Runs: storage per run; registry, promotion and drift monitoring")
    results["runs"] = runs.measure(arguments.workdir, plan["runs"])

    print("7. The Spark route: data engineering and training, against pandas")
    reason = spark.unavailable()
    if reason is None:
        results["spark"] = spark.measure(
            arguments.workdir, plan["spark"]["sizes"], plan["spark"]["base"]
        )
    else:
        print(f"  skipped: {reason}")

    print("8. Model kinds side by side: the bundled data and public tables")
    results["model_kinds"] = model_kinds.measure(
        arguments.workdir / "kinds", plan["kinds"]
    )

    print("9. The command line, side by side with the spaceflights-pandas starter")
    results["side_by_side"] = side_by_side.measure(
        projects[min(projects, key=lambda size: abs(size - BUNDLED))],
        arguments.workdir,
        plan["side_by_side"],
    )

    results["seconds"] = time.time() - started
    print()
    print(render(results, largest))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    name = "quick.json" if arguments.quick else "latest.json"
    (out / name).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to benchmarks/results/{name} ({results['seconds'] / 60:.1f} min)")


def render(results: dict[str, Any], largest: int) -> str:
    """Every table of the report, as text."""
    scaling_header, scaling_rows, overhead_header, overhead_rows = scaling.report(
        results["scaling"]
    )
    gates_header, gates_rows = gates.report(
        {int(size): suites for size, suites in results["gates"].items()}
    )
    train, infer = results["training"], results["inference"]
    sections = [
        table("Default `kedro run` by size (medians)", scaling_header, scaling_rows),
        "Growth exponent of node time (1.0 = linear): "
        + ", ".join(f"{k}: {v:.2f}" for k, v in results["growth_exponents"].items()),
        table(
            f"Slowest nodes at {largest:,} customers",
            ["node", "s", "share"],
            scaling.top_nodes(results["scaling"][str(largest)]),
        ),
        table(
            "Framework overhead: `kedro run` / plain function",
            overhead_header,
            overhead_rows,
        ),
        table(
            "Gates: Great Expectations / plain pandas (medians)",
            gates_header,
            gates_rows,
        ),
        f"`import great_expectations`: {results['gx_import_s']:.2f} s (paid once, by runs that validate)",
        table(
            "Training loop (samples/s, medians)",
            ["train rows", "epochs", "batch", "threads", "project", "minimal", "ratio"],
            [
                [
                    train["train_rows"],
                    train["epochs"],
                    train["batch_size"],
                    train["threads"],
                    train["project_samples_per_s"],
                    train["minimal_samples_per_s"],
                    train["ratio"],
                ]
            ],
        ),
        table(
            "Inference, logged MLflow model in-process (medians)",
            ["rows", "reps", "ms", "rows/s"],
            [
                [f"{r['rows']:,}", r["repetitions"], r["median_ms"], r["rows_per_s"]]
                for r in infer["in_process"].values()
            ],
        ),
        table(
            "Inference, the logged model's load in a fresh process (medians)",
            ["import mlflow s", "load_model s", "as make serve loads it s"],
            [
                [
                    infer["load_s"]["import_mlflow_s"],
                    infer["load_s"]["load_model_s"],
                    infer["load_s"]["load_model_serve_s"],
                ]
            ],
        ),
        table(
            "Inference, `make serve` on 127.0.0.1, one row per request",
            [
                "requests",
                "server start s",
                "median ms",
                "p95 ms",
                "50 MB body refused s",
            ],
            [
                [
                    infer["served"]["requests"],
                    infer["served"]["startup_s"],
                    infer["served"]["median_ms"],
                    infer["served"]["p95_ms"],
                    infer["served"]["oversized_s"],
                ]
            ],
        ),
    ]
    if "runs" in results:
        sections.append(runs.report(results["runs"]))
    if "spark" in results:
        sections.append(
            table(
                f"Spark route: data engineering + training ({spark.EPOCHS} epochs), "
                "one run each",
                *spark.report(results["spark"]),
            )
        )
    if "model_kinds" in results:
        sections.append(model_kinds.report(results["model_kinds"]))
    if "side_by_side" in results:
        sections += [
            table(*part) for part in side_by_side.report(results["side_by_side"])
        ]
    return "\n\n".join(sections)


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.cuda.is_available(),
        "date": time.strftime("%Y-%m-%d"),
    }


def _jsonable(plan: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(plan, default=str))


if __name__ == "__main__":
    main()
