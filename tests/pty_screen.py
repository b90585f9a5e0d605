"""dupi-triage in a real pseudo-terminal, read back as a person sees it.

The bytes the program writes go through pyte, a terminal emulator, so a test reads the rendered
screen (rows of a fixed width, after cursor moves, redraws and wrapping), not the raw output: a
word cut at the edge or an error drawn nowhere on screen shows up as it would for a person.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pyte

from tests.conftest import PROJECT_ROOT

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"
SPACE = " "
CTRL_C = "\x03"
TIMEOUT = 90.0  # an upper bound only: every step waits for what the screen shows


def flat(text: str) -> str:
    """Words separated by single spaces: how text reads, whatever the line breaks."""
    return " ".join(text.split())


class Terminal:
    """A child process on a `columns`-wide pty, with the screen it has drawn so far."""

    def __init__(
        self,
        *args: str,
        columns: int = 80,
        rows: int = 60,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        command: list[str] | None = None,
    ) -> None:
        """`dupi-triage ARGS` as `python -m dupi_triage`, or `command` exactly as given."""
        base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        base.pop("COLUMNS", None)
        base.pop("LINES", None)
        self.columns = columns
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        program, *arguments = command or [sys.executable, "-m", "dupi_triage", *args]
        self.child: Any = pexpect.spawn(
            program,
            arguments,
            env={**base, "TERM": "xterm", **(env or {})},
            cwd=str(cwd or PROJECT_ROOT),
            dimensions=(rows, columns),
            timeout=TIMEOUT,
        )
        self.exited = False

    # -- reading -------------------------------------------------------------------------------

    def _pump(self, wait: float) -> None:
        try:
            data = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.exited = True
            return
        self.raw.extend(data)
        self.stream.feed(data)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def reads(self) -> str:
        """The whole screen as one line of words."""
        return flat(self.text())

    def wait_until(self, check: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if self.exited or time.monotonic() > deadline:
                raise AssertionError(f"never saw {what!r} on screen:\n{self.text()}")
            self._pump(0.05)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> None:
        """Until every text reads whole on the screen (line breaks read as spaces)."""
        wanted = [flat(t) for t in texts]
        self.wait_until(lambda: all(w in self.reads() for w in wanted), " + ".join(texts), timeout)

    def settle(self, quiet: float = 0.3) -> None:
        """Until nothing more is drawn for `quiet` seconds."""
        while True:
            before = len(self.raw)
            self._pump(quiet)
            if len(self.raw) == before or self.exited:
                return

    # -- typing --------------------------------------------------------------------------------

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def resize(self, columns: int, rows: int | None = None) -> None:
        """The window changes size: the terminal (pyte) and the program (SIGWINCH) both see it."""
        rows = rows or self.screen.lines
        self.columns = columns
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)

    def finish(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while not self.exited:
            if time.monotonic() > deadline:
                raise AssertionError(f"still running:\n{self.text()}")
            self._pump(0.1)
        self.child.close()
        status: int = self.child.exitstatus
        return status

    def close(self) -> None:
        self.child.close(force=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def words_whole(text: str, screen_text: str) -> list[str]:
    """Words of `text` that are not found whole among the screen's words (cut or split)."""
    on_screen = set(re.findall(r"[\w'\u2019-]+", screen_text))
    return [word for word in re.findall(r"[\w'\u2019-]+", text) if word not in on_screen]
