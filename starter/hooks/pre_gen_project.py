"""Refuse names that cannot become a Python package or a folder."""

import re
import sys

package = "{{ cookiecutter.python_package }}"
repo = "{{ cookiecutter.repo_name }}"

if not re.fullmatch(r"[a-z][a-z0-9_]*", package) or package in {"test", "tests", "kedro"}:
    sys.exit(f"'{package}' is not a valid Python package name: use [a-z][a-z0-9_]*.")
if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", repo):
    sys.exit(f"'{repo}' is not a valid repository name.")
