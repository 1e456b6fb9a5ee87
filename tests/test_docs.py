"""The documentation's DAG picture shows the pipeline as it is."""

from __future__ import annotations

import re

from kedro.framework.project import configure_project

from ml_template.contract import Contract
from ml_template.pipeline_registry import register_pipelines
from tests.conftest import PROJECT_ROOT


def _mermaid_ids(markdown: str) -> set[str]:
    (diagram,) = re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.DOTALL)
    return set(re.findall(r"^\s+(\w+)(?:\[|\(\[)", diagram, flags=re.MULTILINE))


def test_architecture_dag_names_every_node_and_dataset(contract: Contract) -> None:
    configure_project("ml_template")
    pipeline = register_pipelines(contract)["__default__"]
    # Nodes by their name within their pipeline, as kedro-viz shows them.
    expected = {node.name.rsplit(".", 1)[-1] for node in pipeline.nodes} | {
        name for name in pipeline.datasets() if not name.startswith("params:")
    }

    drawn = _mermaid_ids((PROJECT_ROOT / "docs/architecture.md").read_text())

    assert drawn == expected, (
        f"docs/architecture.md's DAG is stale: missing {sorted(expected - drawn)}, "
        f"extra {sorted(drawn - expected)}"
    )
