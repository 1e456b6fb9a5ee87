"""The package's modules import each other without a cycle, nothing imports the
settings Kedro reads, and building the pipelines imports no heavy library."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "src" / "{{ cookiecutter.python_package }}"
PACKAGE = SOURCE.name


def _name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports, anywhere in it (functions' own imports
    included: a cycle hidden in a function is still one), with the packages that
    importing them initialises; ``if TYPE_CHECKING`` blocks aside."""
    tree = ast.parse(path.read_text())
    checking = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & modules
    own = _name(path).split(".")
    return found - {".".join(own[:i]) for i in range(1, len(own) + 1)}


def _graph() -> dict[str, set[str]]:
    paths = {_name(p): p for p in SOURCE.rglob("*.py")}
    return {name: _imports(path, set(paths)) for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for imported in sorted(graph[name]):
            if state.get(imported) == 1:
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (found := visit(imported)):
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()

    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_nothing_imports_the_settings() -> None:
    graph = _graph()
    importers = sorted(
        n for n, imported in graph.items() if f"{PACKAGE}.settings" in imported
    )

    assert importers == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


# Every pipeline built and every node's type hints read, as ``kedro run`` and
# ``kedro registry list`` do before the first node, in a fresh interpreter.
_BUILD_EVERY_PIPELINE = """
import json, sys, typing
from pathlib import Path
from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project
bootstrap_project(Path.cwd())
for pipeline in dict(pipelines).values():
    for node in pipeline.nodes:
        typing.get_type_hints(node.func)
print(json.dumps(sorted(m for m in sys.modules if "." not in m)))
"""


def test_building_the_pipelines_imports_no_heavy_library() -> None:
    """scikit-learn (0.6 s), matplotlib (0.4 s), PyTorch, GX and skops are imported by
    the nodes that use them, not while the run starts or ``kedro registry list``
    answers."""
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_EVERY_PIPELINE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = set(json.loads(done.stdout.splitlines()[-1]))

    heavy = {"sklearn", "matplotlib", "torch", "great_expectations", "skops", "optuna"}
    assert imported & heavy == set()
    assert {"kedro", "{{ cookiecutter.python_package }}", "pandas"} <= imported  # it did build them
