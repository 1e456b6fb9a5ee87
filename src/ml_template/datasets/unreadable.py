"""What is wrong with a raw file that cannot be read, said as a user can act on it.

pandas and PyArrow end an empty, non-UTF-8 or truncated file with a long traceback in
their own words (and, for bytes that are not UTF-8, a position inside a buffer rather
than in the file). The run's catalog asks :func:`unreadable` about a raw input that
failed to load and ends the run with its message instead.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyarrow as pa
from pandas.errors import EmptyDataError

from ml_template.user_errors import UserError, causes

SOURCES_FILE = "conf/<env>/catalog_sources.yml"


class UnreadableFileError(UserError):
    """A raw file is empty, in another encoding, or not what its dataset reads."""


def unreadable(
    name: str, path: Path, error: BaseException
) -> UnreadableFileError | None:
    """The error to end the run with when ``path`` (dataset ``name``) failed with
    ``error``, or None when it is none of the cases known here."""
    chain = causes(error)
    size = path.stat().st_size
    if size == 0 or any(isinstance(c, EmptyDataError) for c in chain):
        what = "empty (0 bytes)" if size == 0 else f"blank ({size} bytes, no header)"
        return UnreadableFileError(
            f"{name}: {path} is {what}. Put the export there, or point {name} in "
            f"{SOURCES_FILE} at it."
        )
    if any(isinstance(c, UnicodeDecodeError) for c in chain):
        line, byte, text = _first_bad_line(path)
        return UnreadableFileError(
            f"{name}: {path} is not UTF-8 text: line {line} holds the byte 0x{byte:02x} "
            f"({text!r}). Say the file's encoding under {name} in {SOURCES_FILE}: "
            "load_args: {encoding: latin-1} (or the one it was written in)."
        )
    if path.suffix == ".parquet" and isinstance(chain[-1], pa.ArrowException):
        reason = str(chain[-1]).split(". ")[0]
        return UnreadableFileError(
            f"{name}: {path} is not a readable Parquet file ({reason}): it was cut "
            "short or is not Parquet. Export it again."
        )
    return None


def _first_bad_line(path: Path) -> tuple[int, int, str]:
    """The first line that is not UTF-8: its number, the first bad byte, its text as
    Latin-1 would read it (up to 60 characters)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as bad:
                return number, line[bad.start], line.decode("latin-1").rstrip()[:60]
    return 0, 0, ""
