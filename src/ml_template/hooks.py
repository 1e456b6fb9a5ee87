"""Project hooks: open one validation session per run and report its results."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kedro.framework.hooks import hook_impl

from ml_template.schema import parse_schema
from ml_template.validation import ValidationSession, activate, current

if TYPE_CHECKING:
    from kedro.framework.context import KedroContext
    from kedro.io import DataCatalog

logger = logging.getLogger(__name__)


class ValidationHooks:
    """Give the catalog's Great Expectations gates their suites, schema and reports."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        """Open the run's validation session from ``conf/<env>/expectations``."""
        params = context.params
        settings = params.get("validation", {})
        schema = params.get("data_engineering", {}).get("schema")
        docs_dir = settings["data_docs_dir"] if params.get("build_data_docs") else None
        activate(
            ValidationSession(
                suites=context.config_loader["expectations"],
                schema=parse_schema(schema) if schema else None,
                sample_size=settings.get("sample_size", 5),
                data_docs_dir=context.project_path / docs_dir if docs_dir else None,
            )
        )

    @hook_impl
    def after_pipeline_run(self, catalog: DataCatalog) -> None:
        """Save every validation result of the run (and Data Docs if asked)."""
        self._report(catalog)

    @hook_impl
    def on_pipeline_error(self, catalog: DataCatalog) -> None:
        """Save the results on failure too: the failed gate's result explains it."""
        self._report(catalog)

    @staticmethod
    def _report(catalog: DataCatalog) -> None:
        session = current()
        session.save_results(catalog)
        if session.data_docs_dir is not None:
            session.build_data_docs()
