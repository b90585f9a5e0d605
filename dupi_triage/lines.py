"""Lines and CSV records of bounded length from a byte stream: memory never grows with a line.

A line is never read whole before its length is known: at most `limit` bytes are kept, and the
rest of an over-long line is read in small pieces and dropped, so that a 200 MB line, a
10-million-column row or an endless stream of zero bytes costs the same memory as a short line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from dupi_triage.records import NamedTuple
from dupi_triage.strictjson import MAX_BYTES

MAX_LINE = MAX_BYTES
_SKIP_CHUNK = 64 * 1024


class Line(NamedTuple):
    """One line with its ending; `data` is empty when the line was longer than the limit."""

    data: bytes
    too_long: bool
    size: int  # bytes read from the stream for it, for progress


def bounded_lines(stream: BinaryIO, limit: int = MAX_LINE) -> Iterator[Line]:
    """Every line of `stream`, each holding at most `limit` bytes besides its line ending.

    An over-long line is yielded (as too long) before the rest of it is read, so a reader that
    stops there (a CSV header without end) never reads on.
    """
    skipped = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield Line(raw, False, skipped + len(raw))
            skipped = 0
        else:
            yield Line(b"", True, skipped + len(raw))
            skipped = _skip_rest_of_line(stream)


def _skip_rest_of_line(stream: BinaryIO) -> int:
    skipped = 0
    while True:
        piece = stream.readline(_SKIP_CHUNK)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped


_LONE_CR = re.compile(rb"\r(?!\n)")


class _LoneCrAsLf(io.RawIOBase):
    """A lone CR (the line end of a CSV saved as "CSV (Macintosh)") read as LF; CRLF is kept."""

    def __init__(self, stream: BinaryIO) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self._held_cr = False  # a CR at the end of a piece: its LF may come in the next one

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            piece = self._read(max(len(buffer) - 1, 1))
            if not piece:  # the end: a CR held back was a line end
                if self._held_cr:
                    self._held_cr = False
                    buffer[:1] = b"\n"
                    return 1
                return 0
            if self._held_cr:
                piece, self._held_cr = b"\r" + piece, False
            if piece.endswith(b"\r"):
                piece, self._held_cr = piece[:-1], True
                if not piece:
                    continue  # only the CR so far: find out what follows it
            data = _LONE_CR.sub(b"\n", piece)
            buffer[: len(data)] = data
            return len(data)


def lone_cr_as_lf(stream: BinaryIO) -> BinaryIO:
    """`stream` with every lone CR read as LF, for readers that split lines at LF only."""
    return io.BufferedReader(_LoneCrAsLf(stream))


class Record(NamedTuple):
    """One CSV record, possibly several lines long (a quoted cell may hold a line break)."""

    data: bytes
    too_long: bool
    size: int


def csv_records(lines: Iterator[Line], limit: int = MAX_LINE) -> Iterator[Record]:
    """Lines joined into CSV records: a record ends at a line end outside quotes.

    With the standard dialect (a quote inside a quoted cell is doubled), a line end is outside
    quotes exactly when the record so far holds an even number of quote characters. An over-long
    record is reported once, without its bytes; reading goes on after its end (after the line,
    when a single line was too long to know where the record ends).
    """
    parts: list[bytes] = []
    held = quotes = size = 0
    skipping = False
    for line in lines:
        size += line.size
        quotes += line.data.count(b'"')
        if line.too_long:
            # What the dropped bytes held is unknown: start again at the next line.
            yield Record(b"", True, size)
            parts, held, quotes, size, skipping = [], 0, 0, 0, False
            continue
        if not skipping and held + len(line.data) > limit:
            parts, held, skipping = [], 0, True
        if not skipping:
            parts.append(line.data)
            held += len(line.data)
        if quotes % 2 == 0:
            yield Record(b"".join(parts), skipping, size)
            parts, held, quotes, size, skipping = [], 0, 0, 0, False
    if parts or skipping:
        yield Record(b"".join(parts), skipping, size)
