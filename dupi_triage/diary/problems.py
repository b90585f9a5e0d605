"""What went wrong with a diary file, in one line: SQLite's errors said as what happened.

SQLite reports a read-only disk as "unable to open", a full one as an I/O error and a lock as
"locked"; a person needs "read-only", "the disk is full" and "busy in another program", and
"damaged" only when the file is.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dupi_triage.diary.place import FIELD
from dupi_triage.errors import InputError, quoted_path


def check_hint() -> str:
    """Named as the tool was started, so it runs as printed."""
    from dupi_triage.invocation import invoked

    return f"'{invoked()} diary check' lists every problem"


class Damaged(InputError):
    """The file is damaged: one line for every command but `diary check`, which lists why."""

    def __init__(self, path: Path, what: str) -> None:
        self.what = what  # whole, for `diary check`
        super().__init__(
            FIELD,
            f"{quoted_path(path)} is damaged ({_first(what)}); left untouched; {check_hint()}",
        )


#: SQLite's check can report hundreds of problems in one row; the one line names the first.
SHOWN_PROBLEM = 160


def _first(what: str) -> str:
    lines = what.splitlines() or [""]
    first = lines[0] if len(lines[0]) <= SHOWN_PROBLEM else lines[0][: SHOWN_PROBLEM - 1] + "\u2026"
    return first + (", and more" if len(lines) > 1 or first != lines[0] else "")


def sqlite_problem(path: Path, error: sqlite3.DatabaseError) -> InputError:
    """SQLite's error as one line that says what happened, not only that the file failed."""
    name = getattr(error, "sqlite_errorname", "") or ""
    shown = quoted_path(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(error):
        return InputError(FIELD, f"{shown} is busy in another program; try again")
    disk = _disk_state(path)
    if disk == "read-only" or name.startswith("SQLITE_READONLY"):
        return InputError(
            FIELD, f"cannot write {shown}: it or its folder is read-only (a read-only disk?)"
        )
    if disk == "full" or name == "SQLITE_FULL":
        return InputError(FIELD, f"cannot write {shown}: the disk is full; nothing was added")
    if name.startswith("SQLITE_CANTOPEN"):
        return InputError(FIELD, f"cannot open {shown} ({error})")
    if name.startswith("SQLITE_IOERR"):
        return InputError(FIELD, f"cannot read or write {shown}: an input/output error ({error})")
    return Damaged(path, str(error))


def _disk_state(path: Path) -> str:
    """Why SQLite could not open or write, when the disk says so: SQLite reports a read-only
    file system as "unable to open" and a full one as an I/O error."""
    try:
        disk = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return ""
    if disk.f_flag & os.ST_RDONLY:
        return "read-only"
    if disk.f_bavail == 0:
        return "full"
    return ""
