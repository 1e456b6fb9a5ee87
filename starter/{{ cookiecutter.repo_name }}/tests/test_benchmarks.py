"""The benchmarks read node timings from a run's log as the project writes it."""

from __future__ import annotations

import io
import logging

from benchmarks.common import Measured, node_timings
from {{ cookiecutter.python_package }}.quiet import silence_known_noise


def test_node_timings_read_the_projects_one_line_per_node() -> None:
    silence_known_noise()  # as every kedro command: Kedro's two lines become one
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(created).3f|%(name)s|%(message)s"))
    runner, catalog = (
        logging.getLogger("kedro.runner.sequential_runner"),
        logging.getLogger("kedro.io.data_catalog"),
    )
    levels = [runner.level, catalog.level]
    for logger in (runner, catalog):
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        catalog.info("Loading data from %s (%s)...", "customers_raw", "CSVDataset")
        for done, node in enumerate(("clean_customers", "split_dataset"), start=1):
            runner.info("Completed node: %s", f"data_engineering.{node}")
            runner.info("Completed %d out of %d tasks", done, 2)
    finally:
        for logger, level in zip((runner, catalog), levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    log = stream.getvalue()

    timings = node_timings(Measured(1.0, 0, 0.0, log))

    assert "Completed 2 of 2 tasks: data_engineering.split_dataset" in log
    assert list(timings["nodes_s"]) == [
        "data_engineering.clean_customers",
        "data_engineering.split_dataset",
    ]
