"""The runner inside the logged MLflow model: Kedro's, minus its per-request chatter."""

from __future__ import annotations

import logging
from typing import Any

from kedro import runner

_KEDRO = logging.getLogger("kedro")


class SequentialRunner(runner.SequentialRunner):
    """Kedro's ``SequentialRunner``, keeping its INFO records out of each prediction.

    A batch run wants every dataset load, save and node logged; a served model would
    write some twenty such records per request, about 15 ms of a 35 ms single-row
    prediction here. Warnings and errors still get through. Concurrent requests in one
    process share the logger, so one may restore INFO while another runs: that only
    changes what is logged, never a prediction.

    The class keeps its parent's name on purpose: kedro-mlflow's ``KedroPipelineModel``
    reuses its runner only when the class name is the ``SequentialRunner`` it expects,
    and otherwise builds a plain one for every request.
    """

    def run(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run the serving pipeline with Kedro's loggers at WARNING."""
        previous = _KEDRO.level
        _KEDRO.setLevel(logging.WARNING)
        try:
            return super().run(*args, **kwargs)
        finally:
            _KEDRO.setLevel(previous)
