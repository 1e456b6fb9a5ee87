"""Which version of each dataset a run or a notebook reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro.io import AbstractVersionedDataset, CatalogConfigResolver, Version

from {{ cookiecutter.python_package }}.runs.records import RunStore, UnknownRunError

if TYPE_CHECKING:
    from kedro.io import DataCatalog


def completed_set(
    store: RunStore, run: str, catalog_config: dict[str, Any]
) -> dict[str, str]:
    """The versions of the completed run ``run`` for the datasets the catalog knows.

    Empty when no run has completed yet: a fresh project has nothing to read.
    """
    try:
        record = store.find(run)
    except UnknownRunError:
        if store.completed():
            raise
        return {}
    # Only configured names and patterns count: no runtime (MemoryDataset) pattern.
    resolver = CatalogConfigResolver(catalog_config, default_runtime_patterns={})
    return {
        name: version
        for name, version in record.datasets.items()
        if name in resolver.config or resolver.match_dataset_pattern(name)
    }


def versioned(catalog: DataCatalog, name: str) -> AbstractVersionedDataset | None:
    """The catalog's dataset ``name`` if it is versioned, else None."""
    dataset = catalog.get(name) if name in catalog else None
    if isinstance(dataset, AbstractVersionedDataset) and dataset._version:
        return dataset
    return None


def save_own(catalog: DataCatalog, name: str, data: Any) -> None:
    """Save what a hook writes for the run (the manifest, gate results, the model
    card) under the run's version, read back as the run's own.

    The context pins every dataset of the last completed set to that set's version;
    saving one of them under a new version would make Kedro warn of mismatched save
    and load versions (25 lines each in the log).
    """
    dataset = versioned(catalog, name)
    if dataset is not None and dataset._version and dataset._version.save:
        pin(dataset, dataset._version.save)
    catalog.save(name, data)


def pin(dataset: AbstractVersionedDataset, load_version: str) -> None:
    """Make ``dataset`` load ``load_version`` from now on, keeping its save version.

    Kedro fixes load versions when it builds the catalog, before the pipeline is
    known; a run's own outputs must read back the run's version (not the newest,
    which a concurrent run may have written). Kedro has no public way to change a
    built dataset's version, hence ``_version`` (guarded by tests/runs).
    """
    save = dataset._version.save if dataset._version else None
    dataset._version = Version(load_version, save)
    dataset._cached_load_version = None
