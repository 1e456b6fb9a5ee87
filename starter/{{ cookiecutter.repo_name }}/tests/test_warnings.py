"""The test run's warnings summary: known third-party noise filtered (pyproject.toml),
the project's own warnings shown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

_WARNS = """
import warnings

from pydantic.warnings import PydanticDeprecatedSince211


def test_warns() -> None:
    kedros = PydanticDeprecatedSince211(
        "Accessing the 'model_fields' attribute on the instance is deprecated."
    )
    for _ in range(3):  # Kedro warns once per node
        warnings.warn_explicit(kedros, type(kedros), "utils.py", 61, "kedro.validation.utils")
    warnings.warn_explicit(
        "a warning of ours", UserWarning, "nodes.py", 1, "{{ cookiecutter.python_package }}.pipelines.nodes"
    )
"""


def test_third_party_noise_is_filtered_and_our_warnings_show(tmp_path: Path) -> None:
    (tmp_path / "test_warns.py").write_text(_WARNS)

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(PROJECT_ROOT / "pyproject.toml"),
         "--rootdir", str(tmp_path), "-p", "no:cacheprovider", "-q", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert "a warning of ours" in result.stdout
    assert "model_fields" not in result.stdout
    assert "1 passed, 1 warning" in result.stdout
