"""`make dag`: kedro-airflow writes the training and inference pipelines as Airflow DAGs.

Airflow itself is the scheduler's, not the project's, so it is not installed here; each
DAG file is checked as Python: it compiles, runs its whole pipeline as one Kedro run in
the asked environment, on conf/base/airflow.yml's schedule.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project


@pytest.mark.slow
def test_make_dag_writes_one_dag_per_pipeline_each_one_kedro_run(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    copy_project(root)

    subprocess.run(
        [sys.executable, "-m", "kedro", "airflow", "create", "--env", "test",
         "--pipelines", "__default__,inference", "--jinja-file", "conf/airflow_dag.j2"],
        cwd=root,
        check=True,
        capture_output=True,
    )  # fmt: skip

    dags = root / "airflow_dags"
    # The package name as Airflow's ids spell it.
    slug = "{{ cookiecutter.python_package }}".replace("_", "-")
    for name, dag_id, schedule in (
        ("__default__", "training", "@daily"),
        ("inference", "inference", "0 6 * * *"),
    ):
        suffix = "" if name == "__default__" else f"_{name}"
        source = (dags / f"{{ cookiecutter.python_package }}_test{suffix}_dag.py").read_text()
        ast.parse(source)
        assert f'dag_id="{slug}-{dag_id}-test"' in source
        assert f'schedule="{schedule}"' in source
        assert "max_active_runs=1" in source
        assert 'os.environ["KEDRO_ENV"] = "test"' in source
        assert f'runtime_params=experiment_params(["{name}"])' in source
        assert f'session.run(pipeline_names=["{name}"])' in source
