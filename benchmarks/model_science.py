"""What the model science costs and gives: the default run side by side with a
checkout without it (boosted trees, calibration, conformal sets, importance, the
card), on the same raw data, alternated; the figures it reports; and a short search.

    python -m benchmarks.model_science --customers 1000000 --before ../before
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    copy_code,
    kedro,
    median,
    node_timings,
    project_with_data,
    table,
)

# The nodes this work added to the default run (the card is written by a hook, after).
NEW_NODES = (
    "model_engineering.fit_calibration",
    "model_engineering.fit_conformal",
    "evaluation.predict_baselines",
    "evaluation.permutation_importances",
    "evaluation.plot_importances",
    "model_engineering.choose_hyperparameters",
)


def measure(
    workdir: Path, customers: int, repetitions: int, before: Path, trials: int
) -> dict[str, Any]:
    """Alternate default runs of this checkout and of ``before`` on the same data."""
    after_project = project_with_data(workdir, customers)
    before_project = workdir / f"before_{customers}"
    if before_project.exists():
        shutil.rmtree(before_project)
    before_project.mkdir(parents=True)
    copy_code(before_project, before)
    (before_project / "data").mkdir()
    (before_project / "data" / "01_raw").symlink_to(after_project / "data" / "01_raw")
    runs: dict[str, list[Any]] = {"before": [], "after": []}
    for repetition in range(repetitions):
        for name, project in (("before", before_project), ("after", after_project)):
            print(f"  {customers:,} customers, {name}, {repetition + 1}", flush=True)
            runs[name].append(kedro(project, "run"))
    timings = [node_timings(run) for run in runs["after"]]
    search = kedro(
        after_project, "run", "--pipelines", "tuning",
        "--params", f"tuning.n_trials={trials}",
    )  # fmt: skip
    return {
        "customers": customers,
        "before_s": median([run.seconds for run in runs["before"]]),
        "after_s": median([run.seconds for run in runs["after"]]),
        "new_nodes_s": {
            node: median([t["nodes_s"].get(node, 0.0) for t in timings])
            for node in NEW_NODES
        },
        "metrics": _latest_json(after_project, "08_reporting/evaluation_metrics.json"),
        "tuning": _latest_json(after_project, "06_models/best_hyperparameters.json")
        | {"wall_s": search.seconds},
    }


def _latest_json(project: Path, relative: str) -> dict[str, Any]:
    path = sorted((project / "data" / relative).glob("*/*"))[-1]
    return json.loads(path.read_text())


def report(result: dict[str, Any]) -> str:
    """The side-by-side times and the figures of the issue's table."""
    metrics, search = result["metrics"], result["tuning"]
    ratio = result["after_s"] / result["before_s"]
    baselines = metrics["baselines"]
    calibration, sets = metrics["calibration"], metrics["conformal"]
    oracle = (metrics.get("oracle") or {}).get("roc_auc")
    return "\n\n".join(
        [
            table(
                f"Default run, {result['customers']:,} customers (medians)",
                ["without model science s", "with s", "ratio"],
                [[result["before_s"], result["after_s"], ratio]],
            ),
            table(
                "Nodes added (median s)",
                ["node", "seconds"],
                [[n, s] for n, s in result["new_nodes_s"].items()],
            ),
            table(
                "Test figures",
                [
                    "model",
                    "logistic",
                    "boosted trees",
                    "oracle",
                    "ECE before",
                    "ECE after",
                    "coverage",
                    "mean set size",
                ],
                [
                    [
                        metrics["model"]["roc_auc"],
                        baselines["logistic"]["roc_auc"],
                        baselines["boosted_trees"]["roc_auc"],
                        oracle if oracle is not None else "-",
                        calibration["ece_before"],
                        calibration["ece_after"],
                        sets["coverage"],
                        sets["mean_set_size"],
                    ]
                ],
            ),
            table(
                "Hyper-parameter search",
                ["trials", "pruned", "default val. loss", "best val. loss", "wall s"],
                [
                    [
                        search["trials"],
                        search["pruned"],
                        search["default_validation_loss"],
                        search["validation_loss"],
                        search["wall_s"],
                    ]
                ],
            ),
        ]
    )


def main() -> None:
    """Measure and print; ``--json`` keeps the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=15_000)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ml_template_bench",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(
        args.workdir, args.customers, args.repetitions, args.before, args.trials
    )
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
