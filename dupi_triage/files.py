"""Writing files that hold health data: owner-only, all-or-nothing, never clobbering by surprise."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dupi_triage.errors import InputError

PRIVATE_MODE = 0o600


def check_writable(path_text: str, *, force: bool, field: str) -> Path:
    """Fail before any questions are asked if the file could not be written later."""
    path = Path(path_text).expanduser()
    folder = path.parent
    if not folder.is_dir():
        raise InputError(field, f"folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise InputError(field, f"{str(path)!r} is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise InputError(field, f"{str(path)!r} is not a regular file; use '-' for standard output")
    if path.exists() and not force:
        raise InputError(field, f"{str(path)!r} already exists; add --force to replace it")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(field, f"cannot write in folder {str(folder)!r}: permission denied")
    return path


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
    path = check_writable(path_text, force=force, field=field)
    with _sigterm_unwinds():
        descriptor, temporary = _temporary_beside(path, field)
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
                field, f"{str(path)!r} already exists; add --force to replace it"
            ) from None
        except OSError as error:
            reason = error.strerror or error
            raise InputError(field, f"cannot write {str(path)!r}: {reason}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While a file is being written, SIGTERM unwinds like Ctrl-C, so the cleanup above runs."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unwind(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    try:
        import tempfile  # only when a file is written: it costs start-up for everyone else

        return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise InputError(
            field, f"cannot write in folder {str(path.parent)!r}: {error.strerror or error}"
        ) from None
