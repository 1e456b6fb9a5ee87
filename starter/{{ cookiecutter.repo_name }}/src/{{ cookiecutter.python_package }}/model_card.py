"""The model card of a completed training run, as Markdown and as an HTML page.

What the model is for, what it was trained on (the contract, the quarantine), how it
scores against every baseline and the oracle, how calibrated and how certain it is,
what drives it, what drift monitoring compares with, its known limitations and where
every part came from (commit, data hashes, package and dataset versions). Built from
the run's own outputs by :func:`build` (pure); ``runs.release`` saves it with
the run's set and logs it to the run's MLflow artifacts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_TOP_FEATURES = 5
_METRICS = ("roc_auc", "pr_auc", "log_loss", "brier", "ece", "accuracy", "f1")


class ModelCardParams(BaseModel):
    """``model_card`` in ``parameters_model_card.yml``: what only people can say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intended_use: str
    out_of_scope: str = ""
    limitations: list[str] = Field(default_factory=list)


@dataclass
class Section:
    """A heading with paragraphs, bullet lists and tables, in order."""

    title: str
    blocks: list[Any] = field(default_factory=list)  # str, list[str] or Table


@dataclass(frozen=True)
class Table:
    """A header row and data rows, every cell already text."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class RunFacts:
    """What the run's record knows once the run completed."""

    run_version: str
    model_name: str
    model_version: str | None
    champion: bool
    mlflow_run_id: str | None
    datasets: dict[str, str]  # the set: dataset -> version


def build(
    facts: RunFacts,
    outputs: dict[str, Any],
    contract: Any,
    monitoring: dict[str, Any],
    params: ModelCardParams,
    manifest: dict[str, Any] | None,
) -> list[Section]:
    """The card's sections from the run's outputs (by catalog name)."""
    metrics = outputs["evaluation_metrics"]
    sections = [
        _summary(facts, metrics, outputs.get("promotion_decision")),
        Section(
            "Intended use",
            [params.intended_use]
            + ([f"Out of scope: {params.out_of_scope}"] if params.out_of_scope else []),
        ),
        _data(contract, outputs.get("drift_reference"), metrics),
        _performance(metrics),
        _calibration_and_uncertainty(metrics),
        _drivers(outputs.get("feature_importance")),
        _monitoring(outputs.get("drift_reference"), monitoring),
        _training(
            outputs.get("model_description"),
            outputs.get("hyperparameters"),
            outputs.get("training_history"),
        ),
        Section("Known limitations", [_limitations(metrics, params)]),
        _lineage(facts, manifest),
    ]
    return [section for section in sections if section.blocks]


def _summary(
    facts: RunFacts, metrics: dict[str, Any], decision: dict[str, Any] | None
) -> Section:
    version = f" v{facts.model_version}" if facts.model_version else ""
    status = (
        "the registry's champion"
        if facts.champion
        else "registered, not the champion"
        if facts.model_version
        else "not registered"
    )
    lines = [
        f"`{facts.model_name}`{version}, trained by run {facts.run_version}: {status}."
        f" Test ROC-AUC {metrics['model']['roc_auc']:.4f} on "
        f"{metrics['test_rows']:,} rows; the best of the compared models by ROC-AUC is "
        f"`{metrics['best_roc_auc']}`."
    ]
    if decision:
        lines.append(f"Challenger gate: {decision['reason']}.")
    return Section(f"Model card: {facts.model_name}{version}", lines)


def _data(
    contract: Any, reference: dict[str, Any] | None, metrics: dict[str, Any]
) -> Section:
    table = contract.table
    quarantined = (reference or {}).get("quarantine", {})
    rows = [
        [
            name,
            source.description or "",
            "entity" if name == contract.entity_name else "event (joined)",
            str(len(source.columns)),
            _share(quarantined.get(name)),
        ]
        for name, source in contract.sources.items()
    ]
    kinds = (
        f"{len(table.numeric)} numeric, {len(table.categorical)} categorical, "
        f"{len(table.date)} date"
    )
    return Section(
        "Data and contract",
        [
            f"Target `{table.target}` with classes {', '.join(map(str, table.classes))};"
            f" {kinds} input columns; snapshot date {contract.as_of_date}. Rows that "
            "break the contract (`contract.yml`) are quarantined, not trained on. "
            f"The model was trained on {_count((reference or {}).get('rows'))} rows "
            f"and tested on {metrics['test_rows']:,}"
            + (
                f"; each row counts by its sample weight `{table.weight}`, in "
                "training and in every metric below."
                if table.weight
                else "."
            ),
            Table(["source", "description", "role", "columns", "quarantined"], rows),
        ],
    )


def _performance(metrics: dict[str, Any]) -> Section:
    compared = {"model": metrics["model"]} | metrics["baselines"]
    if metrics.get("oracle"):
        compared["oracle (true probabilities)"] = metrics["oracle"]
    rows = [
        [name, *(_number(values.get(metric)) for metric in _METRICS)]
        for name, values in compared.items()
    ]
    return Section(
        "Performance on the test split",
        [
            "Every model is fitted on the same training split with the same "
            "preprocessing; lower is better for log-loss, Brier score and ECE.",
            Table(["", *_METRICS], rows),
        ],
    )


def _calibration_and_uncertainty(metrics: dict[str, Any]) -> Section:
    calibration, sets = metrics["calibration"], metrics["conformal"]
    return Section(
        "Calibration and uncertainty",
        [
            [
                f"Temperature scaling (fitted on the validation split): temperature "
                f"{calibration['temperature']:.3f}; test ECE "
                f"{calibration['ece_before']:.4f} before, "
                f"{calibration['ece_after']:.4f} after; Brier score "
                f"{calibration['brier_before']:.4f} before, "
                f"{calibration['brier_after']:.4f} after.",
                f"Conformal prediction sets at {sets['confidence']:.0%}: they held the "
                f"true class for {sets['coverage']:.1%} of test rows, "
                f"{sets['mean_set_size']:.2f} classes on average "
                f"({sets['singleton_share']:.0%} a single class, "
                f"{sets['empty_share']:.0%} empty).",
            ]
        ],
    )


def _drivers(importance: Any) -> Section:
    if importance is None or len(importance) == 0:
        return Section("What drives the predictions")
    top = importance.head(_TOP_FEATURES)
    rows = [
        [row.column, f"{row.importance:.4f}", f"{row.std:.4f}"]
        for row in top.itertuples()
    ]
    return Section(
        "What drives the predictions",
        [
            "Permutation importance on the test split: the drop in ROC-AUC when one "
            f"input column is shuffled (top {len(rows)} of {len(importance)}; all in "
            "`feature_importance.csv`).",
            Table(["column", "importance", "std"], rows),
        ],
    )


def _monitoring(
    reference: dict[str, Any] | None, monitoring: dict[str, Any]
) -> Section:
    if not reference:
        return Section("Drift monitoring")
    features = len(reference.get("numeric", {})) + len(reference.get("categorical", {}))
    return Section(
        "Drift monitoring",
        [
            f"Batch inference compares each batch with this model's reference: the "
            f"training distribution of its {features} features, its validation "
            f"predictions and each source's quarantined share. A feature drifts from "
            f"PSI {monitoring.get('psi_drift', '?')}; on drift the run "
            f"{'fails' if monitoring.get('on_drift') == 'fail' else 'warns'}."
        ],
    )


def _training(
    description: str | None,
    hyperparameters: dict[str, Any] | None,
    history: list[dict[str, Any]] | None,
) -> Section:
    if not description or not hyperparameters:
        return Section("Training")
    best = min(history, key=lambda r: r["validation_loss"]) if history else None
    return Section(
        "Training",
        [
            f"{description} Settings from {hyperparameters['source']}. "
            + (
                f"{len(history or [])} training steps, best validation loss "
                f"{best['validation_loss']:.4f} at step {best['step']} (that model kept)."
                if best
                else ""
            )
        ],
    )


def _limitations(metrics: dict[str, Any], params: ModelCardParams) -> list[str]:
    found = list(params.limitations)
    model = metrics["model"]["roc_auc"]
    for name, values in metrics["baselines"].items():
        if values["roc_auc"] > model:
            found.append(
                f"The {name} baseline scores a higher test ROC-AUC "
                f"({values['roc_auc']:.4f} against {model:.4f}): consider serving it."
            )
    found.append(
        "Conformal coverage and calibration hold for data like the validation split; "
        "under drift they degrade: watch the drift report."
    )
    return found


def _lineage(facts: RunFacts, manifest: dict[str, Any] | None) -> Section:
    blocks: list[Any] = []
    if manifest:
        git = manifest["git"]
        commit = git.get("commit") or "not a git checkout"
        dirty = " (uncommitted changes)" if git.get("dirty") else ""
        packages = ", ".join(f"{n} {v}" for n, v in manifest["packages"].items() if v)
        blocks.append(f"Code: commit {commit}{dirty}. Packages: {packages}.")
        blocks.append(
            Table(
                ["input", "SHA-256", "bytes"],
                [
                    [name, item["sha256"], f"{item['bytes']:,}"]
                    for name, item in manifest["inputs"].items()
                ],
            )
        )
    blocks.append(
        f"MLflow run {facts.mlflow_run_id or '(untracked)'}; the run's record, "
        f"`data/runs/{facts.run_version}.json`, names the version of each of the "
        f"{len(facts.datasets)} datasets of its set."
    )
    return Section("Lineage", blocks)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def to_markdown(sections: list[Section]) -> str:
    """The card as Markdown."""
    lines: list[str] = []
    for level, section in enumerate(sections):
        lines += [f"{'#' if level == 0 else '##'} {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines.append("| " + " | ".join(block.header) + " |")
                lines.append("|" + " --- |" * len(block.header))
                lines += ["| " + " | ".join(row) + " |" for row in block.rows]
            elif isinstance(block, list):
                lines += [f"- {item}" for item in block]
            else:
                lines.append(block)
            lines.append("")
    return "\n".join(lines)


_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
    "padding:0 1rem;color:#222}table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}"
    "th{background:#f3f3f7}code{background:#f3f3f7;padding:0 .2rem}"
)


def to_html(sections: list[Section]) -> str:
    """The card as one self-contained page: no script, no external asset."""
    title = html.escape(sections[0].title)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
    ]
    for level, section in enumerate(sections):
        tag = "h1" if level == 0 else "h2"
        parts.append(f"<{tag}>{html.escape(section.title)}</{tag}>")
        for block in section.blocks:
            parts.append(_html_block(block))
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_block(block: Any) -> str:
    if isinstance(block, Table):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in block.header)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><tr>{head}</tr>{rows}</table>"
    if isinstance(block, list):
        return "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block) + "</ul>"
    return f"<p>{_inline(block)}</p>"


def _inline(text: str) -> str:
    """Escaped text, with Markdown's `code` spans as <code>."""
    pieces = html.escape(text).split("`")
    return "".join(
        f"<code>{piece}</code>" if i % 2 else piece for i, piece in enumerate(pieces)
    )
