"""Every HTML page a run writes or logs renders in a browser with no network.

Opens each page in headless Chromium with every host name unresolvable, as on a
machine offline, and reads the DOM after scripts ran. Skipped where no Chromium is
installed (`apt-get install chromium`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import NOT_COPIED, run_session

pytestmark = pytest.mark.slow

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)


def rendered(page: Path | str) -> str:
    """The page's DOM after its scripts ran, in headless Chromium, offline (a file,
    or a URL served on this machine)."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                str(CHROMIUM),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                # Offline: every host unresolvable but this machine.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page if isinstance(page, str) else page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return result.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, tiny_project: Path) -> Path:
    """The tiny project after a training run and a batch inference run."""
    project = tmp_path_factory.mktemp("pages") / "project"
    shutil.copytree(tiny_project, project, ignore=NOT_COPIED)
    run_session(project)
    run_session(project, pipeline_names=["inference"])
    return project


def _one(root: Path, pattern: str) -> Path:
    (path,) = sorted(root.glob(pattern))[-1:]
    return path


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
@pytest.mark.parametrize(
    ("pattern", "drawn"),
    [
        ("data/08_reporting/validation/gate_report.html/*/gate_report.html", "<table"),
        ("data/08_reporting/model_card.html/*/model_card.html", "<table"),
        (
            "data/08_reporting/inference/drift_report.html/*/drift_report.html",
            "<table",
        ),
    ],
)
def test_page_renders_offline(pages: Path, pattern: str, drawn: str) -> None:
    page = _one(pages, pattern)

    dom = rendered(page)

    assert drawn in dom, dom[:2000]
