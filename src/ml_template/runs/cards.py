"""Write the model card of a completed training run (``model_card.py`` builds it)."""

from __future__ import annotations

from typing import Any

import mlflow

from ml_template.contract.loading import parse_contract
from ml_template.model_card import (
    ModelCardParams,
    RunFacts,
    build,
    to_html,
    to_markdown,
)

# What the card reads of the run's outputs (when the run saved them).
_READ = (
    "evaluation_metrics",
    "promotion_decision",
    "fitted_model",
    "feature_importance",
    "hyperparameters",
    "training_history",
)
CARDS = {"model_card": to_markdown, "model_card_html": to_html}


def write_model_card(
    catalog: Any, facts: RunFacts, params: dict[str, Any], saved: list[str]
) -> None:
    """Save the card as Markdown and HTML with the run's version and log both to the
    run's MLflow artifacts (``model_card/``), when the run evaluated a model."""
    if "evaluation_metrics" not in saved:
        return
    outputs = {name: catalog.load(name) for name in _READ if name in saved}
    fitted = outputs.pop("fitted_model", None)
    if fitted is not None:
        outputs["drift_reference"] = fitted.drift_reference
        outputs["model_description"] = fitted.describe()
    manifest = catalog.load("run_manifest") if "run_manifest" in saved else None
    sections = build(
        facts,
        outputs,
        parse_contract(params["contract"]),
        dict(params.get("monitoring") or {}),
        ModelCardParams.model_validate(params["model_card"]),
        manifest,
    )
    for name, render in CARDS.items():
        text = render(sections)
        catalog.save(name, text)
        if facts.mlflow_run_id:
            _log(facts.mlflow_run_id, text, name)


def _log(run_id: str, text: str, name: str) -> None:

    suffix = "html" if name.endswith("_html") else "md"
    mlflow.MlflowClient().log_text(
        run_id, text, f"model_card/{name.removesuffix('_html')}.{suffix}"
    )
