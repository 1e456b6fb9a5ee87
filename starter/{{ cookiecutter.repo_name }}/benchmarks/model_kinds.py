"""Section 8: the model kinds side by side, on the bundled data and on public tables
from Python packages the project did not write.

Each table goes through what a user does: its CSV in ``data/01_raw``, ``make contract``
(the scaffold's draft, unedited), then one default ``kedro run`` per kind in the same
copy (the same splits). Reported per kind: test ROC-AUC (macro one-vs-rest for more
than two classes), expected calibration error and log-loss after temperature scaling,
the best baseline's ROC-AUC and the run's wall time.

    python -m benchmarks.model_kinds [--kinds mlp hist_gradient_boosting]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.common import ROOT, copy_code, kedro, run_child, table

RESULTS = ROOT / "benchmarks" / "results" / "model_kinds.json"
KINDS = ("mlp", "hist_gradient_boosting")


def _penguins() -> pd.DataFrame:
    import palmerpenguins  # noqa: PLC0415

    folder = Path(palmerpenguins.__file__).parent / "data"
    return pd.read_csv(folder / "penguins-raw.csv", dtype=str, keep_default_na=False)


def _breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer  # noqa: PLC0415

    data = load_breast_cancer(as_frame=True)
    names = dict(enumerate(data.target_names))
    return data.frame.assign(target=data.frame["target"].map(names)).rename(
        columns={"target": "diagnosis"}
    )


def _vega(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from vega_datasets import data  # noqa: PLC0415

        return data(name)

    return load


#: Public tables: (loader, target column, where the table comes from).
TABLES: dict[str, tuple[Callable[[], pd.DataFrame], str, str]] = {
    "penguins": (_penguins, "Species", "palmerpenguins: penguins-raw.csv"),
    "breast_cancer": (_breast_cancer, "diagnosis", "scikit-learn: load_breast_cancer"),
    "cars": (_vega("cars"), "Origin", "vega_datasets: cars"),
    "seattle_weather": (_vega("seattle_weather"), "weather", "vega_datasets"),
}


def measure(workdir: Path, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Every table's runs, one per kind."""
    workdir = workdir.resolve()
    results: dict[str, Any] = {"bundled": _bundled(workdir / "bundled", kinds)}
    for name, (load, target, origin) in TABLES.items():
        print(f"  {name}", flush=True)
        project = _fresh(workdir / name)
        source = project / "data" / "01_raw" / f"{name}.csv"
        frame = load()
        frame.to_csv(source, index=False)
        run_child(
            [sys.executable, "-m", "{{ cookiecutter.python_package }}.contract.scaffold", str(source),
             "--target", target],
            project,
        )  # fmt: skip
        results[name] = {
            "origin": origin,
            "rows": len(frame),
            "classes": int(frame[target].nunique()),
            "kinds": {kind: _run(project, kind) for kind in kinds},
        }
    return results


def _bundled(project: Path, kinds: tuple[str, ...]) -> dict[str, Any]:
    print("  bundled", flush=True)
    project = _fresh(project)
    shutil.copytree(ROOT / "data" / "01_raw", project / "data" / "01_raw",
                    dirs_exist_ok=True)  # fmt: skip
    return {
        "origin": "the example (data/01_raw)",
        "rows": None,
        "classes": 2,
        "kinds": {kind: _run(project, kind) for kind in kinds},
    }


def _fresh(project: Path) -> Path:
    if project.exists():
        shutil.rmtree(project)
    (project / "data" / "01_raw").mkdir(parents=True)
    copy_code(project)
    return project


def _run(project: Path, kind: str) -> dict[str, Any]:
    """One default run of ``kind``: its test metrics and wall time."""
    measured = kedro(project, "run", "--params", f"model_engineering.model.kind={kind}")
    (record,) = sorted((project / "data" / "runs").glob("*.json"))[-1:]
    version = json.loads(record.read_text())["version"]
    metrics = _output(project, "08_reporting/evaluation_metrics.json", version)
    model, baselines = metrics["model"], metrics["baselines"]
    best = max(baselines, key=lambda name: baselines[name]["roc_auc"])
    return {
        "seconds": measured.seconds,
        "roc_auc": model["roc_auc"],
        "ece": model["ece"],
        "log_loss": model["log_loss"],
        "accuracy": model["accuracy"],
        "temperature": metrics["calibration"]["temperature"],
        "test_rows": metrics["test_rows"],
        "best_baseline": best,
        "best_baseline_roc_auc": baselines[best]["roc_auc"],
    }


def _output(project: Path, dataset: str, version: str) -> Any:
    path = project / "data" / dataset / version / Path(dataset).name
    return json.loads(path.read_text())


def report(results: dict[str, Any]) -> str:
    """The comparison as a Markdown table."""
    rows = []
    for name, entry in results.items():
        for kind, figures in entry["kinds"].items():
            rows.append(
                [
                    name,
                    entry["classes"],
                    figures["test_rows"],
                    kind,
                    f"{figures['roc_auc']:.4f}",
                    f"{figures['ece']:.4f}",
                    f"{figures['log_loss']:.4f}",
                    f"{figures['best_baseline']} {figures['best_baseline_roc_auc']:.4f}",
                    f"{figures['seconds']:.1f}",
                ]
            )
    return table(
        "8. Model kinds side by side (one default run each, same splits)",
        ["table", "classes", "test rows", "kind", "test ROC-AUC", "ECE", "log-loss",
         "best baseline (ROC-AUC)", "run s"],
        rows,
    )  # fmt: skip


def main() -> None:
    """Measure, save results/model_kinds.json and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench_kinds")
    parser.add_argument("--kinds", nargs="+", default=list(KINDS))
    args = parser.parse_args()
    results = measure(args.workdir, tuple(args.kinds))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))


if __name__ == "__main__":
    main()
