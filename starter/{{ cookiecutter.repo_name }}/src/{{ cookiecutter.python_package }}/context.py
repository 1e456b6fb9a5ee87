"""The project's Kedro context: its catalog reads the newest completed run's set."""

from __future__ import annotations

from typing import Any

from kedro.framework.context import KedroContext
from kedro.io import DataCatalog

from {{ cookiecutter.python_package }}.runs.catalog import completed_set
from {{ cookiecutter.python_package }}.runs.hooks import load_run, run_store


class ProjectContext(KedroContext):
    """Kedro's context; a versioned dataset loads the completed run's version.

    Without a version, Kedro loads the newest file of each dataset on its own, be it
    from a run that crashed. Here every dataset of the completed run chosen by
    ``params:load_run`` (default: the newest) is pinned, as ``--load-versions`` would,
    so a notebook or a script reading the catalog gets one consistent set. Versions
    given with ``--load-versions`` still win; a run's own outputs read back the run's
    version (``runs.hooks.RunHooks``).
    """

    def _get_catalog(
        self,
        catalog_class: type = DataCatalog,
        save_version: str | None = None,
        load_versions: dict[str, str] | None = None,
    ) -> Any:
        completed = completed_set(
            run_store(self), load_run(self), self.config_loader["catalog"]
        )
        return super()._get_catalog(
            catalog_class, save_version, completed | (load_versions or {})
        )
