"""The model card: every section from the run's outputs, Markdown and an offline page."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from {{ cookiecutter.python_package }}.model_card import (
    ModelCardParams,
    RunFacts,
    build,
    to_html,
    to_markdown,
)
from tests.conftest import toy_contract

FACTS = RunFacts(
    run_version="2026-11-23T10.00.00.000Z",
    model_name="churn",
    model_version="7",
    champion=True,
    mlflow_run_id="abc123",
    datasets={"model": "2026-11-23T10.00.00.000Z", "train_set": "v0"},
)
PARAMS = ModelCardParams(
    intended_use="Rank customers for a <retention> call.",
    limitations=["Trained on last year's customers."],
)


def _metrics(model: float = 0.9, trees: float = 0.88) -> dict:
    scores = {"roc_auc": model, "pr_auc": 0.8, "log_loss": 0.4, "brier": 0.12}
    return {
        "model": scores | {"ece": 0.02, "accuracy": 0.8, "f1": 0.7},
        "baselines": {
            "majority": {"roc_auc": 0.5, "ece": 0.0},
            "boosted_trees": {"roc_auc": trees, "ece": 0.03},
        },
        "oracle": {"roc_auc": 0.93},
        "calibration": {
            "temperature": 1.3,
            "ece_before": 0.05,
            "ece_after": 0.02,
            "brier_before": 0.13,
            "brier_after": 0.12,
        },
        "conformal": {
            "confidence": 0.9,
            "coverage": 0.905,
            "mean_set_size": 1.25,
            "singleton_share": 0.75,
            "empty_share": 0.0,
        },
        "best_roc_auc": "model" if model >= trees else "boosted_trees",
        "test_rows": 2198,
    }


def _outputs(**metrics: float) -> dict:
    return {
        "evaluation_metrics": _metrics(**metrics),
        "drift_reference": {
            "rows": 10254,
            "quarantine": {"rows": 0.034},
            "numeric": {"x": {}, "noise": {}},
            "categorical": {"colour": {}},
        },
        "feature_importance": pd.DataFrame(
            {
                "column": ["x", "colour", "noise"],
                "importance": [0.3, 0.1, 0.0],
                "std": [0.01, 0.01, 0.0],
            }
        ),
        "model_description": "Boosted trees, 40 rounds.",
        "hyperparameters": {
            "model": {"kind": "hist_gradient_boosting", "hist_gradient_boosting": {}},
            "source": "tuning run 2026-11-22T09.00.00.000Z",
        },
        "training_history": [
            {"step": 1, "validation_loss": 0.5},
            {"step": 2, "validation_loss": 0.4},
        ],
    }


MANIFEST = {
    "git": {"commit": "0123abc", "dirty": False},
    "packages": {"torch": "2.13.0", "mapie": "1.6.0"},
    "inputs": {"rows_raw": {"sha256": "f" * 64, "bytes": 1234}},
}


def _card(**metrics: float) -> list:
    return build(
        FACTS,
        _outputs(**metrics),
        toy_contract(),
        {"psi_drift": 0.25, "on_drift": "fail"},
        PARAMS,
        MANIFEST,
    )


def test_every_section_carries_the_runs_numbers() -> None:
    markdown = to_markdown(_card())

    titles = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    assert titles == [
        "Model card: churn v7",
        "Intended use",
        "Data and contract",
        "Performance on the test split",
        "Calibration and uncertainty",
        "What drives the predictions",
        "Drift monitoring",
        "Training",
        "Known limitations",
        "Lineage",
    ]
    assert "the registry's champion" in markdown
    assert "| oracle (true probabilities) | 0.9300 |" in markdown
    assert "| boosted_trees | 0.8800 |" in markdown
    assert "temperature 1.300; test ECE 0.0500 before, 0.0200 after" in markdown
    assert "true class for 90.5% of test rows, 1.25 classes on average" in markdown
    assert "| x | 0.3000 | 0.0100 |" in markdown
    assert "| rows | " in markdown and "3.4%" in markdown  # quarantined share
    assert "trained on 10,254 rows and tested on 2,198" in markdown
    assert "on drift the run fails" in markdown
    assert "Boosted trees, 40 rounds. Settings from tuning run 2026-11-22" in markdown
    assert "best validation loss 0.4000 at step 2" in markdown
    assert "commit 0123abc" in markdown and "f" * 64 in markdown
    assert "MLflow run abc123" in markdown
    assert "- Trained on last year's customers." in markdown


def test_a_stronger_baseline_is_named_a_limitation() -> None:
    stronger = to_markdown(_card(model=0.85, trees=0.88))

    assert (
        "- The boosted_trees baseline scores a higher test ROC-AUC "
        "(0.8800 against 0.8500): consider serving it." in stronger
    )
    assert "consider serving it" not in to_markdown(_card())


def test_the_page_reads_offline_and_escapes_text() -> None:
    page = to_html(_card())

    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert not re.search(r"(src|href)=", page)  # no external asset
    assert "Rank customers for a &lt;retention&gt; call." in page
    assert "<code>churn</code>" in page
    assert page.count("<table>") == 4  # sources, metrics, features, inputs


@pytest.mark.parametrize("missing", ["feature_importance", "drift_reference"])
def test_sections_without_their_output_are_left_out(missing: str) -> None:
    outputs = _outputs()
    del outputs[missing]

    markdown = to_markdown(build(FACTS, outputs, toy_contract(), {}, PARAMS, None))

    title = {"feature_importance": "What drives", "drift_reference": "Drift"}[missing]
    assert f"## {title}" not in markdown
    assert "## Lineage" in markdown
