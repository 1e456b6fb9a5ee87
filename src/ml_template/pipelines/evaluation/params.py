"""The evaluation pipeline's parameters (``parameters_evaluation.yml``), typed: Kedro
validates them once, before any node runs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ml_template.conformal import ConformalParams


class ImportanceParams(BaseModel):
    """``evaluation.importance`` in ``parameters_evaluation.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_repeats: int = Field(default=3, ge=1, description="Shuffles per column.")
    max_rows: int = Field(
        default=20_000, ge=100, description="Test rows used (a seeded sample above)."
    )
    seed: int = 42


class BaselineSampleParams(BaseModel):
    """``evaluation.baseline_sample``: the training rows the fitted baselines learn from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_rows: int = Field(
        default=100_000, ge=100, description="A seeded sample of train_set above this."
    )
    seed: int = 42


class PromotionParams(BaseModel):
    """``evaluation.promotion``: the challenger gate's rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: Literal["roc_auc", "pr_auc", "log_loss", "brier"] = Field(
        default="roc_auc",
        description="A threshold-free test metric: each model keeps its own threshold.",
    )
    min_improvement: float = Field(
        default=0.0, ge=0.0, description="The margin a challenger must beat."
    )

    @property
    def higher_is_better(self) -> bool:
        """ROC-AUC and PR-AUC rise with quality; log-loss and Brier score fall."""
        return self.metric in ("roc_auc", "pr_auc")


class EvaluationParams(BaseModel):
    """``evaluation`` in ``parameters_evaluation.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    logistic_baseline: dict[str, Any] = Field(
        default_factory=dict, description="LogisticRegression arguments."
    )
    boosted_trees_baseline: dict[str, Any] = Field(
        default_factory=dict, description="HistGradientBoostingClassifier arguments."
    )
    baseline_sample: BaselineSampleParams = Field(default_factory=BaselineSampleParams)
    calibration_bins: int = Field(default=10, ge=2)
    conformal: ConformalParams = Field(default_factory=ConformalParams)
    importance: ImportanceParams = Field(default_factory=ImportanceParams)
    promotion: PromotionParams = Field(default_factory=PromotionParams)
