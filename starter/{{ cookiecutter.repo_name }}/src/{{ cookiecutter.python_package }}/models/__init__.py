"""Model kinds behind one seam (:class:`Model`), and the fitted bundle that serves one.

``model_engineering.model.kind`` picks the kind: one of :mod:`{{ cookiecutter.python_package }}.models.kinds`
or your own (docs/adapting.md). Nothing outside a kind's own module names it.
"""

from {{ cookiecutter.python_package }}.models.base import Model, ModelInputs, StepReport, Task
from {{ cookiecutter.python_package }}.models.fitted import FittedModel, class_probabilities
from {{ cookiecutter.python_package }}.models.params import ModelEngineeringParams, ModelParams

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
