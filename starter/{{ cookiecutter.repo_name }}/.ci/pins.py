"""Requirements that test what pyproject.toml's version ranges claim.

    python .ci/pins.py lowest   # the floor of every direct dependency: pip -c
    python .ci/pins.py newest   # every direct dependency, upper bound lifted

The lowest job installs the project under the first as constraints; the scheduled
newest job installs the second, so a new release of Kedro, kedro-mlflow or MLflow
outside the tested range shows up as a red job rather than a user's bug report.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"
EXTRAS = ("dev",)  # what `make test-fast` installs besides the project


def requirements() -> list[Requirement]:
    """The project's direct dependencies and those of its dev extra."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def lowest(requirement: Requirement) -> str | None:
    """The floor of a range (None without one): ``name==1.7.*`` for ``>=1.7`` (the
    lowest minor, its newest patch), ``name==2.0.3`` for ``>=2.0.3``."""
    floors = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
    if not floors:
        return None
    floor = floors[0]
    minor_only = "." not in floor.partition(".")[2]  # 1.7, not 2.0.3
    return f"{requirement.name}=={floor}{'.*' if minor_only else ''}"


def newest(requirement: Requirement) -> str:
    """The requirement with its upper bounds lifted (extras and floor kept)."""
    kept = [str(s) for s in requirement.specifier if s.operator not in ("<", "<=")]
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{','.join(kept)}"


def main(argv: list[str] | None = None) -> None:
    """Print the chosen requirement lines."""
    parser = argparse.ArgumentParser(prog="python .ci/pins.py")
    parser.add_argument("which", choices=("lowest", "newest"))
    args = parser.parse_args(argv)
    chosen = requirements()
    lines = (
        [line for r in chosen if (line := lowest(r))]
        if args.which == "lowest"
        else [newest(r) for r in chosen]
    )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
