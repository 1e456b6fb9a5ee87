"""The default pipeline as one plain Python function: the same node functions in the
same order, no Kedro, no gates, no MLflow. Every output is still written to disk (in
the formats the catalog uses), so the comparison isolates what the framework adds.

    python -m benchmarks.plain_pipeline SPEC_JSON OUT_DIR

SPEC_JSON holds the parameters and the raw inputs' paths and load arguments, written by
benchmarks/scaling.py from the project's configuration. Log lines have the same shape
as benchmarks/logging.yml's, so common.node_timings reads both.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ml_template.contract import Contract, clean
from ml_template.datasets import FittedModelDataset
from ml_template.models import FittedModel, ModelEngineeringParams
from ml_template.models.fitted import predict_split
from ml_template.monitoring import MonitoringParams
from ml_template.pipelines.data_engineering.nodes import (
    SplitParams,
    engineer_features,
    split_dataset,
)
from ml_template.pipelines.data_engineering.primary import build_primary_table
from ml_template.pipelines.evaluation.baselines import predict_baselines
from ml_template.pipelines.evaluation.nodes import (
    evaluate_model,
    metrics_for_tracking,
)
from ml_template.pipelines.evaluation.params import EvaluationParams
from ml_template.pipelines.evaluation.plots import (
    plot_evaluation,
    plot_interactive_curves,
)
from ml_template.pipelines.model_engineering.nodes import (
    assemble_model,
    build_drift_reference,
    choose_hyperparameters,
    choose_threshold,
    fit_calibration,
    fit_conformal,
    fit_preprocessing,
    train_model,
)


def log(message: str) -> None:
    """One timestamped line, as benchmarks/logging.yml formats Kedro's."""
    print(f"{time.time():.3f}|plain|{message}", flush=True)


def run(spec: dict[str, Any], out: Path) -> None:
    """Raw sources in, every layer, the model, metrics and plots out."""
    params = spec["parameters"]
    schema = Contract.model_validate(params["contract"])
    split = SplitParams.model_validate(params["data_engineering"]["split"])
    saved = _Saver(out)
    log("Loading raw sources")
    tables, outputs = {}, {}
    for source in schema.sources:
        raw = load_raw(spec["raw"][source])
        tables[source], quarantine = clean(raw, schema, source)
        quarantine = quarantine.reset_index(drop=True)
        outputs[source] = {"intermediate": tables[source], "quarantine": quarantine}
        saved.frame(f"{source}_intermediate", tables[source])
        saved.frame(f"{source}_quarantine", quarantine)
        log(f"Completed node: data_engineering.clean_{source}")
    events = {name: tables[name] for name in schema.events}
    primary = build_primary_table(tables[schema.entity_name], schema, **events)
    saved.frame("primary_table", primary)
    log("Completed node: data_engineering.build_primary_table")
    features = saved.frame("features", engineer_features(primary, schema))
    log("Completed node: data_engineering.engineer_features")
    train, validation, test = split_dataset(features, schema, split)
    for name, frame in (("train", train), ("validation", validation), ("test", test)):
        saved.frame(f"{name}_set", frame)
    log("Completed node: data_engineering.split_dataset")
    cleaned = {
        f"{s}_{p}": frame for s, parts in outputs.items() for p, frame in parts.items()
    }
    _model_and_evaluation(saved, train, validation, test, schema, params, cleaned)


def _model_and_evaluation(  # noqa: PLR0913, PLR0917
    saved: _Saver,
    train: pd.DataFrame,
    validation: pd.DataFrame,
    test: pd.DataFrame,
    schema: Contract,
    params: dict[str, Any],
    tables: dict[str, pd.DataFrame],
) -> None:
    """model_engineering and evaluation, node by node."""
    evaluation = EvaluationParams.model_validate(params["evaluation"])
    modelling = ModelEngineeringParams.model_validate(params["model_engineering"])
    monitoring = MonitoringParams.model_validate(params["monitoring"])
    preprocessing = fit_preprocessing(train, schema)
    log("Completed node: model_engineering.fit_preprocessing")
    hyperparameters = saved.json(
        "hyperparameters", choose_hyperparameters(modelling, {})
    )
    log("Completed node: model_engineering.choose_hyperparameters")
    trained, history = train_model(
        train, validation, preprocessing, schema, hyperparameters
    )
    saved.json("training_history", history)
    log("Completed node: model_engineering.train_model")
    calibrated = fit_calibration(validation, trained, schema)
    log("Completed node: model_engineering.fit_calibration")
    validation_predictions = predict_split(validation, calibrated, schema)
    log("Completed node: model_engineering.predict_validation")
    decision = choose_threshold(validation_predictions, schema, modelling)
    log("Completed node: model_engineering.choose_threshold")
    conformal = fit_conformal(validation, calibrated, schema, evaluation)
    log("Completed node: model_engineering.fit_conformal")
    reference = build_drift_reference(
        train, validation_predictions, schema, monitoring, **tables
    )
    log("Completed node: model_engineering.build_drift_reference")
    fitted = saved.model(assemble_model(calibrated, decision, conformal, reference))
    log("Completed node: model_engineering.assemble_model")
    baselines = saved.frame(
        "baseline_predictions",
        predict_baselines(train, test, fitted, schema, evaluation),
    )
    log("Completed node: evaluation.predict_baselines")
    test_predictions = saved.frame(
        "test_predictions", predict_split(test, fitted, schema)
    )
    log("Completed node: evaluation.predict_test")
    saved.plotly(plot_interactive_curves(test_predictions, schema))
    log("Completed node: evaluation.plot_interactive_curves")
    metrics = saved.json(
        "evaluation_metrics",
        evaluate_model(
            test_predictions,
            baselines,
            pd.DataFrame(),  # the oracle is not part of the work compared
            fitted,
            schema,
            evaluation,
        ),
    )
    log("Completed node: evaluation.evaluate_model")
    figures = plot_evaluation(
        test_predictions, baselines, fitted, history, schema, evaluation
    )
    for name, figure in zip(_PLOTS, figures, strict=True):
        saved.figure(name, figure)
    log("Completed node: evaluation.plot_evaluation")
    metrics_for_tracking(metrics, history)
    log("Completed node: evaluation.metrics_for_tracking")


_PLOTS = ("roc_curve", "precision_recall_curve", "calibration", "confusion_matrix",
          "training_curves")  # fmt: skip


def load_raw(entry: dict[str, Any]) -> pd.DataFrame:
    """One raw source, read with the catalog's load arguments but without Kedro."""
    if entry["filepath"].endswith(".csv"):
        return pd.read_csv(entry["filepath"], **entry.get("load_args", {}))
    return pd.read_parquet(entry["filepath"], **entry.get("load_args", {}))


class _Saver:
    """Writes outputs as the catalog does: Parquet, JSON, the bundle, PNG, Plotly JSON."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)

    def frame(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        frame.to_parquet(self.out / f"{name}.parquet")
        return frame

    def json(self, name: str, data: Any) -> Any:
        (self.out / f"{name}.json").write_text(json.dumps(data))
        return data

    def model(self, fitted: FittedModel) -> FittedModel:
        FittedModelDataset(filepath=str(self.out / "fitted_model")).save(fitted)
        return fitted

    def figure(self, name: str, figure: Any) -> None:
        figure.savefig(self.out / f"{name}.png", dpi=110, bbox_inches="tight")

    def plotly(self, figure: Any) -> None:
        (self.out / "evaluation_curves.json").write_text(figure.to_json())


if __name__ == "__main__":
    run(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
