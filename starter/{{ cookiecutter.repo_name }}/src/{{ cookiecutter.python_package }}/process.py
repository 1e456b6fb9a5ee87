"""How the project's processes end: quickly, once their work is done."""

from __future__ import annotations

import atexit
import gc


def exit_without_collecting() -> None:
    """At exit, leave the objects alive then to the operating system.

    A run ends holding every module it imported (MLflow, Great Expectations, pandas,
    scikit-learn...). The collector walks them again and again while the interpreter
    tears the modules down: 1.7 s of a 14 s bundled run, 0.4 s of ``kedro --help``.
    ``gc.freeze()`` at exit spares that walk; other exit handlers still run and
    objects are still freed as their references drop, so files and stores close as
    before (Python never promised finalizers of objects alive at exit).
    """
    atexit.register(gc.freeze)
