"""``make viz``: kedro-viz's static build (``kedro viz build``), served on a local port
with its first view clean.

``kedro viz run`` asks PyPI for a newer kedro-viz at every start and, offline, shows a
"Kedro-Viz None is here!" banner (kedro-viz 12.5 turns the failed check into the text
"None"); the static build reports the installed version. kedro-viz also opens its
onboarding tips over the graph in a new browser: the served page starts with them off
(its settings panel turns them back on).
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from {{ cookiecutter.python_package }}.runs.project import say

#: Runs before kedro-viz's own script: its stored settings, tips off, unless the
#: browser already has some.
TIPS_OFF = (
    "<script>localStorage.getItem('KedroViz')||localStorage.setItem('KedroViz',"
    "JSON.stringify({showFeatureHints:false}))</script>"
)


def quiet_first_view(index: Path) -> None:
    """Put :data:`TIPS_OFF` at the top of the build's ``index.html`` (once)."""
    page = index.read_text()
    if TIPS_OFF not in page:
        index.write_text(page.replace("<head>", f"<head>{TIPS_OFF}", 1))


class _Quiet(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing: the terminal shows the address once, not every file fetched."""


def main(argv: list[str] | None = None) -> None:
    """Serve ``build/`` on ``--host``/``--port`` until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m {{ cookiecutter.python_package }}.viz")
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4141)
    args = parser.parse_args(argv)
    quiet_first_view(args.build / "index.html")
    handler = functools.partial(_Quiet, directory=str(args.build))
    with ThreadingHTTPServer((args.host, args.port), handler) as server:
        say(
            f"kedro-viz: http://{args.host}:{args.port}/?pid=training (the training "
            "pipeline by layer; pipelines are boxes to expand). Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
