"""kedro-viz: the static build shows every node, the gates and the layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kedro.framework.project import configure_project

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.pipeline_registry import register_pipelines
from tests.test_run import kedro

pytestmark = pytest.mark.slow


def test_viz_build_shows_nodes_gates_and_layers(
    project_copy: Path, contract: Contract
) -> None:
    result = kedro(project_copy, "viz", "build")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    graph = json.loads((project_copy / "build" / "api" / "main").read_text())
    configure_project("{{ cookiecutter.python_package }}")
    pipeline = register_pipelines(contract)["__default__"]
    expected_nodes = {node.name.rsplit(".", 1)[-1] for node in pipeline.nodes}
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
    assert layers["fitted_model"] == "models"
    assert layers["evaluation_metrics"] == "reporting"
    # The training pipelines are named boxes to expand; the gates' nodes are tagged.
    assert {"data_engineering", "model_engineering", "evaluation"} <= set(
        graph["modular_pipelines"]
    )
    gated = {n["name"] for n in graph["nodes"] if "gate" in n.get("tags", [])}
    assert {"clean_customers", "build_primary_table", "split_dataset"} <= gated
    clean = next(n for n in graph["nodes"] if n["name"] == "clean_customers")
    preview = json.loads((project_copy / "build/api/nodes" / clean["id"]).read_text())
    text = preview["preview"]["content"]
    assert "customers_raw, on loading customers_raw" in text
    assert "customers_intermediate, on saving customers_intermediate" in text
