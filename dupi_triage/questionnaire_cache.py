"""A copy of the parsed questionnaire in the user's cache folder that no one else can forge.

Why a copy: tomllib is pure Python, and importing and parsing it costs a non-interactive run about
as much as everything else, while the C JSON parser reads the same data in a fraction of a
millisecond.

Why it cannot change triage: the copy is never trusted over the installed TOML.
- The folder must be a real folder (not a symbolic link), owned by this user and writable by no
  one else; each file in it must be a regular file (never followed through a symbolic link, and
  opened without blocking, so a FIFO or a device is simply refused), owned by this user and
  writable by no one else. Another user who made the folder first, or who can write into it, is
  never read from, and never written to.
- Each copy's first line is a keyed MAC (HMAC-SHA256) of the sha256 of the installed TOML's exact
  bytes and of the JSON after it, under a random key kept in the folder, readable by this user
  only (0600). A copy made from other TOML bytes, or written by anyone without the key, does not
  verify: it is ignored and made again. A self-consistent copy is not enough.
- The copy is named after the TOML's sha256, so an edited or upgraded TOML never meets it.
- What it holds is validated exactly as the TOML is, by the same code, after this.

A folder that fails these checks is not used: the TOML is parsed each time (slower, never less
safe), and one short note on standard error says why. A missing home, a read-only or full disk
only cost time, silently.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMAT = 3
MAX_BYTES = 8 * 1024 * 1024
STALE_SECONDS = 30 * 24 * 3600
KEY_NAME = "key"
KEY_BYTES = 32

_POSIX = hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once and is then refused, never waited on
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_FOLDER_FLAGS = _READ_FLAGS | getattr(os, "O_DIRECTORY", 0)
_WRITE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def sha256(data: bytes) -> Any:
    """A sha256 object from the built-in module: hashlib would load OpenSSL first (ms)."""
    try:
        from _sha256 import sha256 as new  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - Python 3.12 renamed it
        from hashlib import sha256 as new
    return new(data)


def mac(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 (RFC 2104) of `message` under `key`, in hex.

    Written out here (a dozen lines) because the hmac module imports hashlib, and with it OpenSSL:
    about 16 ms at every start. tests/test_questionnaire_cache.py checks it against hmac.
    """
    block = 64
    if len(key) > block:
        key = sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = sha256(bytes(byte ^ 0x36 for byte in key) + message).digest()
    digest: str = sha256(bytes(byte ^ 0x5C for byte in key) + inner).hexdigest()
    return digest


def folder() -> Path | None:
    """The user's cache folder for dupi-triage (XDG on Linux), or None when there is no home."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
            return Path(base) / "dupi-triage" / "Cache" if base else None
        if sys.platform == "darwin":
            root = Path.home() / "Library" / "Caches"
        else:
            xdg = os.environ.get("XDG_CACHE_HOME", "")
            root = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    except (OSError, RuntimeError, KeyError):  # no home folder at all
        return None
    return root / "dupi-triage"


def read(stem: str, toml_digest: str) -> dict[str, Any] | None:
    """The cached data for the TOML whose sha256 is `toml_digest`, if a trusted copy verifies."""
    with _open_folder(create=False) as descriptor:
        if descriptor is None:
            return None
        key = _read_file(descriptor, KEY_NAME, KEY_BYTES, private=True)
        if key is None or len(key) != KEY_BYTES:
            return None
        content = _read_file(descriptor, _name(stem, toml_digest), MAX_BYTES, private=False)
    if content is None:
        return None
    import json
    from _operator import _compare_digest

    signature, _, body = content.partition(b"\n")
    expected = mac(key, toml_digest.encode("ascii") + b"\n" + body).encode("ascii")
    if not _compare_digest(signature, expected):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def write(stem: str, toml_digest: str, data: dict[str, Any]) -> None:
    """Keep a signed copy for next time; any failure only means parsing the TOML again."""
    import json

    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):
        return
    with _open_folder(create=True) as descriptor:
        if descriptor is None:
            return
        with contextlib.suppress(OSError):
            key = _read_file(descriptor, KEY_NAME, KEY_BYTES, private=True)
            if key is None or len(key) != KEY_BYTES:
                key = os.urandom(KEY_BYTES)
                _replace(descriptor, KEY_NAME, key)
            signature = mac(key, toml_digest.encode("ascii") + b"\n" + body)
            name = _name(stem, toml_digest)
            _replace(descriptor, name, signature.encode("ascii") + b"\n" + body)
            _remove_stale_copies(descriptor, stem, name)


def _name(stem: str, toml_digest: str) -> str:
    return f"{stem}-{FORMAT}-{toml_digest}.json"


_noted = False


def _note(path: Path, reason: str) -> None:
    """Once per run: why the cache folder is not used (nothing about anyone's health)."""
    global _noted
    if _noted:
        return
    _noted = True
    from dupi_triage.errors import quoted_path
    from dupi_triage.streams import say

    say(f"dupi-triage: note: not using the cache folder {quoted_path(path)}: {reason}.")


@contextlib.contextmanager
def _open_folder(*, create: bool) -> Iterator[int | None]:
    """The cache folder, opened and checked (None: go without a cache); closed afterwards.

    Everything after this works relative to the open folder, so the folder checked is the folder
    used, whatever happens to its name meanwhile.
    """
    path = folder() if _POSIX else None
    if path is None:
        yield None
        return
    if create:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.mkdir(mode=0o700)
    try:
        descriptor = os.open(path, _FOLDER_FLAGS)
    except OSError:
        with contextlib.suppress(OSError):  # missing, or no home at all: only costs time
            status = os.lstat(path)
            if stat.S_ISLNK(status.st_mode):
                _note(path, "it is a symbolic link")
            elif status.st_uid != os.geteuid():
                _note(path, "it belongs to another user")
        yield None
        return
    try:
        problem = _untrusted(os.fstat(descriptor), private=False)
        if problem:
            _note(path, problem)
            yield None
        else:
            yield descriptor
    finally:
        os.close(descriptor)


def _untrusted(status: os.stat_result, *, private: bool) -> str:
    """Why a folder or file of the right type cannot be trusted ('' when it can)."""
    if status.st_uid != os.geteuid():
        return "it belongs to another user"
    if status.st_mode & 0o022:
        return "others can change it"
    if private and status.st_mode & 0o077:
        return "others can read it"
    return ""


def _read_file(folder: int, name: str, limit: int, *, private: bool) -> bytes | None:
    """A regular file of ours in `folder`, at most `limit` bytes; None for anything else."""
    try:
        descriptor = os.open(name, _READ_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or _untrusted(status, private=private):
            return None
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return None if size > limit else b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _replace(folder: int, name: str, content: bytes) -> None:
    """Write `content` to a new owner-only file and rename it over `name`, in one step."""
    temporary = f".{name}.{os.getpid()}.{os.urandom(6).hex()}.part"
    descriptor = os.open(temporary, _WRITE_FLAGS, 0o600, dir_fd=folder)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _remove_stale_copies(folder: int, stem: str, keep: str) -> None:
    """Copies of other questionnaire versions (and leftovers of an interrupted write), left
    unchanged for a month, are deleted.

    Not at once: two installs of different versions (a pipx tool and a development copy) share
    the folder, and deleting each other's copy on every run would leave neither a cache.
    """
    import time

    cutoff = time.time() - STALE_SECONDS
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            ours = name.startswith(f"{stem}-") and name.endswith(".json")
            if name == keep or not (ours or name.endswith(".part")):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(name, dir_fd=folder)
