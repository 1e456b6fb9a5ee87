"""Release: what a completed training run does with its logged model, in one order.

1. **Register** the logged model as a new version of the registered model.
2. **Decide** against the current champion: the run's challenger gate
   (``evaluation.challenge_champion``) compared the model with the champion it read;
   the alias moves only if that champion still holds it (compare-and-set, under a
   file lock shared by this project's runs), so a run that compared against an older
   champion never overwrites a newer one.
3. **Move the alias** when the challenger won, and record the outcome on the run.
4. **Write the model card** (Markdown and HTML), saved with the run and logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from filelock import FileLock

from ml_template.model_card import RunFacts
from ml_template.runs.cards import write_model_card
from ml_template.runs.registry import CHAMPION, champion_version, register

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Release:
    """The registered version of a run's model and whether it took the alias."""

    version: str
    champion: bool
    outcome: str


def release(
    client: Any,
    model_name: str,
    model_uri: str,
    decision: dict[str, Any],
    run: RunFacts,
    lock_folder: Path,
) -> Release:
    """Register the run's model and move the champion alias if it won (steps 1-3)."""
    metric = decision["metric"]
    version = register(
        client,
        model_uri,
        model_name,
        {
            "run": run.run_version,
            "metric": metric,
            "score": f"{decision['challenger']:.4f}",
        },
    )
    lock_folder.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_folder / ".release.lock"):
        current = champion_version(client, model_name)
        compared = decision["champion_version"]
        moved = current != compared
        wins = bool(decision["challenger_wins"]) and not moved
        if wins:
            client.set_registered_model_alias(model_name, CHAMPION, version)
    if moved:
        outcome = (
            f"{model_name} v{version} registered; the champion stays v{current}, "
            f"which took the alias after this run compared against "
            f"{'no champion' if compared is None else f'v{compared}'}"
        )
    elif wins:
        outcome = f"{model_name} v{version} is the champion"
    else:
        outcome = f"{model_name} v{version} registered; the champion stays v{compared}"
    _record(client, run.mlflow_run_id, decision, f"{outcome} ({decision['reason']})")
    logger.info("%s: %s.", outcome, decision["reason"])
    return Release(version=version, champion=wins, outcome=outcome)


def _record(
    client: Any, run_id: str | None, decision: dict[str, Any], outcome: str
) -> None:
    """The decision on the training run: both scores as metrics, the outcome as a tag."""
    if run_id is None:
        return
    metric = decision["metric"]
    client.log_metric(run_id, f"promotion.challenger.{metric}", decision["challenger"])
    if decision["champion"] is not None:
        client.log_metric(run_id, f"promotion.champion.{metric}", decision["champion"])
    client.set_tag(run_id, "promotion", outcome)


def release_run(
    catalog: Any,
    client: Any,
    model_uri: str | None,
    facts: RunFacts,
    params: dict[str, Any],
    lock_folder: Path,
) -> RunFacts:
    """Steps 1-4 for a completed run; the facts with the registry's answer."""
    saved = catalog.written
    if model_uri and "promotion_decision" in saved:
        decision = catalog.load("promotion_decision")
        answer = release(
            client, facts.model_name, model_uri, decision, facts, lock_folder
        )
        facts = replace(facts, model_version=answer.version, champion=answer.champion)
    write_model_card(catalog, facts, params, sorted(saved))
    return facts
