"""One validation session per run: the suites, one lazily created GX context, results."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.python_package }}.contract.expectations import Rule, suite_names
from {{ cookiecutter.python_package }}.runs.catalog import save_own
from {{ cookiecutter.python_package }}.validation.suites import build_suite, suite_rules

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core import ExpectationSuiteValidationResult
    from kedro.io import DataCatalog

    from {{ cookiecutter.python_package }}.contract import Contract

logger = logging.getLogger(__name__)

_DATA_DOCS_SITE = "project"
_active: ValidationSession | None = None


class ValidationSession:
    """Validates frames against named suites with a single GX context per run.

    Args:
        contract: The data contract, which generates the rules of every layer.
        extras: Suite name -> hand-written expectations, from
            ``conf/<env>/expectations``.
        sample_size: How many offending values a failure reports (and GX keeps).
        data_docs_dir: Where :meth:`build_data_docs` writes the HTML site.
    """

    def __init__(
        self,
        contract: Contract | None,
        extras: dict[str, Any] | None = None,
        sample_size: int = 5,
        data_docs_dir: str | Path | None = None,
    ) -> None:
        self.contract = contract
        self.sample_size = sample_size
        self.data_docs_dir = Path(data_docs_dir).resolve() if data_docs_dir else None
        self.results: dict[str, dict[str, Any]] = {}
        self._extras = extras or {}
        self._context: Any = None
        self._definitions: dict[str, Any] = {}
        self._lock = threading.RLock()

    def validate(
        self, suite: str, data: pd.DataFrame, without_target: bool = False
    ) -> ExpectationSuiteValidationResult:
        """Validate ``data`` against ``suite`` and keep the result for reporting.

        A first pass only decides pass or fail (GX's ``BOOLEAN_ONLY``: no counts or
        samples, less than half the time at 1M rows); only the expectations that failed
        are run again for their observed values and offending samples. With Data Docs
        requested, every expectation gets the detailed pass, for the docs to show.

        ``without_target`` leaves out the rules on the target (unlabelled
        data); its result is kept as ``<suite>_without_target``.
        """
        with self._lock:
            definition = self._definition(suite, without_target)
            detailed = self.data_docs_dir is not None
            batch = {"dataframe": data}
            result = definition.run(
                batch_parameters=batch,
                result_format=self._summary
                if detailed
                else {"result_format": "BOOLEAN_ONLY"},
            )
            if not result.success and not detailed:
                self._detail_failures(definition, batch, result)
            self.results[definition.name] = result.to_json_dict()
        logger.info(
            "Expectation suite '%s': %s (%d expectations, %d rows)",
            definition.name,
            "passed" if result.success else "FAILED",
            len(result.results),
            len(data),
        )
        return result

    @property
    def _summary(self) -> dict[str, Any]:
        """GX's detailed result: counts and up to ``sample_size`` offending values."""
        return {
            "result_format": "SUMMARY",
            "partial_unexpected_count": self.sample_size,
            "include_unexpected_rows": False,
        }

    def _detail_failures(
        self, definition: Any, batch: dict[str, Any], result: Any
    ) -> None:
        """Replace each failed expectation's result with its detailed one, in place."""
        data = definition.batch_definition.get_batch(batch_parameters=batch)
        for index, item in enumerate(result.results):
            if not item.success:
                result.results[index] = data.validate(
                    item.expectation_config.to_domain_obj(), result_format=self._summary
                )

    def save_results(self, catalog: DataCatalog) -> None:
        """Save each result as the versioned ``<suite>_validation`` catalog dataset."""
        for suite, result in self.results.items():
            save_own(catalog, f"{suite}_validation", result)

    def build_data_docs(self) -> Path:
        """Render the suites and results of this run as GX Data Docs HTML."""
        if self.data_docs_dir is None:
            raise ValueError("No data_docs_dir set for this validation session.")
        with self._lock:
            self._gx_context().build_data_docs(site_names=[_DATA_DOCS_SITE])
        index = self.data_docs_dir / "index.html"
        logger.info("Great Expectations Data Docs: %s", index)
        return index

    @property
    def suites(self) -> list[str]:
        """Every suite this session knows: generated by the contract or hand-written."""
        generated = suite_names(self.contract) if self.contract else []
        return [*generated, *(s for s in self._extras if s not in generated)]

    def rules(self, suite: str, without_target: bool = False) -> list[Rule]:
        """The rules of ``suite`` (the contract's, then the hand-written ones)."""
        if suite not in self.suites:
            raise KeyError(
                f"No expectation suite '{suite}': the contract generates {self.suites}; "
                f"hand-written ones live in conf/<env>/expectations/{suite}.yml."
            )
        return suite_rules(
            suite, self.contract, self._extras.get(suite), without_target
        )

    def _definition(self, suite: str, without_target: bool) -> Any:
        name = f"{suite}_without_target" if without_target else suite
        if name not in self._definitions:
            rules = self.rules(suite, without_target)
            import great_expectations as gx  # noqa: PLC0415

            context = self._gx_context()
            description = (self._extras.get(suite) or {}).get("description", "")
            gx_suite = context.suites.add(build_suite(name, rules, description))
            batch = context.data_sources.get("frames").add_dataframe_asset(name)
            self._definitions[name] = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=name,
                    data=batch.add_batch_definition_whole_dataframe(name),
                    suite=gx_suite,
                )
            )
        return self._definitions[name]

    def _gx_context(self) -> Any:
        if self._context is None:
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations as gx  # noqa: PLC0415
            from great_expectations.data_context.types.base import (  # noqa: PLC0415
                ProgressBarsConfig,
            )
            from great_expectations.execution_engine import (  # noqa: PLC0415
                pandas_execution_engine,
            )

            # GX fingerprints every frame under 1 GB (a hash of all its values) for
            # batch metadata nothing here reads: a third of a gate's time at 1M rows.
            pandas_execution_engine.HASH_THRESHOLD = 0
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            context.data_sources.add_pandas("frames")
            if self.data_docs_dir is not None:
                context.add_data_docs_site(
                    site_name=_DATA_DOCS_SITE,
                    site_config={
                        "class_name": "SiteBuilder",
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(self.data_docs_dir),
                        },
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    },
                )
            self._context = context
        return self._context


def activate(session: ValidationSession | None) -> None:
    """Make ``session`` the one that catalog validators use (``None`` to clear)."""
    global _active  # noqa: PLW0603 (one session per run, set by the project hook)
    _active = session


def current() -> ValidationSession:
    """The active session; the project hook opens one when a Kedro context starts."""
    if _active is None:
        raise RuntimeError(
            "No validation session is active. Run inside a KedroSession (the project "
            "hook opens one) or call {{ cookiecutter.python_package }}.validation.activate(ValidationSession(...))."
        )
    return _active
