"""Your data under your contract: the tests that follow the project's configuration.

Everything else under tests/ checks the template's machinery on its own fixture; these
check what you put in ``conf/base``: the contract loads, a sample of your raw data
passes every gate, and a tiny training run completes on it. They need no edit when you
replace the example with your own data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from kedro.io import AbstractDataset
from kedro.io.catalog_config_resolver import CatalogConfigResolver

from ml_template.contract import Contract
from ml_template.contract.loading import contract_file, parse_contract
from tests.conftest import PROJECT_ROOT, copy_project, load_config, run_session

SAMPLE_ENTITIES = 2000


@pytest.fixture(scope="module")
def your_config() -> Any:
    """The project's own configuration, as ``kedro run --env test`` reads it."""
    return load_config(PROJECT_ROOT / "conf")


@pytest.fixture(scope="module")
def your_contract(your_config: Any) -> Contract:
    return parse_contract(your_config["parameters"].get("contract"))


def test_your_contract_loads(your_contract: Contract) -> None:
    assert your_contract.table.features
    assert len(your_contract.table.classes) >= 2


def test_every_source_has_a_gated_raw_dataset(
    your_config: Any, your_contract: Contract
) -> None:
    resolver = CatalogConfigResolver(your_config["catalog"])
    for source in your_contract.sources:
        entry = resolver.resolve_pattern(f"{source}_raw")
        assert entry, f"declare {source}_raw in conf/base/catalog_sources.yml"
        assert entry.get("validator", {}).get("options", {}).get("suite") == (
            f"{source}_raw"
        ), f"{source}_raw needs its gate: validator options suite {source}_raw"


def _dataset(entry: dict[str, Any], root: Path) -> AbstractDataset:
    """The raw dataset under ``root``, writing text in the format it reads."""
    config = {k: v for k, v in entry.items() if k not in {"validator", "metadata"}}
    config["filepath"] = str(root / config["filepath"])
    if config["type"].endswith("CSVDataset"):
        load_args = config.get("load_args", {})
        written = {
            k: load_args[k] for k in ("sep", "quotechar", "encoding") if k in load_args
        }
        config["save_args"] = {"index": False, **written, **config.get("save_args", {})}
    return AbstractDataset.from_config("raw", config)


def _sample(contract: Contract, frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Up to SAMPLE_ENTITIES entities and the event rows that belong to them."""
    entity = contract.entity
    rows = frames[contract.entity_name]
    if len(rows) > SAMPLE_ENTITIES:
        rows = rows.sample(SAMPLE_ENTITIES, random_state=0).sort_index()
    sampled = {contract.entity_name: rows}
    if not contract.events:  # a flat table
        return sampled
    keys = set(_keys(rows, [entity.raw_name(c) for c in entity.key]))
    for name, source in contract.events.items():
        events = frames[name]
        by = _keys(events, [source.raw_name(c) for c in source.join.by])
        sampled[name] = events[by.isin(keys)]
    return sampled


def _scaled_row_floors(contract_path: Path, kept: dict[str, float]) -> None:
    """Scale each source's ``rows.min`` by the share of its rows the sample kept: the
    floor is about the whole file (the draft sets a tenth of it), the sample is part
    of it."""
    raw = yaml.safe_load(contract_path.read_text(encoding="utf-8"))
    for name, share in kept.items():
        rows = raw["contract"]["sources"][name].get("rows") or {}
        if rows.get("min") and share < 1:
            rows["min"] = max(1, int(rows["min"] * share))
    contract_path.write_text(
        yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def _keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's key as a tuple of stripped text."""
    text = frame[columns].astype(str).apply(lambda column: column.str.strip())
    return pd.Series(list(text.itertuples(index=False, name=None)), index=frame.index)


@pytest.fixture(scope="module")
def sample_run(
    your_config: Any, your_contract: Contract, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A copy of the project on a sample of its raw data, after one tiny training run."""
    project = tmp_path_factory.mktemp("your_data") / "project"
    copy_project(project, fixture=False)
    resolver = CatalogConfigResolver(your_config["catalog"])
    entries = {s: resolver.resolve_pattern(f"{s}_raw") for s in your_contract.sources}
    frames = {s: _dataset(e, PROJECT_ROOT).load() for s, e in entries.items()}
    sample = _sample(your_contract, frames)
    for source, frame in sample.items():
        path = project / entries[source]["filepath"]
        path.parent.mkdir(parents=True, exist_ok=True)
        _dataset(entries[source], project).save(frame)
    _scaled_row_floors(
        project / contract_file(root=PROJECT_ROOT),
        {s: len(sample[s]) / max(1, len(frames[s])) for s in sample},
    )
    run_session(project)
    return project


@pytest.mark.slow
def test_a_sample_of_your_data_passes_every_gate(sample_run: Path) -> None:
    results = [
        json.loads(path.read_text())
        for path in (sample_run / "data/08_reporting/validation").glob("*/*/*.json")
    ]

    assert results
    failed = [
        r["meta"].get("expectation_suite_name") for r in results if not r["success"]
    ]
    assert not failed


@pytest.mark.slow
def test_a_tiny_training_run_completes_on_your_data(sample_run: Path) -> None:
    (path,) = (sample_run / "data/08_reporting").glob("evaluation_metrics.json/*/*")
    metrics = json.loads(path.read_text())

    assert 0.0 <= metrics["model"]["roc_auc"] <= 1.0
    assert metrics["test_rows"] > 0


def test_the_sample_keeps_row_floors_set_for_the_whole_file(tmp_path: Path) -> None:
    """A drafted contract of a 25,000-row file asks for at least 2,500 rows (a tenth);
    the sample of 2,000 entities must be asked for its own share of that."""
    path = tmp_path / "contract.yml"
    path.write_text(
        "contract:\n  as_of_date: 2026-01-31\n  sources:\n"
        "    people: {key: [id], rows: {min: 2500}, columns: {id: {type: text}}}\n"
        "    visits: {rows: {min: 100}, columns: {id: {type: text}}}\n"
    )

    _scaled_row_floors(path, {"people": SAMPLE_ENTITIES / 25_000, "visits": 1.0})

    sources = yaml.safe_load(path.read_text())["contract"]["sources"]
    assert sources["people"]["rows"]["min"] == 200  # 2,000 of 25,000 kept
    assert sources["visits"]["rows"]["min"] == 100  # all kept: as written
