"""The package uses the public APIs of the libraries it builds on, nothing private.

A private name (one leading underscore) of Kedro, kedro-mlflow or MLflow can change
in any release without notice. Scanned in the source's syntax tree:
- ``obj._name`` read, written or called on anything but ``self``/``cls``;
- ``getattr``/``setattr``/``hasattr`` with a private name;
- ``self._name`` in a class that inherits ``_name`` from one of those libraries, and
  a method overriding one of theirs;
- an import of a private module or name from them.
Dataset classes are the exception: a subclass of Kedro's ``AbstractDataset`` using its
own protected members is the documented custom-dataset pattern.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from kedro.io import AbstractDataset

SOURCE = Path(__file__).parents[1] / "src" / "{{ cookiecutter.python_package }}"
LIBRARIES = ("kedro", "kedro_mlflow", "kedro_datasets", "mlflow")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _library_members(cls: type) -> set[str]:
    """Private names ``cls`` inherits from the libraries (not from the project)."""
    names: set[str] = set()
    for base in cls.__mro__[1:]:
        if base.__module__.split(".")[0] in LIBRARIES:
            names |= {n for n in vars(base) if _private(n)}
    return names


def _dataset(cls: type) -> bool:
    return issubclass(cls, AbstractDataset)


def _offences(path: Path) -> list[str]:
    try:
        namespace = vars(importlib.import_module(_module(path)))
    except ModuleNotFoundError:  # an optional extra (spark): scanned without classes
        namespace = {}
    label = str(path.relative_to(SOURCE.parents[1]))
    return _scan(path.read_text(), namespace, label)


def _scan(source: str, namespace: dict, label: str) -> list[str]:
    """Every private use in ``source``, whose classes are found in ``namespace``."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []

    def at(node: ast.AST, what: str) -> None:
        found.append((getattr(node, "lineno", 0), f"{label}:{node.lineno}: {what}"))  # type: ignore[attr-defined]

    classes = {
        node: namespace.get(node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    owner = {
        child: cls
        for node, cls in classes.items()
        for child in ast.walk(node)
        if inspect.isclass(cls)
    }
    for node in ast.walk(tree):
        cls = owner.get(node)
        exempt = cls is not None and _dataset(cls)
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] in LIBRARIES and (
                any(map(_private, parts)) or any(_private(a.name) for a in node.names)
            ):
                at(node, f"imports a private name of {node.module}")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and not exempt:
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own:
                at(node, f"reaches into {ast.unparse(node)}")
            elif cls is not None and node.attr in _library_members(cls):
                at(node, f"uses {cls.__name__}'s inherited {node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and not exempt
        ):
            at(node, f"{node.func.id}(..., {node.args[1].value!r})")
        elif isinstance(node, ast.FunctionDef) and cls is not None and not exempt:
            if _private(node.name) and node.name in _library_members(cls):
                at(node, f"{cls.__name__} overrides {node.name}")
    return [what for _, what in sorted(found)]


def test_no_private_member_of_kedro_kedro_mlflow_or_mlflow_is_used() -> None:
    offences = [o for path in sorted(SOURCE.rglob("*.py")) for o in _offences(path)]

    assert offences == [], "private library members used:\n" + "\n".join(offences)


def test_the_scan_names_each_kind_of_private_use() -> None:
    """Written the ways the package once had them, each is named with its line."""
    source = (
        "from kedro.framework.context import KedroContext\n"
        "from kedro.io.core import _DEFAULT_PACKAGES\n"
        "class Context(KedroContext):\n"
        "    def _get_catalog(self, *args):\n"
        "        return super()._get_catalog(*args)\n"
        "def pin(dataset, config):\n"
        "    dataset._version = None\n"
        "    config._set_experiment()\n"
        "    return getattr(dataset, '_filepath', None)\n"
    )
    namespace: dict = {}
    exec(compile(source, "example", "exec"), namespace)  # noqa: S102 (the example above)

    found = _scan(source, namespace, "example")

    assert found == [
        "example:2: imports a private name of kedro.io.core",
        "example:4: Context overrides _get_catalog",
        "example:5: reaches into super()._get_catalog",
        "example:7: reaches into dataset._version",
        "example:8: reaches into config._set_experiment",
        "example:9: getattr(..., '_filepath')",
    ]
