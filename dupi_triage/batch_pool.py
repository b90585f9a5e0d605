"""Batch scoring on several cores: chunks of rows go to worker processes, results return in order.

The main process reads the input (a thread does, so that a row typed at a terminal is scored as
soon as it is entered) and writes the results; each worker parses, validates, scores and encodes a
chunk with the very `run_batch` that one core uses, so both give the same bytes. At most a few
chunks are in flight, so memory stays flat whatever the input's length. A chunk is sent when it is
full, or as soon as no more input is waiting. Ctrl-C, SIGTERM and SIGHUP reach the main process,
which drops the chunks not yet begun (workers ignore these signals) and unwinds as one core does.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TextIO

from dupi_triage.batch import BatchSummary, Record, run_batch
from dupi_triage.questionnaire import Questionnaire

CHUNK_ROWS = 256
CHUNK_BYTES = 1024 * 1024
_DONE = object()
_questionnaire: Questionnaire | None = None
_blocked_readers: list[threading.Thread] = []


def reader_left_blocked() -> bool:
    """A reading thread still waits for input (a terminal or a pipe) after the batch stopped.

    Python would abort at exit on the standard input it holds, so the caller must leave with
    os._exit once everything is written and flushed.
    """
    return any(thread.is_alive() for thread in _blocked_readers)


_STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def _start_worker(questionnaire: Questionnaire, parent: int) -> None:
    """Each worker begins with _STOPPING blocked (see run_parallel) and unblocks it once set."""
    global _questionnaire
    _questionnaire = questionnaire
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _die_with(parent):
        # A terminal (Ctrl-C, a hangup) or a service manager signals the whole process group: the
        # main process decides what it means (a worker killed while it sends a result would hang
        # the pool), and the kernel ends the workers with it, however it ends.
        for signum in _STOPPING:
            signal.signal(signum, signal.SIG_IGN)
    else:  # no way to follow the main process: SIGTERM and SIGHUP keep their defaults
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def _die_with(parent: int) -> bool:
    """Linux: be killed when the main process ends, however it ends (no orphan keeps scoring)."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    if prctl(1, signal.SIGKILL) != 0:  # PR_SET_PDEATHSIG
        return False
    if os.getppid() != parent:  # it ended before the line above
        os._exit(0)
    return True


def score_chunk(records: list[Record], fmt: str) -> tuple[str, BatchSummary]:
    """One chunk scored exactly as one core scores it: its output text and its counts."""
    assert _questionnaire is not None
    out = io.StringIO()
    summary = run_batch(_questionnaire, iter(records), out, fmt, header=False)
    return out.getvalue(), summary


def _size(record: Record) -> int:
    payload = record[1]
    return len(payload) if isinstance(payload, bytes) else 256


def run_parallel(
    questionnaire: Questionnaire, records: Iterator[Record], out: TextIO, fmt: str, jobs: int
) -> BatchSummary:
    """`run_batch` on `jobs` worker processes; the output is the same, row for row."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(questionnaire, os.getpid()),
    )
    stop = threading.Event()
    pending: queue.Queue[Any] = queue.Queue(maxsize=CHUNK_ROWS * 2)
    in_flight: queue.Queue[Any] = queue.Queue(maxsize=jobs * 2)

    def hand_over(target: queue.Queue[Any], item: Any) -> bool:
        while not stop.is_set():
            try:
                target.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for record in records:
                if not hand_over(pending, record):
                    return
        except BaseException as error:  # a read error is the main thread's to report
            hand_over(pending, error)
        hand_over(pending, _DONE)

    def send() -> None:
        finished = False
        while not finished and not stop.is_set():
            chunk: list[Record] = []
            size = 0
            item = pending.get()
            while True:
                if item is _DONE or isinstance(item, BaseException):
                    finished = True
                    break
                chunk.append(item)
                size += _size(item)
                if len(chunk) >= CHUNK_ROWS or size >= CHUNK_BYTES:
                    break
                try:
                    item = pending.get_nowait()
                except queue.Empty:
                    break  # nothing more waiting: score what there is now
            if chunk:
                try:
                    future = executor.submit(score_chunk, chunk, fmt)
                except RuntimeError:  # shut down while stopping
                    return
                if not hand_over(in_flight, future):
                    return
            if finished:
                hand_over(in_flight, item)

    threads = [threading.Thread(target=work, daemon=True) for work in (read, send)]
    try:
        summary = run_batch(questionnaire, iter(()), out, fmt)  # the CSV header, once
        # Start every worker now, from the main thread, before the reading thread exists, with the
        # stopping signals blocked: a Ctrl-C while a worker starts waits for the main process.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            started = executor.submit(int)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        started.result()
        for thread in threads:
            thread.start()
        while True:
            item = in_flight.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Future)
            text, counts = item.result()
            out.write(text)
            summary.rows += counts.rows
            summary.rejected += counts.rejected
            summary.levels.update(counts.levels)
    except BaseException:
        stop.set()
        _stop_workers(executor)
        if threads[0].ident is not None:
            threads[0].join(timeout=0.5)  # a file's reader sees `stop` at once; a terminal's waits
        if threads[0].is_alive():
            _blocked_readers.append(threads[0])
        raise
    stop.set()
    executor.shutdown(wait=True)
    return summary


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Interrupted: drop the chunks not yet started; let the workers finish the one in hand.

    They are not killed: a worker ended while it sends a result would leave a half message that
    the pool's own thread then waits for forever (seen with a full standard output). A chunk is at
    most 256 rows, a fraction of a second.
    """
    executor.shutdown(wait=True, cancel_futures=True)
