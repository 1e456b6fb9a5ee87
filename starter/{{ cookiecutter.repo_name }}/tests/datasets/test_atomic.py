"""The project's datasets publish a file whole or not at all."""

from __future__ import annotations

import pickle
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
import pytest
from kedro.io import DatasetError, Version

from {{ cookiecutter.python_package }}.datasets.json import JSONDataset
from {{ cookiecutter.python_package }}.datasets.matplotlib import MatplotlibDataset
from {{ cookiecutter.python_package }}.datasets.pandas import ParquetDataset
from {{ cookiecutter.python_package }}.datasets.plotly import JSONDataset as PlotlyJSONDataset

VERSION = "2026-01-01T00.00.00.000Z"


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_every_kind_saves_and_loads_under_its_final_name(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    parquet = ParquetDataset(filepath=str(tmp_path / "t.parquet"))
    parquet.save(frame)
    JSONDataset(filepath=str(tmp_path / "d.json")).save({"x": 1})
    figure, _ = plt.subplots()
    MatplotlibDataset(filepath=str(tmp_path / "p.png")).save(figure)
    PlotlyJSONDataset(filepath=str(tmp_path / "f.json")).save(go.Figure())

    assert _files(tmp_path) == ["d.json", "f.json", "p.png", "t.parquet"]
    pd.testing.assert_frame_equal(parquet.load(), frame)
    assert JSONDataset(filepath=str(tmp_path / "d.json")).load() == {"x": 1}


def test_a_failed_save_leaves_no_file_under_any_name(tmp_path: Path) -> None:
    dataset = ParquetDataset(
        filepath=str(tmp_path / "t.parquet"), version=Version(None, VERSION)
    )
    unwritable = pd.DataFrame({"a": [object()]})  # pyarrow cannot convert it

    with pytest.raises(DatasetError):
        dataset.save(unwritable)

    assert _files(tmp_path) == []


def test_a_write_in_progress_is_not_under_the_final_name(tmp_path: Path) -> None:
    dataset = JSONDataset(filepath=str(tmp_path / "d.json"))
    with dataset._fs.open(str(tmp_path / "d.json"), mode="w") as file:
        file.write('{"half": ')
        (partial,) = tmp_path.iterdir()  # what a kill here would leave
        assert partial.name.startswith(".d.json.")
        assert partial.name.endswith(".partial")
        file.write("1}")

    assert _files(tmp_path) == ["d.json"]


def test_datasets_pickle_as_the_logged_model_needs(tmp_path: Path) -> None:
    dataset = JSONDataset(filepath=str(tmp_path / "d.json"))
    dataset.save({"x": 1})

    assert pickle.loads(pickle.dumps(dataset)).load() == {"x": 1}  # noqa: S301
