"""Drift monitoring in real inference runs: a batch from the training population is
not flagged; a shifted one (the generator's `shift`) is, and `on_drift: fail` stops
the run before it commits. A batch with bad rows scores the others."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import pytest

from ml_template.pipelines.inference.nodes import DriftError
from tests.conftest import NOT_COPIED, load_config, run_session

pytestmark = pytest.mark.slow


def _records(project: Path) -> list[dict]:
    return [
        json.loads(p.read_text())
        for p in sorted((project / "data/runs").glob("*.json"))
    ]


def _new_customers(project: Path, shift: float, seed: int) -> None:
    """Regenerate the batch to score: 1,000 customers from the (shifted) population."""
    synthetic: dict[str, Any] = dict(
        load_config(project / "conf")["parameters"]["synthetic"]
    )
    synthetic["as_of_date"] = str(synthetic["as_of_date"])
    synthetic["new_customers"] = {
        **synthetic["new_customers"],
        "n_customers": 1000,
        "seed": seed,
        "shift": shift,
    }
    run_session(project, {"synthetic": synthetic}, pipeline_names=["synthetic"])


def _score(project: Path, **params: Any) -> dict:
    run_session(project, params or None, pipeline_names=["inference"])
    record = _records(project)[-1]
    path = (
        project / f"data/08_reporting/inference/drift_report.json/{record['version']}"
    )
    return json.loads((path / "drift_report.json").read_text()) | {"record": record}


@pytest.fixture(scope="module")
def champion(tiny_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project with a trained champion."""
    project = tmp_path_factory.mktemp("drift") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    return project


def test_a_fresh_batch_from_the_training_population_is_not_flagged(
    champion: Path,
) -> None:
    _new_customers(champion, shift=0.0, seed=101)

    report = _score(champion)

    assert report["drifted"] is False, [
        (r["feature"], r["psi"]) for r in report["features"] if r["status"] != "ok"
    ]
    assert report["model"] == "ml_template v1"
    html = champion / "data/08_reporting/inference/drift_report.html"
    (page,) = html.glob(f"{report['record']['version']}/*.html")
    assert "<script" not in page.read_text()


def test_a_shifted_batch_is_flagged_and_logged(champion: Path) -> None:
    _new_customers(champion, shift=1.0, seed=102)

    report = _score(champion)

    assert report["drifted"] is True
    # Older customers, higher charges, more dropped calls: the generator's shift.
    assert {"age", "monthly_charges", "avg_dropped_calls"} <= set(
        report["drifted_features"]
    )
    run = mlflow.MlflowClient(
        tracking_uri=f"sqlite:///{champion / 'mlflow.db'}"
    ).get_run(report["record"]["mlflow_run_id"])
    assert run.data.metrics["drift.psi.age"] >= 0.25
    assert run.data.metrics["drift.drifted_features"] >= 3
    assert run.data.tags["champion.version"] == "1"


def test_the_fail_policy_stops_the_run_before_it_commits(champion: Path) -> None:
    monitoring = dict(load_config(champion / "conf")["parameters"]["monitoring"])
    committed = len(_records(champion))

    with pytest.raises(DriftError, match=r"The batch drifted from training: .*age"):
        run_session(
            champion,
            {"monitoring": monitoring | {"on_drift": "fail"}},
            pipeline_names=["inference"],
        )

    assert len(_records(champion)) == committed


def test_a_batch_with_bad_rows_scores_the_others_and_keeps_them_with_reasons(
    champion: Path,
) -> None:
    _new_customers(champion, shift=0.0, seed=103)
    raw = champion / "data/01_raw/inference/customers.csv"
    batch = pd.read_csv(raw, dtype=str, keep_default_na=False)
    batch.loc[batch.index[:100], "plan"] = "gold"  # 10%: training's limit is 5%
    batch.to_csv(raw, index=False)

    version = _score(champion)["record"]["version"]

    def saved(path: str) -> pd.DataFrame:
        return pd.read_parquet(next((champion / "data" / path).glob(f"{version}/*")))

    predictions = saved("07_model_output/inference/predictions.parquet")
    quarantine = saved("02_intermediate/inference/quarantine/customers.parquet")
    gold = quarantine["quarantine_reason"].str.contains("plan: not in")
    assert set(batch["customer_id"][:100]) <= set(quarantine.loc[gold, "customer_id"])
    assert len(predictions) == len(batch) - len(quarantine)  # every other row
    assert len(predictions) >= 850  # the generator's own dirt sets a few aside
