"""Model kinds behind one seam (:class:`Model`), and the fitted bundle that serves one.

``model_engineering.model.kind`` picks the kind: one of :mod:`ml_template.models.kinds`
or your own (docs/adapting.md). Nothing outside a kind's own module names it.
"""

from ml_template.models.base import Model, ModelInputs, StepReport, Task
from ml_template.models.fitted import FittedModel, class_probabilities
from ml_template.models.params import ModelEngineeringParams, ModelParams

__all__ = [
    "FittedModel",
    "Model",
    "ModelEngineeringParams",
    "ModelInputs",
    "ModelParams",
    "StepReport",
    "Task",
    "class_probabilities",
]
