"""The search's progress as a figure (saved by the catalog)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ml_template.figures import Figure, new_figure


def plot_tuning(tuning_trials: list[dict[str, Any]]) -> Figure:
    """Each trial's best validation loss, the best so far, and the default (trial 0)."""
    figure = new_figure(figsize=(6, 4))
    axes = figure.subplots()
    complete = [t for t in tuning_trials if t["state"] == "COMPLETE"]
    numbers = [t["number"] for t in complete]
    losses = [t["validation_loss"] for t in complete]
    axes.scatter(numbers, losses, label="complete trial")
    pruned = [t for t in tuning_trials if t["state"] == "PRUNED"]
    if pruned:
        axes.scatter(
            [t["number"] for t in pruned],
            [min(t["validation_loss_by_step"].values()) for t in pruned],
            marker="x",
            color="grey",
            label="pruned (best epoch before pruning)",
        )
    axes.step(numbers, np.minimum.accumulate(losses), where="post", label="best so far")
    axes.axhline(losses[0], linestyle="--", color="grey", label="default (trial 0)")
    axes.set(
        xlabel="Trial", ylabel="Best validation loss", title="Hyper-parameter search"
    )
    axes.legend(loc="best")
    return figure
