"""The errors a user fixes in their data, contract or configuration.

Raised with a message that names what broke and how to fix it, so a run ends with that
message alone (``{{ cookiecutter.python_package }}.cli``); any other error keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad data, a broken contract or a wrong setting: the message says what to do."""


def causes(error: BaseException) -> list[BaseException]:
    """``error`` and the errors it was raised from or while handling, outermost
    first."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not f for f in found):
        found.append(current)
        current = current.__cause__ or current.__context__
    return found
