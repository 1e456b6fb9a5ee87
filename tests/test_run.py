"""End to end: `kedro run` in a temporary copy of the project, on the bundled data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project

pytestmark = pytest.mark.slow


def kedro(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the kedro CLI of this environment in ``project``."""
    env = {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "GX_ANALYTICS_ENABLED": "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "kedro", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_kedro_run_on_the_bundled_data(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_project(project, with_raw_data=True)

    result = kedro(project, "run")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = project / "data"
    for split in ("train_set", "validation_set", "test_set"):
        assert list(
            (data / "05_model_input").glob(f"{split}.parquet/*/{split}.parquet")
        )
    results = [
        json.loads(path.read_text())
        for path in (data / "08_reporting" / "validation").glob("*/*/*.json")
    ]
    assert len(results) == 10  # 3 raw, 3 intermediate, 1 primary, 3 splits
    assert all(result["success"] for result in results)
