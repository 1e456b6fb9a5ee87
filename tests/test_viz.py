"""kedro-viz: the static build shows every node, the gates and the layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kedro.framework.project import configure_project

from ml_template.pipeline_registry import register_pipelines
from tests.test_run import kedro

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("active_contract")
def test_viz_build_shows_nodes_gates_and_layers(project_copy: Path) -> None:
    result = kedro(project_copy, "viz", "build")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    graph = json.loads((project_copy / "build" / "api" / "main").read_text())
    configure_project("ml_template")
    expected_nodes = {node.name for node in register_pipelines()["__default__"].nodes}
    tasks = {node["name"] for node in graph["nodes"] if node["type"] == "task"}
    assert expected_nodes <= tasks
    assert graph["layers"] == [
        "raw",
        "intermediate",
        "primary",
        "feature",
        "model_input",
        "models",
        "model_output",
        "reporting",
    ]
    layers = {
        node["name"]: node["layer"] for node in graph["nodes"] if node["type"] == "data"
    }
    assert layers["customers_raw"] == "raw"
    assert layers["train_set"] == "model_input"
    assert layers["model"] == "models"
    assert layers["evaluation_metrics"] == "reporting"
    tags = {tag["id"] for tag in graph["tags"]}
    assert {
        "gate.customers_raw",
        "gate.primary_table",
        "gate.test_set",
    } <= tags
