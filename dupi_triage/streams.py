"""Standard streams as they really are: closed (`>&-`), full (/dev/full) or a broken pipe.

Careful Unix tools never answer such a stream with a traceback. A closed stream is replaced by a
stand-in that refuses reads and writes with an OSError (so the command fails with one line, not
silently), a broken pipe ends the run quietly with the status a shell gives a tool that SIGPIPE
ended (141), and messages to standard error are best effort: when it cannot be written, the exit
status still says what happened.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
from collections.abc import Iterator

EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


class _Closed:
    """Reading or writing fails as on a closed descriptor; it is never a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EBADF, f"{self.name} is closed")

    read = readline = peek = write = writelines = fileno = _refuse

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class ClosedText(_Closed):
    """Stands in for sys.stdin or sys.stdout when that descriptor was closed before we started."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.buffer = _Closed(name)


@contextlib.contextmanager
def standard_streams() -> Iterator[None]:
    """Stand-ins for closed standard streams while inside; the originals are restored after.

    A closed descriptor 0, 1 or 2 is also reopened on /dev/null, so that no file the tool opens
    later can take its number and receive what was meant for a standard stream.
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            with contextlib.suppress(OSError):
                os.open(os.devnull, os.O_RDWR)
    saved = (sys.stdin, sys.stdout, sys.stderr)
    if sys.stdin is None:
        sys.stdin = ClosedText("standard input")
    if sys.stdout is None:
        sys.stdout = ClosedText("standard output")
    if sys.stderr is None:
        sys.stderr = io.StringIO()  # nowhere to say anything: the exit status speaks
    for stream in (sys.stdout, sys.stderr):
        _replace_what_cannot_be_shown(stream)
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def can_show(text: str, stream: object = None) -> bool:
    """Whether `stream` (standard output) can encode `text`: not on a terminal set to ASCII or
    Latin-1, say, where block characters and box drawing have plain stand-ins."""
    encoding = getattr(sys.stdout if stream is None else stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _replace_what_cannot_be_shown(stream: object) -> None:
    """On a terminal or file whose encoding is not UTF-8 (an ASCII or Latin-1 locale,
    PYTHONIOENCODING=ascii), a character it cannot encode is shown as "?" rather than ending
    the run with a traceback, and an emergency result with it: a name typed with an accent,
    a diary note, a chart's block characters."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    reconfigure = getattr(stream, "reconfigure", None)
    if encoding in ("utf8", "") or reconfigure is None:
        return
    with contextlib.suppress(Exception):  # a stream that cannot be changed stays as it is
        reconfigure(errors="replace")


def stdout_is_closed() -> bool:
    return isinstance(sys.stdout, ClosedText)


def say(text: str) -> None:
    """A message on standard error, if it can be written (a full or closed one is not fatal)."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


#: Formats that are UTF-8 by definition (JSON, RFC 8259; FHIR's JSON; HTML and CSV as the tool
#: writes them, saying so): written as UTF-8 whatever the terminal's encoding, never degraded.
UTF8_FORMATS = frozenset({"json", "fhir", "html", "csv"})


def write_out(text: str, *, utf8: bool = False) -> None:
    """All of `text` to standard output, or BrokenPipeError when the reader has gone.
    `utf8`: as UTF-8 bytes, whatever the stream's encoding (a machine format, UTF8_FORMATS).

    A large write into a pipe whose reader quits (`| head -c 10`) can come back short, with no
    error, and the rest is dropped: the command would end with status 0 and half its output.
    Writing the bytes until every one is taken makes the next attempt meet the broken pipe.
    """
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)  # not a real stream (a test capturing it)
        return
    stream.flush()
    if utf8:
        data = memoryview(text.encode("utf-8"))
    else:
        data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        written = buffer.write(data)
        data = data[written if written else len(data) :]
    buffer.flush()


def finish_stdout() -> None:
    """Write out what is still buffered, so that a full disk or a closed pipe is seen here."""
    sys.stdout.flush()


def abandon_stdout() -> None:
    """After a failed write, point descriptor 1 at /dev/null, so that the interpreter's own last
    flush of the same unwritten bytes cannot fail again (the Python documentation's advice for
    BrokenPipeError)."""
    current = getattr(sys.stdout, "wrapped", sys.stdout)  # Typer may have wrapped it
    if current is not sys.__stdout__:
        return  # not the process's own standard output (a test capturing it, for one)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
