"""A hangup or a polite kill unwinds like Ctrl-C: answers are kept and no half file is left.

SIGTERM (a shutdown, `kill`) and SIGHUP (the terminal closed, an ssh session dropped) raise
Terminated, so that every `finally` runs: a temporary file is removed, the answers given so far
are saved. The exit status is the one a shell reports for the signal (128 + its number). A signal
the parent asked us to ignore (`nohup`) stays ignored.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Terminated(SystemExit):
    """The process was asked to end by SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum
        self.exit_code = 128 + signum


#: A signal that arrived while an event loop ran, until it has been raised.
_pending: int | None = None


def _unwind(signum: int, frame: FrameType | None) -> None:
    global _pending
    loop = _running_loop()
    if loop is None:
        raise Terminated(signum)
    # A prompt is on screen: an event loop is running, and raising here would land in whichever
    # of its tasks happened to be running (prompt_toolkit then prints that task's traceback).
    # Raised from a plain callback instead, it leaves the loop the way Ctrl-C does. If the loop
    # was already on its last pass, the callback never runs: `raise_pending` after the prompt.
    _pending = signum
    loop.call_soon_threadsafe(_raise, signum)


def _raise(signum: int) -> None:
    global _pending
    _pending = None
    raise Terminated(signum)


def raise_pending() -> None:
    """Raise Terminated for a signal that came as a prompt was closing (call after each one)."""
    if _pending is not None:
        _raise(_pending)


def _running_loop() -> AbstractEventLoop | None:
    if "asyncio" not in sys.modules:  # never imported: no loop can be running
        return None
    from asyncio import get_running_loop

    try:
        return get_running_loop()
    except RuntimeError:
        return None


@contextlib.contextmanager
def termination_unwinds() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise Terminated (main thread only, as Python allows)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in HANDLED:
        if signal.getsignal(signum) != signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _unwind)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
