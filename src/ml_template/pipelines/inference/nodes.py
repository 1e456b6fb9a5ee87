"""Inference nodes: check rows to score by the contract, then predict."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from ml_template.conformal import prediction_sets, set_labels
from ml_template.contract import Contract, ContractError, clean
from ml_template.contract.model import ROW_ID
from ml_template.contract.rows import check_rows
from ml_template.errors import MalformedRowsError
from ml_template.models import FittedModel
from ml_template.models.fitted import predicted_labels, scored_frame
from ml_template.monitoring import (
    MonitoringParams,
    compare,
    metrics,
    quarantine_shares,
    to_html,
)
from ml_template.runs.registry import RegisteredModel
from ml_template.serving import as_frame
from ml_template.user_errors import UserError

_SHOWN = 10
# Up to this many rows, checking each value beats Narwhals' cost per expression.
ROWS_CHECKED_ONE_BY_ONE = 10_000
logger = logging.getLogger(__name__)


class NoChampionError(UserError, LookupError):
    """Batch inference without a registered champion to score with."""


class DriftError(UserError, RuntimeError):
    """A batch to score that drifted from training, under ``on_drift: fail``."""


NO_CHAMPION = (
    "No model holds the registry's `champion` alias yet: train one with `kedro run` "
    "(the first completed training run becomes the champion)."
)


def use_champion(
    champion: RegisteredModel | None,
) -> tuple[FittedModel, dict[str, Any]]:
    """The champion's fitted bundle, for the scoring steps, and its drift reference
    (with the champion's name; only that if it has none).

    Raises:
        NoChampionError: No registered version holds the ``champion`` alias yet.
    """
    if champion is None:
        raise NoChampionError(NO_CHAMPION)
    reference = {"model": f"{champion.model_name} v{champion.version}"}
    return champion.fitted, reference | (champion.fitted.drift_reference or {})


def monitor_drift(
    features: pd.DataFrame,
    predictions: pd.DataFrame,
    reference: dict[str, Any],
    contract: Contract,
    params: MonitoringParams,
    **tables: pd.DataFrame,
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """Compare the batch with the champion's training reference.

    Returns:
        The report, the same as a self-contained HTML page, and its MLflow metrics.
    """
    title = f"Drift of the batch scored by {reference['model']}"
    if "numeric" not in reference:  # a champion logged before drift monitoring
        report = {"rows": len(features), "drifted": False, "reference": None}
        return report, f"<!doctype html><p>{title}: no reference stored.</p>", {}
    report = compare(
        reference,
        features,
        predictions,
        quarantine_shares(tables),
        contract.table,
        params,
    )
    return (
        report | {"model": reference["model"]},
        to_html(report, title),
        metrics(report),
    )


def enforce_drift_policy(report: dict[str, Any], params: MonitoringParams) -> None:
    """Warn about drift, or stop the run under ``on_drift: fail``.

    Raises:
        DriftError: The batch drifted and the policy is ``fail``.
    """
    if report.get("psi_judged") is False:
        logger.warning(
            "The batch has %d rows, fewer than monitoring.min_rows (%d): its PSI is "
            "not judged (on so few rows it is noise); unseen values and rows set "
            "aside still are.",
            report["rows"],
            params.min_rows,
        )
    if not report["drifted"]:
        return
    worst = [
        f"{row['feature']} (PSI {row['psi']:.2f}, unseen {row['unknown_share']:.0%})"
        for row in report["features"]
        if row["status"] == "drift"
    ]
    sources = [s for s, q in report["quarantine"].items() if q["status"] == "drift"]
    message = (
        f"The batch drifted from training: {', '.join(worst) or 'no feature'}; "
        f"predictions PSI {report['prediction']['psi']:.2f}"
        + (f"; more rows quarantined in {', '.join(sources)}" if sources else "")
        + " (data/08_reporting/inference/drift_report.html)."
    )
    if params.on_drift == "fail":
        raise DriftError(message)
    logger.warning(message)


def prepare_rows(rows: Any, contract: Contract) -> pd.DataFrame:
    """Type and check primary-table rows to score by the contract (text is fine).

    ``rows`` is a DataFrame, a dict of columns or a list of records (MLflow's
    ``instances`` and ``inputs`` formats).

    Entity columns arrive under their raw header or their project name, aggregates of
    event sources under their project name. Every rule that would quarantine a row in
    training refuses it here, and aggregates keep the ranges training checks
    (:attr:`Contract.scored`). A few rows are checked value by value
    (:func:`~ml_template.contract.rows.check_rows`), more by :func:`clean`: the same
    verdicts either way.

    Raises:
        MalformedRowsError: Columns are missing or unknown, or rows break the contract;
            the message names each row, the rule and the value, never the whole frame.
    """
    entity, scored = contract.entity, contract.scored
    rows = as_frame(rows)
    given_ids = rows.pop(ROW_ID) if ROW_ID in rows.columns else None
    if renamed := _to_raw_names(rows, contract):
        rows = rows.rename(columns=renamed)
    _check_columns(rows, contract)
    check = check_rows if len(rows) <= ROWS_CHECKED_ONE_BY_ONE else clean
    try:
        clean_rows, rejected = check(
            rows, scored, contract.entity_name, max_quarantined=1.0
        )
    except ContractError as exc:
        raise MalformedRowsError(f"Rows to score break the contract: {exc}") from None
    problems = [
        f"row {position}{_ids(rejected.loc[position], contract)}: {reason}"
        for position, reason in zip(
            rejected.index, rejected["quarantine_reason"], strict=True
        )
    ]
    if problems:
        raise MalformedRowsError(
            f"{len(problems)} problem(s) in the rows to score: "
            + "; ".join(problems[:_SHOWN])
        )
    if given_ids is not None and not entity.key:
        clean_rows[ROW_ID] = given_ids.to_numpy()
    return clean_rows


def _ids(row: pd.Series, contract: Contract) -> str:
    """`` (customer_id 'C0000001')``: the row's key as sent, when it has one."""
    entity = contract.entity
    given = [
        f"{name} {row[entity.raw_name(name)]!r}"
        for name in entity.key
        if str(row.get(entity.raw_name(name), "")).strip()
    ]
    return f" ({', '.join(given)})" if given else ""


def _to_raw_names(rows: pd.DataFrame, contract: Contract) -> dict[str, str]:
    """Project names sent instead of raw headers, mapped to the raw headers."""
    entity = contract.entity
    return {
        name: entity.raw_name(name)
        for name in entity.columns
        if name in rows.columns and entity.raw_name(name) not in rows.columns
    }


def _check_columns(rows: pd.DataFrame, contract: Contract) -> None:
    entity, aggregates = contract.entity, contract.aggregates
    expected = [
        entity.raw_name(n)
        for n, c in entity.kept.items()
        if c.role not in ("target", "weight")
    ] + aggregates
    missing = [c for c in expected if c not in rows.columns]
    known = {entity.raw_name(n) for n in entity.columns} | set(aggregates)
    unknown = [str(c) for c in rows.columns if c not in known]
    if missing or unknown:
        raise MalformedRowsError(
            f"Rows to score lack the columns {missing} or carry unknown ones {unknown}; "
            f"send {expected}."
        )


def predict(
    features: pd.DataFrame, fitted_model: FittedModel, contract: Contract
) -> pd.DataFrame:
    """Each row's ids, calibrated class probabilities, predicted label and conformal
    prediction set.

    Binary targets use the decision threshold chosen on the validation split; others
    the most probable class. ``prediction_set`` lists the classes whose probability
    reaches the conformal rule's (at its configured confidence); a model registered
    before conformal sets existed returns no set.
    """
    table, conformal = contract.table, fitted_model.conformal
    probabilities = fitted_model.predict_proba(features)
    predictions = scored_frame(features, table.ids, table.classes, probabilities)
    labels = predicted_labels(
        probabilities, fitted_model.decision_threshold["threshold"]
    )
    predictions[f"predicted_{table.target}"] = np.asarray(table.classes)[labels]
    if "min_probability" in conformal:
        members = prediction_sets(probabilities, conformal)
        predictions["prediction_set"] = set_labels(members, table.classes)
    return predictions
