"""The project's Parquet dataset leaves a file alone when its rows would not change."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from {{ cookiecutter.python_package }}.datasets.pandas import ParquetDataset


def test_unchanged_rows_leave_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "usage.parquet"
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "minutes": [1.5, 2.0]})
    dataset = ParquetDataset(filepath=str(path))
    dataset.save(frame)
    written = path.stat().st_mtime_ns

    dataset.save(frame.copy())
    untouched = path.stat().st_mtime_ns
    dataset.save(frame.assign(minutes=[1.5, 2.5]))

    assert untouched == written
    assert dataset.load()["minutes"].tolist() == [1.5, 2.5]
