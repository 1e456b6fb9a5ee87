"""The runner inside the logged MLflow model: Kedro's, minus its per-request chatter,
and refusing requests larger than the server is sized for."""

from __future__ import annotations

import logging
import os
from typing import Any

import pandas as pd
from kedro import runner

from {{ cookiecutter.python_package }}.errors import TooManyRowsError

# Kedro's loggers, and this module's: Kedro's runner logs under its class's module.
# kedro.pipeline.node has its own level (conf/logging.yml), so it does not follow
# "kedro"'s: it logs a failed node's error, which the caller gets raised anyway.
_QUIETED = (
    logging.getLogger("kedro"),
    logging.getLogger("kedro.pipeline.node"),
    logging.getLogger(__name__),
)
MAX_ROWS_VARIABLE = "SERVING_MAX_ROWS"
DEFAULT_MAX_ROWS = 10_000


class SequentialRunner(runner.SequentialRunner):
    """Kedro's ``SequentialRunner``, keeping its records out of each prediction.

    A batch run wants every dataset load, save and node logged; a served model would
    write some twenty such records per request, about 15 ms of a 35 ms single-row
    prediction here. A failed prediction's exception reaches the caller (``make
    serve`` answers rows that break the contract with a 400 and logs the traceback of
    anything else), so Kedro's own failure records (a node "failed with error", "No
    nodes ran. Repeat the previous command") are left out too. Concurrent requests in
    one process share the loggers, so one may restore their level while another runs:
    that only changes what is logged, never a prediction.

    A request with more rows than ``SERVING_MAX_ROWS`` (environment, default 10,000)
    is refused with HTTP 413 before any node runs: batch scoring belongs to
    ``kedro run --pipelines inference``.

    The class keeps its parent's name on purpose: kedro-mlflow's ``KedroPipelineModel``
    reuses its runner only when the class name is the ``SequentialRunner`` it expects,
    and otherwise builds a plain one for every request.
    """

    def __init__(self, input_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.input_name = input_name

    def run(
        self, pipeline: Any, catalog: Any, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """Run the serving pipeline with Kedro's loggers silent."""
        previous = [logger.level for logger in _QUIETED]
        for logger in _QUIETED:
            logger.setLevel(logging.CRITICAL)
        try:
            self._refuse_oversized(catalog)
            return super().run(pipeline, catalog, *args, **kwargs)
        finally:
            for logger, level in zip(_QUIETED, previous, strict=True):
                logger.setLevel(level)

    def _refuse_oversized(self, catalog: Any) -> None:
        if self.input_name is None or self.input_name not in catalog:
            return
        limit = int(os.environ.get(MAX_ROWS_VARIABLE, DEFAULT_MAX_ROWS))
        rows = len(as_frame(catalog.load(self.input_name)))
        if rows > limit:
            raise TooManyRowsError(
                f"{rows} rows in one request; the limit is {limit} "
                f"({MAX_ROWS_VARIABLE}). Send smaller batches, or score files with "
                "`kedro run --pipelines inference`."
            )


def as_frame(rows: Any) -> pd.DataFrame:
    """Rows to score as a DataFrame: MLflow's ``instances`` and ``inputs`` formats
    arrive as a dict of columns or a list of records."""
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
