"""Writing files that hold health data: owner-only, all-or-nothing, never clobbering by surprise."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dupi_triage.errors import InputError, quoted_path

PRIVATE_MODE = 0o600
STDOUT_NAMES = ("-", "/dev/stdout")
_TEMPORARY_NAME_BYTES = 200  # the name kept in a temporary file's name; NAME_MAX is 255
_TEMPORARY_SUFFIX = ".part"


def is_stdout(path_text: str | None) -> bool:
    """No path, '-' and /dev/stdout all mean standard output (never a file to replace)."""
    return path_text is None or path_text in STDOUT_NAMES


def check_writable(path_text: str, *, force: bool, field: str) -> Path:
    """Fail before any questions are asked if the file could not be written later.

    Only a regular file is ever replaced, even with --force: a link, a device or a fifo is
    refused, so that `--output /dev/stdout` as root can never turn a system link into a file.
    """
    if not path_text.strip():
        raise InputError(field, "is empty; give a file name, or '-' for standard output")
    path = Path(path_text).expanduser()
    folder = path.parent
    shown, shown_folder = quoted_path(path), quoted_path(folder)
    folder_stat = _stat(folder, field, follow=True)
    if folder_stat is None:
        raise InputError(field, f"folder {shown_folder} does not exist")
    if not stat.S_ISDIR(folder_stat.st_mode):
        raise InputError(field, f"{shown_folder} is not a folder")
    target = _stat(path, field, follow=False)
    if target is not None:
        if stat.S_ISLNK(target.st_mode):
            pointed = _stat(path, field, follow=True)
            if pointed is not None and stat.S_ISDIR(pointed.st_mode):
                raise InputError(field, f"{shown} is a folder; give a file name")
            raise InputError(field, f"{shown} is a symbolic link; give the file it points to")
        if stat.S_ISDIR(target.st_mode):
            raise InputError(field, f"{shown} is a folder; give a file name")
        if not stat.S_ISREG(target.st_mode):
            raise InputError(field, f"{shown} is not a regular file; use '-' for standard output")
        if not force:
            raise InputError(field, f"{shown} already exists; add --force to replace it")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(field, f"cannot write in folder {shown_folder}: permission denied")
    return path


def private_folder(folder: Path, field: str, *, create: bool = True) -> Path:
    """A folder for health data: made owner-only (0700) if missing (with `create`); refused if
    another user owns it or others can write in it (they could read, swap or plant what is kept
    there), for reading as for writing."""
    shown = quoted_path(folder)
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError as error:
        raise InputError(field, f"cannot use folder {shown}: {error.strerror or error}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise InputError(field, f"{shown} is not a folder")
    if info.st_uid != os.geteuid():
        raise InputError(field, f"folder {shown} belongs to another user, so it is not used")
    if info.st_mode & 0o022:
        raise InputError(
            field,
            f"others can write in folder {shown}, so it is not used (chmod 700 makes it yours)",
        )
    if info.st_mode & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)  # ours, readable by others: made private
    return folder


def _stat(path: Path, field: str, *, follow: bool) -> os.stat_result | None:
    """The file's status, None when there is no such file; any other refusal is an input error."""
    try:
        return os.stat(path, follow_symlinks=follow)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.ENAMETOOLONG:
            reason = "the name is too long"
        raise InputError(field, f"cannot reach {quoted_path(path)}: {reason}") from None


def same_file(first: str | None, second: str | None) -> bool:
    """Whether two paths name one file: the same device and inode, or the same real path."""
    if first is None or second is None or is_stdout(first) or is_stdout(second):
        return False
    one, other = Path(first).expanduser(), Path(second).expanduser()
    try:
        return os.path.samestat(os.stat(one), os.stat(other))
    except OSError:
        pass
    try:
        return os.path.realpath(one) == os.path.realpath(other)
    except (OSError, ValueError):
        return False


def refuse_writing_over_input(output: str | None, field: str, *inputs: str | None) -> None:
    """An output may never replace an input it is made from, not even with --force."""
    for source in inputs:
        if same_file(output, source):
            raise InputError(
                field, f"{quoted_path(output)} is an input of this run; give another file name"
            )


def write_private(path_text: str, text: str, *, force: bool, field: str) -> Path:
    """Write `text` owner-only and all at once (see private_file)."""
    with private_file(path_text, force=force, field=field) as (path, handle):
        handle.write(text)
    return path


@contextlib.contextmanager
def private_file(path_text: str, *, force: bool, field: str) -> Iterator[tuple[Path, TextIO]]:
    """Yield a handle on a temporary file beside the target; rename it into place on success.

    The temporary file is created with mode 0600 (mkstemp), so the content is never readable by
    others, not even for a moment. An error or interruption inside the block removes it and
    leaves the old file, if any, untouched.
    """
    from dupi_triage.signals import termination_unwinds

    path = check_writable(path_text, force=force, field=field)
    with termination_unwinds():
        descriptor, temporary = _temporary_beside(path, field)
        held = _hold(descriptor)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                yield path, handle
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, PRIVATE_MODE)
            if force:
                os.replace(temporary, path)
            else:
                _place_without_replacing(temporary, path)
        except FileExistsError:
            raise InputError(
                field, f"{quoted_path(path)} already exists; add --force to replace it"
            ) from None
        except OSError as error:
            # Input read errors arrive here as InputError (they name the input): an OSError is
            # this file's own write, flush, sync or rename.
            reason = error.strerror or error
            raise InputError(field, f"cannot write {quoted_path(path)}: {reason}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            if held is not None:
                os.close(held)


def _place_without_replacing(temporary: str, path: Path) -> None:
    """link() refuses to replace an existing file, so one created meanwhile is kept."""
    try:
        os.link(temporary, path)
    except OSError as error:
        if error.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EMLINK,
            errno.EXDEV,
        ):
            raise
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(temporary, path)


def _temporary_beside(path: Path, field: str) -> tuple[int, str]:
    """An owner-only temporary file in the target's folder.

    os.access cannot foresee every refusal (a read-only disk, a folder only root may write in when
    running as root), so the folder's answer here is an input error too, never a traceback.
    """
    prefix = _temporary_prefix(path)
    _remove_orphaned(path.parent, prefix)
    try:
        import tempfile  # only when a file is written: it costs start-up for everyone else

        return tempfile.mkstemp(
            dir=path.parent, prefix=f"{prefix}{os.getpid()}.", suffix=_TEMPORARY_SUFFIX
        )
    except OSError as error:
        raise InputError(
            field, f"cannot write in folder {quoted_path(path.parent)}: {error.strerror or error}"
        ) from None


def _remove_orphaned(folder: Path, prefix: str) -> None:
    """Temporary files for this same target left by a writer that no longer runs.

    A writer removes its own temporary file however it ends, except when killed outright (kill
    -9, a power cut), which no program can catch. Its name holds its process id
    (`.NAME.PID.XXXXXXXX.part`): ours, a regular file, and no process of that id left, it is
    removed before the next write to NAME. A file another user owns, or one whose writer still
    runs (its process is seen, or it holds the file's lock), is left alone.
    """
    try:
        entries = os.scandir(folder)
    except OSError:
        return  # the write that follows says what is wrong with the folder
    me = os.geteuid()
    with entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(_TEMPORARY_SUFFIX)):
                continue
            # PID.XXXXXXXX exactly: '.out.csv.5.PID.XXXXXXXX.part' is the file of 'out.csv.5'.
            pid, dot, random = name[len(prefix) : -len(_TEMPORARY_SUFFIX)].partition(".")
            if not (dot and random and "." not in random and pid.isascii() and pid.isdigit()):
                continue
            if _running(int(pid)):
                continue
            with contextlib.suppress(OSError):
                _remove_if_free(entry.path, me)


def _hold(descriptor: int) -> int | None:
    """Lock the temporary file while it is written, on a descriptor of its own (closed after the
    rename), so that no sweep removes it: not even one that cannot see this process, from
    another PID namespace (a container) or another host sharing the folder."""
    try:
        import fcntl

        held = os.dup(descriptor)
    except (ImportError, OSError):
        return None
    with contextlib.suppress(OSError):  # a file system without locks: the process id decides
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return held


def _remove_if_free(path: str, me: int) -> None:
    """Remove a temporary file that is ours, a regular file, and locked by no writer."""
    import fcntl

    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != me:
            return
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a writer holds it: alive, wherever it runs
        if os.path.samestat(info, os.stat(path, follow_symlinks=False)):
            os.unlink(path)
    finally:
        os.close(descriptor)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process, or no id a process could have: leave it
    return True


def _temporary_prefix(path: Path) -> str:
    """'.NAME.' with NAME cut short enough that '.NAME.PID.XXXXXXXX.part' is a legal file name."""
    name = path.name
    while len(os.fsencode(name)) > _TEMPORARY_NAME_BYTES:
        name = name[:-1]
    return f".{name}."
