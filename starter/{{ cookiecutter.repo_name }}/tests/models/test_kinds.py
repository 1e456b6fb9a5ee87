"""Every built-in kind through the seam: fit, raw scores, plain files, a description;
and ``model_engineering.model``: the kind chosen by configuration, its settings checked."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skops.io
import torch
from pydantic import BaseModel, ConfigDict, ValidationError

from {{ cookiecutter.python_package }}.models import ModelEngineeringParams, ModelParams, Task
from {{ cookiecutter.python_package }}.models.base import Model, ModelInputs
from {{ cookiecutter.python_package }}.pipelines.model_engineering.nodes import split_inputs
from {{ cookiecutter.python_package }}.preprocessing import Preprocessor, fit_preprocessor
from tests.conftest import KINDS, TOY_SETTINGS, toy_contract, toy_split


def _inputs(classes: list[str] | None = None):
    contract = toy_contract(classes)
    train = toy_split(800, 0, classes)
    preprocessor = fit_preprocessor(train, contract.table)
    return (
        split_inputs(train, preprocessor, contract.table),
        split_inputs(toy_split(300, 1, classes), preprocessor, contract.table),
        Task(tuple(contract.table.classes)),
    )


def _model(kind: str, task: Task) -> Model:
    params = ModelParams.model_validate({"kind": kind, kind: TOY_SETTINGS[kind]})
    return params.build(task)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("classes", "shape"), [(None, 1), (["a", "b", "c"], 2)])
def test_each_kind_learns_and_gives_logits(kind, classes, shape) -> None:
    train, validation, task = _inputs(classes)
    model = _model(kind, task)

    history = model.fit(train, validation)
    raw = model.predict_raw(validation)

    assert raw.ndim == shape
    assert len(raw) == len(validation)
    assert {"step", "validation_loss"} <= set(history[0])
    assert min(r["validation_loss"] for r in history) < history[0]["validation_loss"]
    predicted = raw > 0 if raw.ndim == 1 else raw.argmax(axis=1)
    assert (predicted == validation.target).mean() > 0.6


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_learns_nothing_from_rows_of_weight_zero(kind) -> None:
    train, validation, task = _inputs()
    # Every row again with the wrong label: unweighted, the labels are noise.
    doubled = ModelInputs(
        np.concatenate([train.numeric, train.numeric]),
        np.concatenate([train.categorical, train.categorical]),
        train.cardinalities,
        np.concatenate([train.labels(), 1 - train.labels()]),
    )
    weighted = dataclasses.replace(doubled, weight=np.repeat([1.0, 0.0], len(train)))

    def accuracy(inputs: ModelInputs) -> float:
        model = _model(kind, task)
        model.fit(inputs, validation)
        return float(((model.predict_raw(validation) > 0) == validation.target).mean())

    assert accuracy(weighted) > 0.6
    assert accuracy(weighted) > accuracy(doubled) + 0.05


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_saves_plain_files_and_loads_them_exactly(kind, tmp_path) -> None:
    train, validation, task = _inputs()
    model = _model(kind, task)
    model.fit(train, validation)

    model.save(tmp_path)
    loaded = type(model).load(tmp_path)

    np.testing.assert_array_equal(
        loaded.predict_raw(validation), model.predict_raw(validation)
    )
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["classes"] == ["no", "yes"]
    assert loaded.describe() == model.describe()


def test_the_mlp_weights_load_under_torchs_safe_unpickler(tmp_path: Path) -> None:
    train, validation, task = _inputs()
    model = _model("mlp", task)
    model.fit(train, validation)
    model.save(tmp_path)

    state = torch.load(tmp_path / "weights.pt", weights_only=True)

    assert all(isinstance(value, torch.Tensor) for value in state.values())


def test_the_trees_file_refuses_untrusted_types(tmp_path: Path) -> None:
    train, validation, task = _inputs()
    model = _model("hist_gradient_boosting", task)
    model.fit(train, validation)
    model.save(tmp_path)

    untrusted = skops.io.get_untrusted_types(file=tmp_path / "model.skops")
    with pytest.raises(skops.io.exceptions.UntrustedTypesFoundException):
        skops.io.load(tmp_path / "model.skops", trusted=untrusted[:-1])


def test_the_trees_load_in_a_fresh_process_without_importing_pytorch(
    tmp_path: Path,
) -> None:
    train, validation, task = _inputs()
    model = _model("hist_gradient_boosting", task)
    model.fit(train, validation)
    model.save(tmp_path)
    np.save(tmp_path / "numeric.npy", validation.numeric)
    np.save(tmp_path / "categorical.npy", validation.categorical)
    script = (
        "import sys, json, numpy as np\n"
        "from pathlib import Path\n"
        "from {{ cookiecutter.python_package }}.models.base import ModelInputs\n"
        "from {{ cookiecutter.python_package }}.models.kinds.hist_gradient_boosting import "
        "HistGradientBoosting\n"
        "folder = Path(sys.argv[1])\n"
        "model = HistGradientBoosting.load(folder)\n"
        "inputs = ModelInputs(np.load(folder / 'numeric.npy'), "
        "np.load(folder / 'categorical.npy'), (3,))\n"
        "np.save(folder / 'raw.npy', model.predict_raw(inputs))\n"
        "print(json.dumps('torch' in sys.modules))\n"
        "import torch\n"  # PyTorch is importable again afterwards
    )

    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip().splitlines()[-1] == "false"
    np.testing.assert_array_equal(
        np.load(tmp_path / "raw.npy"), model.predict_raw(validation)
    )


def test_an_unknown_kind_names_the_kinds_there_are() -> None:
    with pytest.raises(
        ValidationError, match=r"the kinds are \['hist_gradient_boosting', 'mlp'\]"
    ):
        ModelParams.model_validate({"kind": "xgboost"})


def test_a_wrong_setting_names_the_kind_and_the_setting() -> None:
    with pytest.raises(
        ValidationError, match=r"model_engineering\.model\.mlp.*dropuot"
    ):
        ModelParams.model_validate({"kind": "mlp", "mlp": {"dropuot": 0.1}})


def test_only_the_chosen_kind_is_validated_and_built() -> None:
    params = ModelEngineeringParams.model_validate(
        {
            "model": {
                "kind": "hist_gradient_boosting",
                "mlp": TOY_SETTINGS["mlp"],
                "hist_gradient_boosting": {"max_iter": 7},
            }
        }
    )

    model = params.model.build(Task(("no", "yes")))

    assert model.settings.max_iter == 7  # type: ignore[attr-defined]
    assert params.model.with_values({"max_iter": 9}).settings().max_iter == 9  # type: ignore[attr-defined]


def test_a_kind_of_your_own_is_found_by_its_class() -> None:
    params = ModelParams.model_validate(
        {"kind": "mine", "mine": {"class": "tests.models.test_kinds.Constant"}}
    )

    assert params.kind_class() is Constant


def test_a_class_that_is_no_model_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a subclass"):
        ModelParams.model_validate({"kind": "mine", "mine": {"class": "pathlib.Path"}})


class NoSettings(BaseModel):
    """A kind without settings."""

    model_config = ConfigDict(extra="forbid")


class Constant(Model):
    """A kind that predicts even odds: enough to be found by configuration."""

    Settings = NoSettings

    def fit(self, train, validation, report=None):
        return [{"step": 0, "validation_loss": 0.69}]

    def predict_raw(self, inputs):
        return np.zeros(len(inputs))

    def save(self, folder):
        (folder / "constant.json").write_text("{}")

    @classmethod
    def load(cls, folder):
        return cls(cls.Settings(), Task(("no", "yes")))

    def describe(self) -> str:
        return "Even odds."


def test_split_inputs_are_float32_numbers_and_int64_codes() -> None:
    contract = toy_contract()
    train = toy_split(50, 0)
    preprocessor = Preprocessor.from_dict(
        fit_preprocessor(train, contract.table).to_dict()
    )

    inputs = split_inputs(train, preprocessor, contract.table)

    assert inputs.numeric.dtype == np.float32
    assert inputs.categorical.dtype == np.int64
    assert inputs.cardinalities == (3,)  # blue, red and the unknown code 0
    assert set(inputs.target) == {0, 1}
