"""The starter: `starter/` is the live project turned into a cookiecutter template, kept
up to date, and a rendered project under another name runs and passes its own tests."""

from __future__ import annotations

import filecmp
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

STARTER = PROJECT_ROOT / "starter"
BUILDER = PROJECT_ROOT / "tools" / "build_starter.py"
NAME, REPO, PACKAGE = (
    "Acme Churn Insights",
    "acme-churn-insights",
    "acme_churn_insights",
)


def _build_starter(output: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_starter", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(output)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_starter_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "starter"
    _build_starter(fresh)

    assert _tree(fresh) == _tree(STARTER), "starter/ is stale: run `make starter`"
    for name in _tree(fresh):
        assert filecmp.cmp(fresh / name, STARTER / name, shallow=False), (
            f"starter/{name} is stale: run `make starter`"
        )


def _render(output: Path) -> Path:
    cookiecutter(
        str(STARTER),
        no_input=True,
        extra_context={"project_name": NAME},
        output_dir=output,
    )
    return output / REPO


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("rendered"))


def _env(project: Path) -> dict[str, str]:
    # The rendered package is not installed: put its src/ first, reuse this environment.
    return {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "KEDRO_DISABLE_TELEMETRY": "true",
    }


def test_rendered_project_is_renamed_throughout(rendered: Path) -> None:
    assert (rendered / "src" / PACKAGE / "pipelines" / "data_engineering").is_dir()
    pyproject = (rendered / "pyproject.toml").read_text()
    assert f'package_name = "{PACKAGE}"' in pyproject
    assert f'authors = [{{ name = "The {NAME} authors" }}]' in pyproject
    texts = {
        name: (rendered / name).read_text()
        for name in _tree(rendered)
        if not name.endswith((".parquet", ".csv", ".png"))
    }
    leftovers = [
        name
        for name, text in texts.items()
        if "ml_template" in text or "cookiecutter" in name
    ]
    assert leftovers == []
    # What only the template repository has (making starter/) is left out.
    repo_only = [
        name
        for name, text in texts.items()
        if "template-only" in text or "make starter" in text or "tools/" in text
    ]
    assert repo_only == []
    # Jinja syntax of the project's own (GitHub's `${{ matrix.x }}`) comes out as is.
    workflow = ".github/workflows/ci.yml"
    assert texts[workflow] == (PROJECT_ROOT / workflow).read_text()


# The rendered project's slow tests that start its package by name in another process
# or ship it inside the logged model: where a rename could break what the live
# project's own run of the same tests cannot see. Its other slow tests are the live
# project's, line for line, and run there.
RENAME_SENSITIVE = ("tests/test_serving.py", "tests/test_cli.py")


def test_rendered_project_runs_and_passes_its_own_tests(rendered: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "kedro", "run"],
        cwd=rendered, env=_env(rendered), capture_output=True, text=True, timeout=900,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    for selection in (["-m", "not slow"], list(RENAME_SENSITIVE)):
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             *selection],
            cwd=rendered, env=_env(rendered), capture_output=True, text=True,
            timeout=1800, check=False,
        )  # fmt: skip
        assert tests.returncode == 0, tests.stdout[-5000:]
        assert " passed" in tests.stdout.splitlines()[-1]


def test_kedro_new_renders_the_same_project(tmp_path: Path) -> None:
    rendered = _render(tmp_path / "cookiecutter")
    result = subprocess.run(
        [sys.executable, "-m", "kedro", "new", "--starter", str(PROJECT_ROOT),
         "--directory", "starter", "--name", NAME, "--telemetry", "no"],
        cwd=tmp_path, env=_env(rendered), capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    created = tmp_path / REPO
    assert _tree(created) == _tree(rendered)
    differing = [
        n for n in _tree(created) if not filecmp.cmp(created / n, rendered / n, False)
    ]
    assert differing in ([], [".telemetry"])  # kedro new rewrites it (--telemetry no)
    assert "consent: false" in (created / ".telemetry").read_text()
