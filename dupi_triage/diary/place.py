"""Where the diary lives: the file and its folder are checked before SQLite touches them.

SQLite follows symbolic links and writes `-wal` and `-shm` files beside the diary with the
diary's own mode. So a diary is only opened when it is a regular file of the user's own (not a
link into someone else's file), in a folder no other user can rearrange; a diary the user owns
but left readable by others is made owner-only again before anything is written to it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dupi_triage.errors import InputError, quoted_path

FIELD = "--diary"
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# SQLite's companions of a database file: each holds entries too, while a write is in progress.
COMPANIONS = ("-wal", "-shm", "-journal")


def _me() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


def check_file(path: Path, *, write: bool) -> bool:
    """Refuse a diary path that is not the user's own regular file; True if it exists.

    For writing, a diary (or companion) of the user's own that others can read is made 0600.
    """
    found = _lstat(path)
    if found is None:
        if not write and _lstat(path.parent) is None:
            return False
        check_folder(path.parent, create=write)
        return False
    if stat.S_ISDIR(found.st_mode):
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is a folder; give the diary file's path, such as "
            f"{quoted_path(path / 'diary.sqlite')}",
        )
    check_folder(path.parent, create=False)
    _check_own_regular_file(path, found)
    others = [(c, s) for c in companions(path) if (s := _lstat(c)) is not None]
    for companion, status in others:
        _check_own_regular_file(companion, status)
    if not write:
        return True
    if not found.st_mode & stat.S_IWUSR:
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is read-only, so nothing can be added or changed "
            "('diary show' and 'assess --from-diary' still read it)",
        )
    if found.st_mode & 0o077:
        _make_private(path)
    for companion, status in others:
        # SQLite gives companions the diary's mode: a read-only one (left by reading a read-only
        # diary) would block every later write.
        if status.st_mode & 0o777 != PRIVATE_FILE:
            _make_private(companion)
    return True


def check_folder(folder: Path, *, create: bool) -> None:
    """The diary's folder: made 0700 if missing (for writing); refused if others can rearrange it.

    A folder another user owns, or that others can write without the sticky bit (which stops
    them renaming or deleting our files, as in /tmp), could have the diary swapped under us.
    """
    try:
        status = folder.stat()
    except FileNotFoundError:
        if not create:
            return
        try:
            folder.mkdir(mode=PRIVATE_FOLDER, parents=True)
        except OSError as error:
            raise InputError(
                FIELD, f"cannot create folder {quoted_path(folder)}: {error.strerror}"
            ) from None
        return
    except OSError as error:
        raise InputError(
            FIELD, f"cannot use folder {quoted_path(folder)}: {error.strerror}"
        ) from None
    if not stat.S_ISDIR(status.st_mode):
        raise InputError(FIELD, f"{quoted_path(folder)} is not a folder")
    me = _me()
    if me is not None and status.st_uid not in (me, 0):
        raise InputError(
            FIELD,
            f"the folder {quoted_path(folder)} belongs to another user (uid {status.st_uid}); "
            "keep the diary in a folder of your own",
        )
    if status.st_mode & 0o022 and not status.st_mode & stat.S_ISVTX:
        raise InputError(
            FIELD,
            f"other users can change the folder {quoted_path(folder)}; keep the diary in a "
            "folder only you can write to",
        )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(FIELD, f"cannot use {quoted_path(path)}: {error.strerror}") from None


def _check_own_regular_file(path: Path, status: os.stat_result) -> None:
    if stat.S_ISLNK(status.st_mode):
        raise InputError(
            FIELD,
            f"{quoted_path(path)} is a symbolic link; give the diary's own path "
            "(a link could lead the diary into another file)",
        )
    if not stat.S_ISREG(status.st_mode):
        raise InputError(FIELD, f"{quoted_path(path)} is not a regular file")
    me = _me()
    if me is not None and status.st_uid != me:
        from dupi_triage.invocation import invoked

        raise InputError(
            FIELD,
            f"{quoted_path(path)} belongs to another user (uid {status.st_uid}); left untouched "
            f"(a copy of someone's diary can be brought in with '{invoked()} diary import')",
        )


def _make_private(path: Path) -> None:
    try:
        os.chmod(path, PRIVATE_FILE, follow_symlinks=False)
    except OSError as error:
        raise InputError(
            FIELD, f"cannot make {quoted_path(path)} readable only by you: {error.strerror}"
        ) from None


def create_file(path: Path) -> None:
    """An empty diary file, 0600, never through a link; another process may have made it first."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        os.close(os.open(path, flags, PRIVATE_FILE))
    except FileExistsError:
        check_file(path, write=True)
    except OSError as error:
        raise InputError(FIELD, f"cannot create {quoted_path(path)}: {error.strerror}") from None
