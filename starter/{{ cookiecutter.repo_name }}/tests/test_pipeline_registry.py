"""The registry and the catalog agree: every gate is visible where it fires."""

from __future__ import annotations

import re

from kedro.config import OmegaConfigLoader
from kedro.framework.project import configure_project
from kedro.io.catalog_config_resolver import CatalogConfigResolver
from kedro.validation import ValidatorSpec

from {{ cookiecutter.python_package }}.contract import Contract
from {{ cookiecutter.python_package }}.pipeline_registry import register_pipelines
from {{ cookiecutter.python_package }}.validation.preview import GATE_TAG


def test_default_pipeline_is_the_modelling_flow_without_data_generation(
    contract: Contract,
) -> None:
    configure_project("{{ cookiecutter.python_package }}")
    pipelines = register_pipelines(contract)

    assert {
        "data_engineering",
        "model_engineering",
        "evaluation",
        "synthetic",
        "inference",
        "__default__",
    } <= set(pipelines)
    default_nodes = {node.name for node in pipelines["__default__"].nodes}
    assert "generate_raw_data" not in default_nodes
    assert not [name for name in default_nodes if name.startswith("inference")]
    for name in ("data_engineering", "model_engineering", "evaluation"):
        assert {node.name for node in pipelines[name].nodes} <= default_nodes


def test_every_gate_is_shown_on_the_node_where_it_fires(
    config: OmegaConfigLoader, contract: Contract
) -> None:
    configure_project("{{ cookiecutter.python_package }}")
    resolver = CatalogConfigResolver(config["catalog"])
    pipelines = register_pipelines(contract)
    nodes = pipelines["__default__"].nodes + pipelines["inference"].nodes
    names = {name for node in nodes for name in node.inputs + node.outputs}
    entries = {name: resolver.resolve_pattern(name) for name in names}
    gates = {
        name: ValidatorSpec.from_dataset_config(name, entry["validator"])
        for name, entry in entries.items()
        if "validator" in entry
    }
    assert {"customers_intermediate", "inference.usage_intermediate"} <= set(gates)
    for node in nodes:
        expected = {
            gates[name].options["suite"]
            for name in node.inputs
            if name in gates and "load" in gates[name].on
        } | {
            gates[name].options["suite"]
            for name in node.outputs
            if name in gates and "save" in gates[name].on
        }
        # kedro-viz shows the gates: a `gate` tag and a preview that lists them.
        assert (GATE_TAG in node.tags) == bool(expected), node.name
        preview = node.preview().content if expected else ""
        shown = set(re.findall(r"^(\w+), on (?:loading|saving)", preview, re.M))
        assert shown == expected, node.name
