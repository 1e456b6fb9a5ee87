"""Known third-party noise, silenced narrowly: each warning by message and module;
and outside a terminal, one plain line per log record instead of Rich's wrapped ones.

Every entry says why it cannot be acted on here. Anything else still shows, so a new
warning is seen. ``conf/logging.yml`` sets which loggers speak at INFO.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from typing import Any

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
        r"ml_template\.pipelines\.",
    ),
    # kedro-viz 12 imports FastAPI's ORJSONResponse, which FastAPI now deprecates:
    # kedro-viz's upgrade removes it; `make viz` printed it at every start.
    (
        r"ORJSONResponse is deprecated",
        UserWarning,
        r"kedro_viz\.",
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
        # Once per run on MLflow's stack (twice here) after a failed node; the
        # command's own error line follows.
        r"The (parent )?run '\w+' was closed because of an error in the pipeline",
    ),
    # A failed node's error, logged before the command prints it (with the real
    # contract path where the node's message has a placeholder): once is enough.
    "kedro.pipeline.node": (r"Node .* failed with error: ",),
    # kedro-viz and Kedro's resume hint after a failed node combine the training
    # pipeline with others; kedro-mlflow warns each time (a 7-line block) that the
    # result is a plain Pipeline, which is what both want (kedro-mlflow issue 569).
    "kedro_mlflow.pipeline.pipeline_ml": (
        r"BEWARE - This 'Pipeline' is no longer a 'PipelineML' object",
    ),
    # kedro-viz previews each dataset's latest version; one that no run has made
    # yet (inference, tuning) has none, which is not news.
    "kedro_viz.models.flowchart.node_metadata": (
        r"'.*' could not be previewed\. Full exception: VersionNotFoundError",
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

_ENVIRONMENT = {
    # MLflow draws a progress bar per artifact it downloads: noise in a run's log.
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    # `kedro viz run` serves from a spawned process, which imports FastAPI's
    # deprecated class before any project code runs: the filter above, for it.
    "PYTHONWARNINGS": "ignore:ORJSONResponse is deprecated:UserWarning",
}


class _PlainLines(logging.StreamHandler):
    """Each record as one ``HH:MM:SS LEVEL message`` line on the current stdout."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S")
        )

    @property
    def stream(self) -> Any:
        """Standard output as it is now (a test may have replaced it)."""
        return sys.stdout

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def _one_line_per_record() -> None:
    """Outside a terminal, Rich wraps each record at 80 columns into two to four
    lines: there, the root logger's Rich handler becomes plain lines."""
    from kedro.logging import RichHandler  # noqa: PLC0415 (configured by Kedro already)

    if sys.stdout.isatty():
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, RichHandler)]:
        plain = _PlainLines()
        plain.setLevel(handler.level)
        for record_filter in handler.filters:
            plain.addFilter(record_filter)
        root.removeHandler(handler)
        root.addHandler(plain)


class _NodeProgress(logging.Filter):
    """Kedro's runner logs ``Completed node: <name>`` then ``Completed <n> out of <N>
    tasks``: one line, ``Completed <n> of <N> tasks: <name>``. Records in another
    wording pass as they are."""

    def __init__(self) -> None:
        super().__init__()
        self.node: Any = None

    def filter(self, record: logging.LogRecord) -> bool:
        """Hold the node's name back; add it to the count that follows."""
        if record.msg == "Completed node: %s" and isinstance(record.args, tuple):
            self.node = record.args[0]
            return False
        if record.msg == "Completed %d out of %d tasks" and self.node is not None:
            record.msg, record.args = (
                "Completed %d of %d tasks: %s",
                (*(record.args or ()), self.node),
            )
            self.node = None
        return True


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
    for kind in ("sequential", "thread", "parallel"):
        logger = logging.getLogger(f"kedro.runner.{kind}_runner")
        if not any(isinstance(f, _NodeProgress) for f in logger.filters):
            logger.addFilter(_NodeProgress())
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    _one_line_per_record()
