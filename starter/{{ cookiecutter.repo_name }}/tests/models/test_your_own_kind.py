"""docs/adapting.md, "Your own model": a kind written in one module and chosen by one
block of configuration runs through the whole default pipeline: gates, calibration,
conformal sets, baselines, the registry, the model card and the logged model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.python_package }}.models import Model, ModelInputs, StepReport, Task
from tests.conftest import run_session


class LogisticSettings(BaseModel):
    """``model_engineering.model.logistic``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    C: float = Field(default=1.0, gt=0)


class Logistic(Model):
    """Logistic regression on the prepared inputs, categories one-hot encoded; saved as
    its coefficients in JSON."""

    Settings = LogisticSettings
    settings: LogisticSettings

    def __init__(self, settings: BaseModel, task: Task) -> None:
        super().__init__(settings, task)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        self.cardinalities: tuple[int, ...] = ()

    def fit(
        self,
        train: ModelInputs,
        validation: ModelInputs,
        report: StepReport | None = None,
    ) -> list[dict[str, float]]:
        """One fit; the history is its validation log-loss."""
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
        from sklearn.metrics import log_loss  # noqa: PLC0415

        self.cardinalities = train.cardinalities
        fitted = LogisticRegression(C=self.settings.C, max_iter=2000).fit(
            self._matrix(train), train.labels()
        )
        self.coef, self.intercept = fitted.coef_, fitted.intercept_
        probabilities = fitted.predict_proba(self._matrix(validation))
        loss = float(log_loss(validation.labels(), probabilities))
        return [{"step": 0, "validation_loss": loss}]

    def predict_raw(self, inputs: ModelInputs) -> np.ndarray:
        """The linear scores: log-odds (two classes) or one logit per class."""
        scores = self._matrix(inputs) @ np.asarray(self.coef).T + self.intercept
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def save(self, folder: Path) -> None:
        """``logistic.json``: coefficients, intercept, input shape, classes."""
        (folder / "logistic.json").write_text(
            json.dumps(
                {
                    "settings": self.settings.model_dump(),
                    "classes": list(self.task.classes),
                    "cardinalities": list(self.cardinalities),
                    "coef": np.asarray(self.coef).tolist(),
                    "intercept": np.asarray(self.intercept).tolist(),
                }
            )
        )

    @classmethod
    def load(cls, folder: Path) -> Logistic:
        """Rebuild from ``logistic.json``."""
        saved = json.loads((folder / "logistic.json").read_text())
        model = cls(
            LogisticSettings(**saved["settings"]), Task(tuple(saved["classes"]))
        )
        model.coef, model.intercept = (
            np.asarray(saved["coef"]),
            np.asarray(saved["intercept"]),
        )
        model.cardinalities = tuple(saved["cardinalities"])
        return model

    def describe(self) -> str:
        """What the model card says."""
        return f"Logistic regression (C {self.settings.C}) on one-hot categories."

    def _matrix(self, inputs: ModelInputs) -> np.ndarray:
        one_hot = [
            np.eye(size)[inputs.categorical[:, i]]
            for i, size in enumerate(self.cardinalities)
        ]
        return np.hstack([inputs.numeric, *one_hot])


_MINE: dict[str, Any] = {
    "model_engineering": {
        "model": {
            "kind": "logistic",
            "logistic": {"class": f"{__name__}.Logistic", "C": 0.5},
        }
    }
}


@pytest.mark.slow
def test_your_own_kind_runs_through_the_default_pipeline(project_copy: Path) -> None:
    run_session(project_copy, _MINE)

    (record,) = [
        json.loads(p.read_text()) for p in (project_copy / "data/runs").glob("*.json")
    ]
    assert record["model_version"] == "1" and record["champion"] is True
    bundle = next((project_copy / "data/06_models/fitted_model").glob("*/*"))
    manifest = json.loads((bundle / "bundle.json").read_text())
    assert manifest["kind_class"] == f"{__name__}.Logistic"
    assert (bundle / "model/logistic.json").is_file()
    metrics = json.loads(
        next(
            (project_copy / "data/08_reporting/evaluation_metrics.json").glob("*/*")
        ).read_text()
    )
    assert 0.6 < metrics["model"]["roc_auc"] <= 1.0
    assert metrics["calibration"]["method"] == "temperature"
    assert 0.0 < metrics["conformal"]["coverage"] <= 1.0
    card = next((project_copy / "data/08_reporting/model_card.md").glob("*/*"))
    assert "Logistic regression (C 0.5) on one-hot categories." in card.read_text()

    client = mlflow.MlflowClient(f"sqlite:///{project_copy / 'mlflow.db'}")
    logged = client.get_logged_model(record["model_uri"].removeprefix("models:/"))
    model = mlflow.pyfunc.load_model(logged.artifact_location.removeprefix("file://"))
    primary = next((project_copy / "data/03_primary/primary_table.parquet").glob("*/*"))
    rows = pd.read_parquet(primary).drop(columns="churned").head(3)
    predictions = model.predict(rows)
    assert predictions["probability_yes"].between(0, 1).all()
    assert len(predictions) == 3
