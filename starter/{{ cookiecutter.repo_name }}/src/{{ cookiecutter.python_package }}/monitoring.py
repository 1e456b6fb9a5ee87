"""Drift monitoring: a batch to score against the reference stored with the model.

The Population Stability Index (PSI) compares two distributions over the same bins:
``sum((actual - expected) * ln(actual / expected))``. Numeric features use ten
quantile bins of the training split plus a bin for missing values; categorical ones
their values, plus a bin for values training never saw and one for missing values.
The predicted distribution is compared the same way with the validation split's predictions
(the positive-class probability for a binary target, the predicted classes otherwise).
Usual reading (Siddiqi, *Credit Risk Scorecards*, 2006): below 0.1 stable, 0.1-0.25 a
moderate shift, above 0.25 a major one. The thresholds are parameters.

A PSI is ~20 lines of numpy; evidently, the library the issue suggested, would
downgrade plotly 7 to 5.24, add ~27 packages and a telemetry client, so it stays out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from narwhals.typing import IntoFrame
from numpy.typing import ArrayLike
from pydantic import BaseModel, ConfigDict, Field

from {{ cookiecutter.python_package }}.contract import frames
from {{ cookiecutter.python_package }}.models.fitted import probability_columns
from {{ cookiecutter.python_package }}.schema import DatasetSchema

_FLOOR = 1e-4  # an empty bin counts as this share, so the PSI stays finite
MISSING, UNKNOWN = "(missing)", "(unknown)"


class MonitoringParams(BaseModel):
    """``monitoring`` in ``parameters_inference.yml``: the drift policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bins: int = Field(
        default=10, ge=2, description="Quantile bins per numeric feature."
    )
    psi_warn: float = Field(default=0.1, gt=0)
    psi_drift: float = Field(default=0.25, gt=0)
    max_unknown_share: float = Field(
        default=0.01, ge=0, le=1, description="Values training never saw, per feature."
    )
    max_quarantine_increase: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Share of rows set aside, per source, above training's.",
    )
    on_drift: Literal["warn", "fail"] = "warn"
    min_rows: int = Field(
        default=200,
        ge=1,
        description="Fewer rows in a batch than this: PSI is not judged (it is noise).",
    )
    max_quarantined: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of a scoring batch's rows a source may set aside.",
    )


def psi(expected: ArrayLike, actual: ArrayLike) -> float:
    """Population Stability Index of two share vectors over the same bins."""
    e = np.clip(np.asarray(expected, dtype="float64"), _FLOOR, None)
    a = np.clip(np.asarray(actual, dtype="float64"), _FLOOR, None)
    return float(np.sum((a - e) * np.log(a / e)))


def _numeric_shares(values: pd.Series, edges: list[float]) -> list[float]:
    """Shares per bin (``len(edges) + 1`` bins) and, last, the missing share."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy("float64")
    present = numbers[~np.isnan(numbers)]
    counts = np.bincount(
        np.searchsorted(edges, present, side="right"), minlength=len(edges) + 1
    )
    return [
        *(counts / max(len(numbers), 1)).tolist(),
        float(np.isnan(numbers).mean()) if len(numbers) else 0.0,
    ]


def _category_shares(values: pd.Series, known: list[str]) -> dict[str, float]:
    """Share of each known value, of unknown values and of missing values."""
    text = values.astype("string")
    total = max(len(text), 1)
    missing = text.isna()
    shares = {value: float((text == value).sum() / total) for value in known}
    unknown = float((~missing & ~text.isin(known)).sum() / total)
    return shares | {UNKNOWN: unknown, MISSING: float(missing.sum() / total)}


def _numeric_reference(values: pd.Series, bins: int) -> dict[str, Any]:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy("float64")
    present = numbers[~np.isnan(numbers)]
    quantiles = np.linspace(0, 1, bins + 1)[1:-1]
    edges = np.unique(np.quantile(present, quantiles)).tolist() if len(present) else []
    return {"edges": edges, "shares": _numeric_shares(values, edges)}


def _prediction_series(
    predictions: pd.DataFrame, table: DatasetSchema
) -> tuple[str, pd.Series]:
    """What the predicted distribution is measured on, and how it is binned."""
    columns = probability_columns(table.classes)
    if table.is_binary:
        return "numeric", predictions[columns[1]]
    labels = np.asarray(table.classes)[predictions[columns].to_numpy().argmax(axis=1)]
    return "categorical", pd.Series(labels)


def quarantine_shares(tables: Mapping[str, IntoFrame]) -> dict[str, float]:
    """Per source, the share of rows cleaning set aside.

    Args:
        tables: ``<source>_intermediate`` and ``<source>_quarantine`` of each source
            (pandas or PySpark).
    """
    rows = {name: frames.row_count(table) for name, table in tables.items()}
    sources = [n.removesuffix("_quarantine") for n in rows if n.endswith("_quarantine")]
    return {
        s: rows[f"{s}_quarantine"]
        / max(rows[f"{s}_quarantine"] + rows[f"{s}_intermediate"], 1)
        for s in sources
    }


def drift_reference(
    train_set: pd.DataFrame,
    validation_predictions: pd.DataFrame,
    quarantined: dict[str, float],
    table: DatasetSchema,
    bins: int,
) -> dict[str, Any]:
    """The training distribution of every feature, of the validation split's predictions,
    and the share of each source's rows training set aside."""
    kind, predicted = _prediction_series(validation_predictions, table)
    return {
        "rows": len(train_set),
        "quarantine": quarantined,
        "numeric": {
            c: _numeric_reference(train_set[c], bins) for c in table.numeric_features
        },
        "categorical": {
            c: _category_shares(train_set[c], [str(v) for v in values])
            for c, values in table.categorical.items()
        },
        "prediction": {"kind": kind}
        | (
            _numeric_reference(predicted, bins)
            if kind == "numeric"
            else {"shares": _category_shares(predicted, table.classes)}
        ),
    }


UNJUDGED = "not judged"


def _status(value: float, params: MonitoringParams, judged: bool) -> str:
    """A PSI's verdict; none on a batch too small for PSI to mean anything (with ten
    bins, PSI between two samples of the same population is about 9 / rows: 0.45 on
    20 rows, above the drift bar; 0.045 on 200)."""
    if not judged:
        return UNJUDGED
    return (
        "drift"
        if value >= params.psi_drift
        else "warn"
        if value >= params.psi_warn
        else "ok"
    )


def compare(
    reference: dict[str, Any],
    features: pd.DataFrame,
    predictions: pd.DataFrame,
    quarantined: dict[str, float],
    table: DatasetSchema,
    params: MonitoringParams,
) -> dict[str, Any]:
    """Each feature's PSI, unknown and missing shares, the predicted distribution's
    PSI and the quarantine shares, each with its status; ``drifted`` overall. PSI is
    judged from ``params.min_rows`` rows; unseen values and quarantine shares always."""
    judged = len(features) >= params.min_rows
    rows = []
    for column, ref in reference["numeric"].items():
        shares = _numeric_shares(features[column], ref["edges"])
        value = psi(ref["shares"], shares)
        rows.append(
            {
                "feature": column,
                "kind": "numeric",
                "psi": value,
                "missing_share": shares[-1],
                "reference_missing_share": ref["shares"][-1],
                "unknown_share": 0.0,
                "status": _status(value, params, judged),
            }
        )
    for column, ref in reference["categorical"].items():
        known = [k for k in ref if k not in (UNKNOWN, MISSING)]
        categories = _category_shares(features[column], known)
        value = psi([ref[k] for k in categories], list(categories.values()))
        status = _status(value, params, judged)
        if categories[UNKNOWN] > params.max_unknown_share:
            status = "drift"
        rows.append(
            {
                "feature": column,
                "kind": "categorical",
                "psi": value,
                "missing_share": categories[MISSING],
                "reference_missing_share": ref[MISSING],
                "unknown_share": categories[UNKNOWN],
                "status": status,
            }
        )
    kind, predicted = _prediction_series(predictions, table)
    ref = reference["prediction"]
    if kind == "numeric":
        prediction_psi = psi(ref["shares"], _numeric_shares(predicted, ref["edges"]))
    else:
        classes = _category_shares(predicted, table.classes)
        prediction_psi = psi(
            [ref["shares"][k] for k in classes], list(classes.values())
        )
    quarantine = {
        source: {
            "share": share,
            "reference_share": reference["quarantine"].get(source, 0.0),
            "status": "drift"
            if share
            > reference["quarantine"].get(source, 0.0) + params.max_quarantine_increase
            else "ok",
        }
        for source, share in quarantined.items()
    }
    prediction = {
        "psi": prediction_psi,
        "status": _status(prediction_psi, params, judged),
    }
    rows.sort(key=lambda r: -r["psi"])
    drifted = [r["feature"] for r in rows if r["status"] == "drift"]
    return {
        "rows": len(features),
        "psi_judged": judged,
        "reference_rows": reference["rows"],
        "features": rows,
        "prediction": prediction,
        "quarantine": quarantine,
        "drifted_features": drifted,
        "drifted": bool(drifted)
        or prediction["status"] == "drift"
        or any(q["status"] == "drift" for q in quarantine.values()),
        "policy": params.model_dump(),
    }


def metrics(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The report's numbers as MLflow metrics (``drift.psi.<feature>`` ...)."""
    tracked = {f"drift.psi.{r['feature']}": r["psi"] for r in report["features"]}
    tracked |= {
        f"drift.unknown_share.{r['feature']}": r["unknown_share"]
        for r in report["features"]
        if r["kind"] == "categorical"
    }
    tracked |= {
        f"drift.quarantine_share.{s}": q["share"]
        for s, q in report["quarantine"].items()
    }
    tracked |= {
        "drift.prediction_psi": report["prediction"]["psi"],
        "drift.drifted_features": float(len(report["drifted_features"])),
        "drift.rows": float(report["rows"]),
    }
    return {name: {"value": value, "step": 0} for name, value in tracked.items()}


_STYLE = (
    "<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
    "table{border-collapse:collapse}"
    "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}</style>"
)
_COLOURS = {"ok": "#2e7d32", "warn": "#ef6c00", "drift": "#c62828", UNJUDGED: "#757575"}


def to_html(report: dict[str, Any], title: str) -> str:
    """The report as one self-contained HTML page (no script, no external asset)."""
    policy = report["policy"]
    scale = max([policy["psi_drift"] * 2, *(r["psi"] for r in report["features"])])

    def badge(status: str) -> str:
        return f'<b style="color:{_COLOURS[status]}">{status}</b>'

    def bar(value: float) -> str:
        width = min(100.0, 100.0 * value / scale)
        return (
            f'<div style="background:#e0e0e0;width:200px"><div style="background:#5c6bc0;'
            f'height:10px;width:{width:.1f}%"></div></div>'
        )

    features = "".join(
        f"<tr><td>{html.escape(r['feature'])}</td><td>{r['kind']}</td><td>{r['psi']:.3f}</td>"
        f"<td>{bar(r['psi'])}</td><td>{r['missing_share']:.1%} ({r['reference_missing_share']:.1%})</td>"
        f"<td>{r['unknown_share']:.1%}</td><td>{badge(r['status'])}</td></tr>"
        for r in report["features"]
    )
    quarantine = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{q['share']:.1%} ({q['reference_share']:.1%})</td>"
        f"<td>{badge(q['status'])}</td></tr>"
        for s, q in report["quarantine"].items()
    )
    verdict = badge("drift" if report["drifted"] else "ok")
    judged = (
        ""
        if report.get("psi_judged", True)
        else f"<p><b>PSI is not judged</b>: {report['rows']} rows is fewer than "
        f"monitoring.min_rows ({policy['min_rows']}); on so few rows it is noise. Unseen "
        "values and rows set aside still count.</p>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
{_STYLE}</head><body>
<h1>{html.escape(title)}</h1>
<p>{report["rows"]} rows scored against the training reference of {report["reference_rows"]} rows:
{verdict}. PSI below {policy["psi_warn"]} is stable, from {policy["psi_drift"]} a major shift;
more than {policy["max_unknown_share"]:.0%} unseen values in a feature, or a quarantined share
{policy["max_quarantine_increase"]:.0%} above training's, also counts as drift. Policy on drift: {policy["on_drift"]}.</p>
{judged}
<h2>Predictions</h2><p>PSI of the predicted distribution against the validation split's:
{report["prediction"]["psi"]:.3f} {badge(report["prediction"]["status"])}</p>
<h2>Features</h2><table><tr><th>feature</th><th>kind</th><th>PSI</th><th></th>
<th>missing (training)</th><th>unseen values</th><th>status</th></tr>{features}</table>
<h2>Rows set aside by the contract</h2><table><tr><th>source</th><th>quarantined (training)</th><th>status</th></tr>
{quarantine}</table></body></html>
"""
