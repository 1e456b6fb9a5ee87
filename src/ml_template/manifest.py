"""The run manifest: what it takes to reproduce a run, gathered at its start."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

PACKAGES = (
    "kedro",
    "kedro-datasets",
    "kedro-mlflow",
    "mlflow",
    "great-expectations",
    "torch",
    "skops",
    "pandas",
    "numpy",
    "scikit-learn",
    "pyarrow",
    "mapie",
    "optuna",
)


def build_manifest(
    project_path: Path, input_files: dict[str, Path], params: dict[str, Any]
) -> dict[str, Any]:
    """Git commit, input hashes, package versions, seeds and hardware of a run.

    Args:
        project_path: The project root (for git).
        input_files: Dataset name -> file of each input the pipeline reads.
        params: The run's parameters, searched for every ``seed``.
    """
    return {
        "git": git_state(project_path),
        "inputs": {name: _sha256(path) for name, path in sorted(input_files.items())},
        "packages": {name: _version(name) for name in PACKAGES},
        "seeds": dict(_seeds(params)),
        "hardware": _hardware(),
    }


def git_state(project_path: Path) -> dict[str, Any]:
    """The commit checked out at ``project_path`` and whether files differ from it."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(  # noqa: S603
                ["git", *args],  # noqa: S607
                cwd=project_path,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _sha256(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return {
        "path": str(path),
        "sha256": digest.hexdigest(),
        "bytes": path.stat().st_size,
    }


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _seeds(params: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        plain = value.model_dump() if hasattr(value, "model_dump") else value
        if isinstance(plain, dict):  # a group, or a typed (pydantic) parameter
            found += _seeds(plain, f"{name}.")
        elif key == "seed":
            found.append((name, value))
    return found


def _hardware() -> dict[str, Any]:
    """The machine; torch's threads and GPU when the run's model kind loaded torch
    (importing it here would cost a run of another kind 1.5 s for nothing)."""
    machine: dict[str, Any] = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": None,
        "cuda": None,
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        machine["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            machine["cuda"] = torch.cuda.get_device_name(0)
    return machine
