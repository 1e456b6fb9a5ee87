"""``model_engineering.model``: the kind chosen and each kind's settings, validated by
the kind's own ``Settings``.

A kind is found by name: a module of :mod:`{{ cookiecutter.python_package }}.models.kinds` of that name (its
``KIND``), or any class its block names (``class: my_project.models.Logistic``). A kind
is imported only when chosen: a run never pays for another kind's libraries.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from {{ cookiecutter.python_package }}.models import kinds
from {{ cookiecutter.python_package }}.models.base import Model, Task

_CLASS = "class"


@functools.cache
def built_in() -> tuple[str, ...]:
    """The built-in kinds' names (modules of :mod:`{{ cookiecutter.python_package }}.models.kinds`)."""
    return tuple(sorted(m.name for m in pkgutil.iter_modules(kinds.__path__)))


def load_class(path: str) -> type[Model]:
    """The kind class at ``package.module.Class``."""
    module, _, name = path.rpartition(".")
    try:
        kind = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ValueError(f"cannot import the model class {path!r}: {error}") from None
    if not (isinstance(kind, type) and issubclass(kind, Model)):
        raise ValueError(f"{path!r} is not a subclass of {{ cookiecutter.python_package }}.models.Model")
    return kind


class ModelParams(BaseModel):
    """``model_engineering.model``: ``kind`` picks one of the blocks beside it.

    Each block holds one kind's settings, under the kind's name; the chosen kind's is
    validated by its ``Settings`` before any work (the others are not imported).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: str = Field(description="The kind trained and served: a block's name.")

    @model_validator(mode="after")
    def _validate_chosen(self) -> ModelParams:
        blocks = self.blocks()
        if self.kind not in blocks and self.kind not in built_in():
            raise ValueError(
                f"model kind {self.kind!r} has no block in model_engineering.model; "
                f"the kinds are {sorted({*built_in(), *blocks})} (your own needs a "
                f"block with `class: package.module.Class`)"
            )
        self.settings()
        return self

    def blocks(self) -> dict[str, dict[str, Any]]:
        """Each kind's block as configured."""
        return {k: dict(v or {}) for k, v in (self.model_extra or {}).items()}

    def kind_class(self) -> type[Model]:
        """The chosen kind's class."""
        name = self.kind
        path = self.blocks().get(name, {}).get(_CLASS)
        if path is not None:
            return load_class(path)
        if name not in built_in():
            raise ValueError(
                f"model kind {name!r} is not built in ({list(built_in())}): give "
                "its block `class: package.module.Class`"
            )
        return load_class(f"{kinds.__name__}.{name}.KIND")

    def settings(self) -> BaseModel:
        """The chosen kind's settings, validated."""
        name = self.kind
        block = {k: v for k, v in self.blocks().get(name, {}).items() if k != _CLASS}
        try:
            return self.kind_class().Settings.model_validate(block)
        except ValidationError as error:
            problems = "; ".join(
                f"model_engineering.model.{name}."
                + ".".join(map(str, e["loc"]))
                + f": {e['msg']} (given {e['input']!r})"
                for e in error.errors()
            )
            raise ValueError(problems) from None

    def chosen(self) -> dict[str, Any]:
        """The chosen kind and its validated settings (with its ``class`` when it is
        not built in), as ``model_engineering.model`` takes them back."""
        block = self.settings().model_dump(mode="json")
        given = self.blocks().get(self.kind, {}).get(_CLASS)
        return {
            "kind": self.kind,
            self.kind: block | ({_CLASS: given} if given else {}),
        }

    def build(self, task: Task) -> Model:
        """An unfitted model of the chosen kind."""
        return self.kind_class()(self.settings(), task)

    def with_values(self, values: dict[str, Any]) -> ModelParams:
        """These params with some of the chosen kind's settings replaced."""
        blocks = self.blocks()
        blocks[self.kind] = blocks.get(self.kind, {}) | values
        return ModelParams.model_validate({"kind": self.kind, **blocks})


class DecisionParams(BaseModel):
    """``model_engineering.decision``: how a binary model's threshold is chosen on the
    validation split."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Literal["f1", "accuracy", "cost"] = Field(
        default="f1",
        description="Maximise F1 or accuracy, or minimise the cost of errors.",
    )
    cost_ratio: float = Field(
        default=1.0,
        gt=0,
        description="rule cost: what a missed positive costs, in false alarms.",
    )


class ModelEngineeringParams(BaseModel):
    """``model_engineering`` in ``parameters_model_engineering.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: ModelParams
    decision: DecisionParams = Field(default_factory=DecisionParams)
