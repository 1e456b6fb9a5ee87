"""A process that read the project's settings skips the collector's walk at exit."""

from __future__ import annotations

import subprocess
import sys

# The first exit handler registered runs last: it sees what the project's did.
_READ_SETTINGS_THEN_EXIT = """
import atexit, gc
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
print("frozen before exit:", gc.get_freeze_count() > 0)
import {{ cookiecutter.python_package }}.settings
"""


def test_objects_alive_at_exit_are_left_to_the_operating_system() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _READ_SETTINGS_THEN_EXIT],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.splitlines() == [
        "frozen before exit: False",
        "frozen at exit: True",
    ]
