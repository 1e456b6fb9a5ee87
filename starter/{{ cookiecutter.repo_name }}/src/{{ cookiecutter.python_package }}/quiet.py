"""Known third-party noise, silenced narrowly: each warning by message and module.

Every entry says why it cannot be acted on here. Anything else still shows, so a new
warning is seen. ``conf/logging.yml`` sets which loggers speak at INFO.
"""

from __future__ import annotations

import logging
import os
import re
import warnings

# (message pattern, category, module pattern): all three must match.
_WARNINGS = (
    # OmegaConf 2.4 deprecates register_new_resolver(); kedro and kedro-mlflow still
    # call it. Their upgrade removes the warning; nothing of ours calls it.
    (
        r"register_new_resolver\(\) is deprecated",
        UserWarning,
        r"kedro\.config\.omegaconf_config|kedro_mlflow\.framework\.hooks\.mlflow_hook",
    ),
    # Kedro marks node previews experimental; the gate previews in kedro-viz use them
    # knowingly (validation/preview.py).
    (
        r"The 'preview_fn' feature is experimental",
        UserWarning,
        r"{{ cookiecutter.python_package }}\.pipelines\.",
    ),
    # PySpark 4.3 warns at each pandas check that it does not fully support pandas 3;
    # the Spark route is checked against pandas 3 by tests/test_spark.py.
    (
        r"PySpark does not yet fully support pandas >= 3",
        FutureWarning,
        r"pyspark\.",
    ),
)

# logger name -> message patterns of records that say nothing a user can act on.
_LOG_RECORDS = {
    # kedro-mlflow's KedroPipelineModel.predict has no type hints; MLflow asks for
    # them when the class is defined, under its own "once" filter that overrides ours,
    # so the warning is dropped where Kedro logs it. Served rows are checked by the
    # contract instead.
    "py.warnings": (
        r".*mlflow[/\\]pyfunc[/\\]utils[/\\]data_validation\.py:\d+: UserWarning: "
        r"\W*(\[\d+m)?Add type hints to the `predict` method",
    ),
    # The contract is longer than an MLflow parameter: it is logged whole as
    # reports/contract.json, so its truncated parameter is expected (mlflow.yml).
    "kedro_mlflow.framework.hooks.mlflow_hook": (
        r"Parameter 'contract' \(value length \d+\) is truncated",
        # Its own resolver, registered at every start.
        r"Registering new custom resolver: 'km\.random_name'",
    ),
    # kedro-mlflow hands MLflow a KedroPipelineModel object: MLflow pickles it and
    # suggests models-from-code, which kedro-mlflow does not offer.
    "mlflow.pyfunc": (r"Passing a Python object as `python_model`",),
    # Great Expectations sets this logger to INFO itself; one line per gate session.
    "great_expectations.data_context.types.base": (
        r"Created temporary directory '.*' for ephemeral docs site",
    ),
    # The project hook replaces the served bundle's entry with its run's version on
    # purpose (RunCatalog.freeze_own_version).
    "kedro.io.data_catalog": (r"Replacing dataset 'fitted_model'",),
    # Advice printed by every run, not news about it.
    "kedro.runner.sequential_runner": (r"Using synchronous mode",),
}

# MLflow draws a progress bar per artifact it downloads: noise in a run's log.
_ENVIRONMENT = {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}


class _DropRecords(logging.Filter):
    """Drops the records whose message matches one of ``patterns``."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        super().__init__()
        self.patterns = [re.compile(pattern) for pattern in patterns]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(pattern.match(message) for pattern in self.patterns)


def silence_known_noise() -> None:
    """Filter the known third-party warnings and log records; idempotent."""
    for message, category, module in _WARNINGS:
        warnings.filterwarnings("ignore", message, category, module)
    for name, patterns in _LOG_RECORDS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropRecords) for f in logger.filters):
            logger.addFilter(_DropRecords(patterns))
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
