"""Global explanations: how much each input column matters to the model's test score.

Permutation importance (scikit-learn's): shuffle one input column of the test split at
a time and measure how much the model's ROC-AUC falls (one-vs-rest for multi-class).
It reads the model as it is served (preprocessing and calibration included) and
works per input column of the feature table, whatever the preprocessing makes of it.
"""

from __future__ import annotations

import pandas as pd

from ml_template.contract import Contract, frames
from ml_template.figures import Figure, new_figure
from ml_template.models import FittedModel
from ml_template.pipelines.evaluation.params import EvaluationParams
from ml_template.preprocessing import encode_target, sample_weights


@frames.pandas_splits
def permutation_importances(
    test_set: pd.DataFrame,
    fitted_model: FittedModel,
    contract: Contract,
    params: EvaluationParams,
) -> pd.DataFrame:
    """Each input column's permutation importance on the test split, largest first.

    ``params`` is ``evaluation`` (its ``importance`` part: repeats, rows, seed).

    Returns:
        One row per column: ``column``, ``importance`` (the mean drop in ROC-AUC,
        weighted as the test metrics are, when the column is shuffled), ``std`` over the repeats, and ``metric``.
    """
    from sklearn.inspection import permutation_importance  # noqa: PLC0415

    from ml_template.models.estimator import FittedClassifier  # noqa: PLC0415

    table = contract.table
    columns = [*table.numeric_features, *table.categorical]
    settings = params.importance
    rows = test_set.sample(
        n=min(settings.max_rows, len(test_set)), random_state=settings.seed
    )
    metric = "roc_auc" if table.is_binary else "roc_auc_ovr"
    result = permutation_importance(
        FittedClassifier(fitted_model),
        rows[columns],
        encode_target(rows, table),
        sample_weight=sample_weights(rows, table),
        scoring=metric,
        n_repeats=settings.n_repeats,
        random_state=settings.seed,
    )
    return pd.DataFrame(
        {
            "column": columns,
            "importance": result.importances_mean,
            "std": result.importances_std,
            "metric": metric,
        }
    ).sort_values("importance", ascending=False, ignore_index=True)


def plot_importances(feature_importance: pd.DataFrame) -> Figure:
    """The importances as horizontal bars, largest on top, with their spread."""
    ordered = feature_importance.iloc[::-1]
    figure = new_figure(figsize=(6, 0.35 * len(ordered) + 1.2))
    axes = figure.subplots()
    axes.barh(ordered["column"], ordered["importance"], xerr=ordered["std"])
    axes.axvline(0.0, color="grey", linewidth=0.8)
    metric = feature_importance["metric"].iloc[0].replace("_", "-").upper()
    axes.set(
        xlabel=f"Drop in test {metric} when the column is shuffled",
        ylabel="Input column",
        title="Permutation importance (test split)",
    )
    return figure
