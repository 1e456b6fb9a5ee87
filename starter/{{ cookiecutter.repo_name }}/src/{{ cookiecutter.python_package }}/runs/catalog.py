"""Which version of each dataset a run or a notebook reads: Kedro's catalog, pinned."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kedro.io import (
    AbstractDataset,
    AbstractVersionedDataset,
    CatalogConfigResolver,
    DataCatalog,
    DatasetError,
    Version,
)

from {{ cookiecutter.python_package }}.datasets.unreadable import unreadable
from {{ cookiecutter.python_package }}.runs.records import RunStore, UnknownRunError
from {{ cookiecutter.python_package }}.validation.session import ValidationSession, gates


class RunCatalog(DataCatalog):
    """Kedro's ``DataCatalog`` (``DATA_CATALOG_CLASS``) with versions pinned by name.

    A versioned dataset loaded without a version (a node's input, ``catalog.load``
    in a notebook) loads its pinned version: the run's own once the run writes it,
    else the completed set's. (Kedro's public ``get``, ``load(version=)`` and
    ``from_config`` do the work; no dataset is changed in place.) Kedro alone would load the newest file of each dataset,
    be it from a run that crashed or runs beside this one. Versions given with
    ``--load-versions`` are Kedro's own and are never pinned over.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run_version: str | None = kwargs.get("save_version")
        self.pinned: dict[str, str] = {}
        self.written: set[str] = set()  # the versioned datasets this run saved
        self.gates: ValidationSession | None = None  # the run's (the hook sets it)

    def pin(self, versions: dict[str, str]) -> None:
        """Load each named dataset's given version from now on."""
        self.pinned.update(versions)

    def get(
        self,
        key: str,
        fallback_to_runtime_pattern: bool = False,
        version: Version | None = None,
    ) -> AbstractDataset | None:
        """Kedro's ``get``; a pinned dataset comes at its pinned version (which every
        load and save goes through) unless another is asked for."""
        pinned = self.pinned.get(key)
        if version is None and pinned is not None:
            version = Version(pinned, self.run_version)
        return super().get(key, fallback_to_runtime_pattern, version)

    def versioned(self, name: str) -> bool:
        """Whether ``name`` is a dataset of this catalog that keeps versions."""
        dataset = self.get(name) if name in self else None
        return (
            isinstance(dataset, AbstractVersionedDataset)
            and dataset.resolve_save_version() is not None
        )

    def load(self, ds_name: str, version: str | None = None) -> Any:
        """Kedro's ``load``, its validator checking with the run's gates; a raw file
        that cannot be read ends the run saying what is wrong with it."""
        with gates(self.gates):
            try:
                return super().load(ds_name, version)
            except DatasetError as error:
                path = self.local_file(ds_name)
                explained = unreadable(ds_name, path, error) if path else None
                if explained is None:
                    raise
                raise explained from error

    def save(self, ds_name: str, data: Any) -> None:
        """Kedro's ``save``, its validator checking with the run's gates; a versioned
        dataset then reads back this run's version."""
        own = bool(self.run_version) and self.versioned(ds_name)
        if own:
            self.pin({ds_name: str(self.run_version)})
        with gates(self.gates):
            super().save(ds_name, data)
        if own:
            self.written.add(ds_name)

    def local_file(self, name: str) -> Path | None:
        """The local file an unversioned dataset reads (a raw input), if it is one."""
        filepath = self._config(name).get("filepath")
        path = Path(str(filepath)) if filepath else None
        return path if path is not None and path.is_file() else None

    def saved_file(self, name: str) -> Path | None:
        """The local file this run saved for the versioned dataset ``name``, if any
        (Kedro's layout: ``<filepath>/<version>/<file name>``)."""
        filepath = self._config(name).get("filepath")
        if not filepath or not self.run_version or name not in self.written:
            return None
        path = Path(str(filepath))
        saved = path / self.run_version / path.name
        return saved if saved.exists() else None

    def freeze_own_version(self, name: str) -> None:
        """Replace the versioned dataset ``name`` by an unversioned one over this
        run's version of it.

        kedro-mlflow packs the folder of each file the served pipeline reads into
        the logged model; for a versioned dataset that folder holds every version
        ever saved. Frozen, it holds this run's only.
        """
        saved = self.saved_file(name)
        if saved is None:
            return
        config = {k: v for k, v in self._config(name).items() if k != "validator"}
        self[name] = AbstractDataset.from_config(
            name, config | {"filepath": str(saved), "versioned": False}
        )
        self.pinned.pop(name, None)

    def _config(self, name: str) -> dict[str, Any]:
        return self.config_resolver.resolve_pattern(name) if name in self else {}


def pin(catalog: Any, versions: dict[str, str]) -> None:
    """Pin ``versions`` in any catalog: a ``RunCatalog`` (a run's) keeps them by
    name; another (Kedro's ``context.catalog`` of a notebook, which is built without
    ``DATA_CATALOG_CLASS``) gets each dataset replaced by its pinned copy."""
    if isinstance(catalog, RunCatalog):
        catalog.pin(versions)
        return
    quiet = _Replacing()
    logging.getLogger("kedro.io.data_catalog").addFilter(quiet)
    try:
        for name, version in versions.items():
            if name in catalog:
                catalog[name] = catalog.get(name, version=Version(version, None))
    finally:
        logging.getLogger("kedro.io.data_catalog").removeFilter(quiet)


class _Replacing(logging.Filter):
    """Drops Kedro's "Replacing dataset" warning of a pin."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Replacing dataset")


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
    # Only configured versioned names and patterns count: no runtime pattern.
    resolver = CatalogConfigResolver(catalog_config, default_runtime_patterns={})
    return {
        name: version
        for name, version in record.datasets.items()
        if (name in resolver.config or resolver.match_dataset_pattern(name))
        and resolver.resolve_pattern(name).get("versioned")
    }
