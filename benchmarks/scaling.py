"""Sections 1 and 2: the default `kedro run` at growing sizes, and the same computation
as one plain function (benchmarks/plain_pipeline.py), run alternately, side by side."""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader

from benchmarks.common import kedro, median, node_timings, project_with_data, run_child
from benchmarks.plain_pipeline import load_raw
from ml_template.config import CONFIG_LOADER_ARGS
from ml_template.pipeline_registry import register_pipelines

PIPELINES = {
    name: register_pipelines()[name]
    for name in ("data_engineering", "model_engineering", "evaluation")
}
RAW = ("customers", "usage", "tickets")


def measure(workdir: Path, sizes: dict[int, int]) -> dict[str, Any]:
    """Per size (customers -> repetitions): Kedro and plain runs, alternated."""
    results = {}
    for customers, repetitions in sizes.items():
        project = project_with_data(workdir, customers)
        spec = _plain_spec(project)
        kedro_runs, plain_runs = [], []
        for repetition in range(repetitions):
            print(f"  {customers:,} customers, repetition {repetition + 1}", flush=True)
            kedro_runs.append(kedro(project, "run"))
            plain_runs.append(
                run_child(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.plain_pipeline",
                        str(spec),
                        str(workdir / f"plain_{customers}"),
                    ],
                    cwd=Path(__file__).resolve().parents[1],
                )
            )
        results[str(customers)] = {
            "customers": customers,
            "repetitions": repetitions,
            "raw_bytes": _raw_bytes(spec),
            "kedro": _summary(kedro_runs),
            "plain": _summary(plain_runs),
            "project": str(project),
        }
    return results


def _summary(runs: list[Any]) -> dict[str, Any]:
    timings = [node_timings(run) for run in runs]
    nodes = {
        name: median([t["nodes_s"][name] for t in timings])
        for name in timings[0]["nodes_s"]
    }
    pipelines = {
        name: median(
            [
                sum(t["nodes_s"].get(n.name, 0.0) for n in pipeline.nodes)
                for t in timings
            ]
        )
        for name, pipeline in PIPELINES.items()
    }
    return {
        "wall_s": median([run.seconds for run in runs]),
        "wall_all_s": [run.seconds for run in runs],
        "startup_s": median([t["startup_s"] for t in timings]),
        "after_last_node_s": median([t["after_last_node_s"] for t in timings]),
        "peak_bytes": median([run.peak_bytes for run in runs]),
        "pipelines_s": pipelines,
        "nodes_s": nodes,
    }


def _plain_spec(project: Path) -> Path:
    """Parameters and raw inputs for plain_pipeline.py, from the project's config."""
    config = OmegaConfigLoader(str(project / "conf"), **CONFIG_LOADER_ARGS)
    catalog = config["catalog"]
    spec = {
        "parameters": config["parameters"],
        "raw": {
            source: {
                "filepath": str(project / catalog[f"{source}_raw"]["filepath"]),
                "load_args": catalog[f"{source}_raw"].get("load_args", {}),
            }
            for source in RAW
        },
    }
    path = project / "plain_spec.json"
    path.write_text(json.dumps(spec))
    return path


def _raw_bytes(spec_path: Path) -> int:
    """In-memory size of the raw sources, loaded as the catalog loads them."""
    spec = json.loads(spec_path.read_text())
    return int(sum(load_raw(spec["raw"][s]).memory_usage(deep=True).sum() for s in RAW))


def report(
    results: dict[str, Any],
) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """Rows of the scaling table and of the overhead table."""
    scaling, overhead = [], []
    for result in results.values():
        k, p = result["kedro"], result["plain"]
        scaling.append(
            [
                f"{result['customers']:,}",
                result["repetitions"],
                k["wall_s"],
                k["startup_s"],
                k["pipelines_s"]["data_engineering"],
                k["pipelines_s"]["model_engineering"],
                k["pipelines_s"]["evaluation"],
                k["after_last_node_s"],
                k["peak_bytes"] / 2**30,
                result["raw_bytes"] / 2**30,
                k["peak_bytes"] / result["raw_bytes"],
            ]
        )
        overhead.append(
            [
                f"{result['customers']:,}",
                k["wall_s"],
                p["wall_s"],
                k["wall_s"] / p["wall_s"],
                k["startup_s"],
                p["startup_s"],
                p["peak_bytes"] / 2**30,
            ]
        )
    return (
        ["customers", "reps", "wall s", "start-up s", "DE s", "ME s", "eval s",
         "after nodes s", "peak GiB", "raw GiB", "peak/raw"],
        scaling,
        ["customers", "kedro run s", "plain s", "ratio", "kedro start-up s",
         "plain start-up s", "plain peak GiB"],
        overhead,
    )  # fmt: skip


def growth(results: dict[str, Any]) -> dict[str, float]:
    """Exponent of node time between consecutive sizes (1.0 is linear)."""
    ordered = sorted(results.values(), key=lambda r: r["customers"])
    exponents = {}
    for small, large in itertools.pairwise(ordered):
        work = [sum(r["kedro"]["nodes_s"].values()) for r in (small, large)]
        exponents[f"{small['customers']}->{large['customers']}"] = math.log(
            work[1] / work[0]
        ) / math.log(large["customers"] / small["customers"])
    return exponents


def top_nodes(result: dict[str, Any], count: int = 5) -> list[list[Any]]:
    """The slowest nodes of a run, with their share of the node time."""
    nodes = result["kedro"]["nodes_s"]
    total = sum(nodes.values())
    ranked = sorted(nodes.items(), key=lambda item: -item[1])[:count]
    return [[name, seconds, seconds / total] for name, seconds in ranked]
