"""kedro-viz: the static build shows every node, the gates and the layers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from kedro.framework.project import configure_project

from ml_template.contract import Contract
from ml_template.pipeline_registry import register_pipelines
from ml_template.viz import TIPS_OFF
from tests.test_pages import CHROMIUM, rendered
from tests.test_run import kedro

pytestmark = pytest.mark.slow


def test_viz_build_shows_nodes_gates_and_layers(
    project_copy: Path, contract: Contract
) -> None:
    result = kedro(project_copy, "viz", "build", "--include-previews")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    # No kedro-mlflow BEWARE block, FastAPI deprecation or preview of datasets no
    # run has made: kedro-viz's progress, its note that no run recorded node
    # statuses yet (this copy never ran), the success line.
    assert "BEWARE" not in output
    assert "Deprecat" not in output
    assert "could not be previewed" not in output
    said = [line for line in output.splitlines() if not line.startswith("...")]
    assert len(said) <= 2, output
    graph = json.loads((project_copy / "build" / "api" / "main").read_text())
    configure_project("ml_template")
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


def test_make_viz_serves_a_clean_first_view(project_copy: Path) -> None:
    """No "Kedro-Viz None is here!" banner offline, no onboarding tips over the
    graph: what a person opening `make viz` sees first."""
    assert kedro(project_copy, "viz", "build").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "ml_template.viz", "--port", str(port)],
        cwd=project_copy,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert f"http://127.0.0.1:{port}/?pid=training" in server.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{url}/api/version") as response:  # noqa: S310
            version = json.load(response)
        with urllib.request.urlopen(url) as response:
            page = response.read().decode()
        dom = rendered(f"{url}/?pid=training") if CHROMIUM else None
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert version["is_outdated"] is False  # kedro viz run says True offline
    assert page.count(TIPS_OFF) == 1
    if dom is not None:  # headless Chromium, where installed
        assert f"Kedro-Viz {version['installed']}" in dom
        assert "is here!" not in dom
        assert "Workflow run status" not in dom  # kedro-viz's first tip
