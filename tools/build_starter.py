"""Regenerate ``starter/``, the cookiecutter template, from the live project.

The live project is the single source of truth: every file git tracks (minus this tool,
its test and ``starter/`` itself) is copied with the project's names turned into
cookiecutter variables. ``make starter`` runs it; a test fails when ``starter/`` is stale.

    python tools/build_starter.py [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = "{{ cookiecutter.repo_name }}"
# Longest first: the project name contains no package name, but keep the order safe.
REPLACEMENTS = (
    ("The Kedro ML Template authors", "{{ cookiecutter.author }}"),
    ("Kedro ML Template", "{{ cookiecutter.project_name }}"),
    ("ml_template", "{{ cookiecutter.python_package }}"),
    ("ml-template", "{{ cookiecutter.repo_name }}"),
)
EXCLUDED = ("starter/", "tools/", "tests/test_starter.py")
# Text about this repository only (how to make starter/, the starter's tests): a line
# holding ONLY_HERE goes, and so does every line from ONLY_HERE_START to ONLY_HERE_END.
ONLY_HERE = "template-only"
ONLY_HERE_START, ONLY_HERE_END = "template-only:start", "template-only:end"
BINARY_PATTERNS = ("*.parquet", "*.png")

COOKIECUTTER = {
    "project_name": "Kedro ML Template",
    "repo_name": "{{ cookiecutter.project_name.strip().lower().replace(' ', '-').replace('_', '-') }}",
    "python_package": "{{ cookiecutter.project_name.strip().lower().replace(' ', '_').replace('-', '_') }}",
    "author": "The {{ cookiecutter.project_name }} authors",
    "kedro_version": "1.7.0",
    "_copy_without_render": [f"*/{pattern}" for pattern in BINARY_PATTERNS]
    + [pattern for pattern in BINARY_PATTERNS],
}

PROMPTS = """\
project_name:
  title: "Project Name"
  text: |
    Please enter a name for your new project.
    Letters, digits, spaces, hyphens and underscores; it must start with a letter.
  regex_validator: "^[A-Za-z][\\\\w -]{1,49}$"
  error_message: |
    It must start with a letter and contain only letters, digits, spaces, hyphens and
    underscores (2 to 50 characters).
"""
# `author` is not prompted: `kedro new --name` then needs no other answer. It defaults to
# "The <project name> authors"; cookiecutter takes `author="..."` on its command line.

PRE_GEN_HOOK = '''\
"""Refuse names that cannot become a Python package or a folder."""

import re
import sys

package = "{{ cookiecutter.python_package }}"
repo = "{{ cookiecutter.repo_name }}"

if not re.fullmatch(r"[a-z][a-z0-9_]*", package) or package in {"test", "tests", "kedro"}:
    sys.exit(f"'{package}' is not a valid Python package name: use [a-z][a-z0-9_]*.")
if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", repo):
    sys.exit(f"'{repo}' is not a valid repository name.")
'''


def tracked_files(root: Path) -> list[str]:
    """The files git tracks in the live project, minus what the starter leaves out."""
    output = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(
        name for name in output.split("\0") if name and not name.startswith(EXCLUDED)
    )


def templated(text: str) -> str:
    """The project's names replaced by cookiecutter variables, repo-only text dropped."""
    text = _jinja_escaped(_without_repo_only_lines(text))
    for old, new in REPLACEMENTS:
        text = text.replace(old, new)
    return text


def _jinja_escaped(text: str) -> str:
    # Text that is Jinja syntax already (GitHub's `${{ matrix.x }}`) must come out as is.
    return re.sub(r"\{[{%#]", lambda opening: "{{ '" + opening.group() + "' }}", text)


def _without_repo_only_lines(text: str) -> str:
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if ONLY_HERE_START in line:
            skipping = True
        elif ONLY_HERE_END in line:
            skipping = False
        elif not skipping and ONLY_HERE not in line:
            kept.append(line)
    return "".join(kept)


def build(output: Path, root: Path = ROOT) -> None:
    """Write the cookiecutter template of ``root`` to ``output`` (replaced whole)."""
    if output.exists():
        shutil.rmtree(output)
    project = output / TEMPLATE_DIR
    for name in tracked_files(root):
        source = root / name
        target = project / templated(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if any(source.match(pattern) for pattern in BINARY_PATTERNS):
            shutil.copyfile(source, target)
        else:
            target.write_text(templated(source.read_text()))
        target.chmod(source.stat().st_mode)
    (output / "cookiecutter.json").write_text(json.dumps(COOKIECUTTER, indent=2) + "\n")
    (output / "prompts.yml").write_text(PROMPTS)
    (output / "hooks").mkdir()
    (output / "hooks" / "pre_gen_project.py").write_text(PRE_GEN_HOOK)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "starter")
