"""A public table's shapes, drafted by `make contract` and trained by `make run` as a
new user would: a CSV exported with its index (an unnamed first column), more than
20,000 rows, categorical inputs only, five classes, a code written as a number, and a
survey weight. The user settles the draft's two `# CHECK`s as they say, and nothing
else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.contract.scaffold import main
from tests.conftest import copy_project, run_session

pytestmark = pytest.mark.slow

ROWS = 25_000
CLASSES = ["very poor", "poor", "fair", "good", "excellent"]


def _survey(rows: int, seed: int = 0) -> pd.DataFrame:
    """Self-rated health by region, tenure, occupation code and education."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west", "centre"], rows)
    occupation = rng.integers(1, 10, rows)
    education = rng.choice(["none", "school", "college", "degree"], rows)
    score = (
        occupation % 5
        + 2 * (education == "degree")
        + (region == "south")
        + rng.normal(0, 1, rows)
    )
    cuts = np.quantile(score, [0.2, 0.4, 0.6, 0.8])
    return pd.DataFrame(
        {
            "Region": region,
            "Tenure": rng.choice(["renter", "owner", "other"], rows, p=[0.4, 0.5, 0.1]),
            "Occupation code": occupation,
            "Education": education,
            "perwt": rng.uniform(20, 400, rows).round(1),
            "Health": np.asarray(CLASSES)[np.digitize(score, cuts)],
        }
    )


def _settle(contract: Path) -> None:
    """What the two # CHECK lines ask: the code is a category, perwt a weight."""
    codes = ", ".join(f"'{code}'" for code in range(1, 10))
    text = re.sub(
        r"(?m)^(\s+)occupation_code: \{.*$",
        rf"\1occupation_code: {{ '{{' }}raw: 'Occupation code', type: category, "
        rf"values: [{codes}]}}",
        contract.read_text(),
    )
    text = re.sub(
        r"(?m)^(\s+)perwt: \{.*$",
        r"\1perwt: {type: number, role: weight, min: 0}",
        text,
    )
    contract.write_text(text)


@pytest.fixture(scope="module")
def survey_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make contract` on the exported CSV, the CHECKs settled, then `make run`."""
    project = tmp_path_factory.mktemp("survey") / "project"
    copy_project(project)
    source = project / "data/01_raw/survey.csv"
    source.parent.mkdir(parents=True)
    _survey(ROWS).to_csv(source)  # with its index, as pandas and R export
    conf = project / "conf"
    assert main([str(source), "--target", "Health", "--conf", str(conf)]) == 0
    drafted = (conf / "base/contract.yml").read_text()
    assert "unnamed_0: {raw: 'Unnamed: 0', type: text, role: id}" in drafted
    assert "# CHECK occupation_code: 9 whole values" in drafted
    assert "# CHECK perwt: a sample weight (its name)?" in drafted
    _settle(conf / "base/contract.yml")
    run_session(project)
    return project


def _latest(project: Path, relative: str) -> Path:
    (path,) = (project / "data" / relative).glob("*/*")
    return path


def test_the_weighted_five_class_table_trains_and_is_evaluated(
    survey_run: Path,
) -> None:
    metrics = json.loads(
        _latest(survey_run, "08_reporting/evaluation_metrics.json").read_text()
    )
    card = _latest(survey_run, "08_reporting/model_card.md").read_text()
    test = pd.read_parquet(_latest(survey_run, "05_model_input/test_set.parquet"))

    assert metrics["test_rows"] == len(test) > 0.1 * ROWS
    assert metrics["model"]["roc_auc"] > 0.75  # one-vs-rest over five classes
    assert metrics["model"]["accuracy"] > metrics["baselines"]["majority"]["accuracy"]
    assert "each row counts by its sample weight `perwt`" in card
    assert pd.api.types.is_string_dtype(test["occupation_code"])  # not a quantity


def test_the_served_model_needs_neither_target_nor_weight(survey_run: Path) -> None:
    client = mlflow.MlflowClient(f"sqlite:///{survey_run / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("survey")
    (logged,) = client.search_logged_models([experiment.experiment_id])
    rows = _survey(5, seed=1).drop(columns=["Health", "perwt"])
    rows.insert(0, "Unnamed: 0", [f"new-{i}" for i in range(5)])

    predictions = mlflow.pyfunc.load_model(
        str(logged.artifact_location).removeprefix("file://")
    ).predict(rows.astype(str))

    assert predictions["unnamed_0"].tolist() == rows["Unnamed: 0"].tolist()
    probabilities = predictions[[f"probability_{name}" for name in CLASSES]]
    assert probabilities.sum(axis=1).round(6).eq(1.0).all()
    assert set(predictions["predicted_health"]) <= set(CLASSES)
