"""The SparkSession of the ``spark`` environment, built from ``conf/<env>/spark.yml``.

Kedro's convention (the official pyspark starters): the project hook reads the
``spark`` configuration once the context exists and starts the session every Spark
dataset and node then gets from ``SparkSession.builder.getOrCreate()``.
Environments without a ``spark.yml`` (``base``, ``local``, ``test``) never import PySpark.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from kedro.config import MissingConfigException, OmegaConfigLoader
from kedro.io import CatalogProtocol
from kedro.pipeline import Node

from {{ cookiecutter.python_package }}.user_errors import UserError

logger = logging.getLogger(__name__)

MINIMUM_JAVA = 17  # Spark 4
_INSTALL = 'pip install -e ".[spark]"'
_SOURCES_FILE = "conf/spark/catalog_sources.yml"


class SparkSetupError(UserError, RuntimeError):
    """Spark cannot start here: no PySpark, no Java or a Java too old."""


class SparkRun:
    """The run's SparkSession, and the cached frames it frees between nodes."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._node: Node | None = None

    def before_node(self, node: Node) -> None:
        """Drop the frames cached for the previous node (the gates' and the contract's).

        Kedro saves a node's outputs before the next node loads its inputs, and every
        Spark dataset loads from its files: a frame cached for an earlier node only
        holds the memory the next one needs.
        """
        if node is not self._node:
            self._node = node
            self.session.catalog.clearCache()


def start_spark(loader: Any, app_name: str) -> SparkRun | None:
    """The session of the environment's ``spark.yml``; None where there is none."""
    try:
        settings = loader["spark"]
    except MissingConfigException:
        return None
    return SparkRun(start_session(settings, app_name)) if settings else None


def raw_paths(loader: OmegaConfigLoader) -> dict[str, tuple[str | None, str | None]]:
    """Each raw entry's file as this environment reads it and as base reads it."""
    here = loader["catalog"]
    base = OmegaConfigLoader(
        conf_source=loader.conf_source,
        env=loader.base_env,
        base_env=loader.base_env,
        default_run_env=loader.base_env,
        config_patterns=loader.config_patterns,
    )["catalog"]
    return {
        name: (here[name].get("filepath"), base.get(name, {}).get("filepath"))
        for name in here
        if _is_raw(name)
    }


def check_raw_inputs(
    inputs: list[str],
    catalog: CatalogProtocol,
    paths: dict[str, tuple[str | None, str | None]],
) -> None:
    """Fail when a raw input is not a Spark dataset; warn when it is another local
    file than the pandas route reads (a path changed in one catalog only)."""
    from kedro_datasets.spark import SparkDataset  # noqa: PLC0415 (the spark extra)

    raw = [name for name in inputs if _is_raw(name)]
    missing = [n for n in raw if not isinstance(catalog.get(n), SparkDataset)]
    if missing:
        raise SparkSetupError(
            f"The spark environment has no Spark entry for {', '.join(missing)}: "
            f"add one per contract source to {_SOURCES_FILE} (type: "
            "{{ cookiecutter.python_package }}.datasets.spark.SparkDataset, the same file as "
            "conf/base/catalog_sources.yml; `make contract` writes both)."
        )
    for name in raw:
        spark_path, base_path = paths.get(name, (None, None))
        if _local(spark_path) and _local(base_path) and spark_path != base_path:
            logger.warning(
                "%s: Spark reads %s, the pandas route %s (conf/base/catalog_sources.yml)"
                "; if that is not meant, change %s too.",
                name, spark_path, base_path, _SOURCES_FILE,
            )  # fmt: skip


def _is_raw(name: str) -> bool:
    """A source's raw entry (``customers_raw``), not the rows to score."""
    return name.endswith("_raw") and not name.startswith("inference.")


def _local(path: str | None) -> bool:
    return path is not None and ":" not in path


def start_session(settings: dict[str, Any], app_name: str) -> Any:
    """The SparkSession configured by ``settings`` (Spark properties), started once."""
    try:
        from pyspark import SparkConf  # noqa: PLC0415 (an optional extra)
        from pyspark.sql import SparkSession  # noqa: PLC0415
    except ImportError:
        raise SparkSetupError(
            f"The spark environment needs PySpark: {_INSTALL}"
        ) from None
    check_java()
    conf = SparkConf().setAll([(key, str(value)) for key, value in settings.items()])
    session = SparkSession.builder.appName(app_name).config(conf=conf).getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    logger.info(
        "Spark %s on %s (UI: %s)",
        session.version,
        session.sparkContext.master,
        session.sparkContext.uiWebUrl or "off",
    )
    return session


def check_java() -> None:
    """Fail with what to install when Spark's Java is missing or too old."""
    java = _java()
    if java is None:
        home = os.environ.get("JAVA_HOME")
        looked = (
            f"JAVA_HOME={home} has no bin/java"
            if home
            else "JAVA_HOME is unset and `java` is not on PATH"
        )
        raise SparkSetupError(
            f"Spark needs Java {MINIMUM_JAVA} or newer and none was found ({looked}). "
            "Install a JDK, e.g. `apt-get install openjdk-17-jre-headless` or "
            "`brew install openjdk@17`, or point JAVA_HOME at one."
        )
    version = java_version(java)
    if version is None or version < MINIMUM_JAVA:
        raise SparkSetupError(
            f"Spark needs Java {MINIMUM_JAVA} or newer; {java} is "
            f"{'of an unknown version' if version is None else f'Java {version}'}. "
            "Install a newer JDK or point JAVA_HOME at one."
        )


def _java() -> str | None:
    """The ``java`` PySpark starts: ``$JAVA_HOME/bin/java``, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")


def java_version(java: str) -> int | None:
    """The major version of ``java`` (8 for ``1.8.0_392``, 17 for ``17.0.15``)."""
    try:
        output = subprocess.run(  # noqa: S603 (the user's own java)
            [java, "-version"], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', output.stderr + output.stdout)
    if not found:
        return None
    major, minor = int(found.group(1)), int(found.group(2) or 0)
    return minor if major == 1 else major
