"""Batch scoring on several cores: chunks of rows go to worker processes, results return in order.

The main process reads the input (a thread does, so that a row typed at a terminal is scored as
soon as it is entered) and writes the results; each worker parses, validates, scores and encodes a
chunk with the very `run_batch` that one core uses, so both give the same bytes. At most a few
chunks are in flight, so memory stays flat whatever the input's length. A chunk is sent when it is
full, or as soon as no more input is waiting.

The pool is our own, a pair of pipes per worker, rather than concurrent.futures: chunk n goes to
worker n % jobs, and its result is read from that worker's pipe, so the order needs no
bookkeeping; and the main process always knows whether a worker is alive. A worker that dies
(killed, out of memory) stops the batch with one line (WorkerLost, exit code 3) instead of a pool
that waits for it for ever. Ctrl-C, SIGTERM and SIGHUP reach the main process only (workers ignore
them), which kills the workers (nothing of theirs is kept) and unwinds as one core does.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TextIO

from dupi_triage.batch_rows import BatchSummary, Record, run_batch
from dupi_triage.errors import Failed
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple

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


class WorkerLost(Failed):
    """A worker process ended before it returned its chunk: the batch cannot be completed."""

    def __init__(self, process: BaseProcess, rows_done: int) -> None:
        process.join(timeout=5)  # reaped, so that its exit status is known
        code = process.exitcode
        if code is not None and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = "ended unexpectedly" if code is None else f"ended with status {code}"
        super().__init__(
            f"batch --jobs: a scoring process (pid {process.pid}) {how}; the batch stopped "
            f"after {rows_done} rows (a partial --output file is not kept)"
        )


class _Worker(NamedTuple):
    process: BaseProcess
    tasks: Connection  # the main process's end: chunks go out
    results: Connection  # the main process's end: scored chunks come back


def _start_worker(questionnaire: Questionnaire, parent: int) -> None:
    """Each worker begins with _STOPPING blocked (see _start_workers) and unblocks it once set."""
    global _questionnaire
    _questionnaire = questionnaire
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _die_with(parent):
        # A terminal (Ctrl-C, a hangup) or a service manager signals the whole process group: the
        # main process decides what it means, and the kernel ends the workers with it, however
        # it ends.
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


def _work(
    questionnaire: Questionnaire,
    fmt: str,
    parent: int,
    tasks: Connection,
    results: Connection,
    inherited: list[Connection],
) -> None:
    """A worker: score each chunk that arrives, until None or the main process's end."""
    for connection in inherited:  # the main process's ends: only it may hold them
        connection.close()
    _start_worker(questionnaire, parent)
    with contextlib.suppress(EOFError, OSError):  # the main process stopped the batch
        while (chunk := tasks.recv()) is not None:
            try:
                reply: tuple[str, Any] = ("scored", score_chunk(chunk, fmt))
            except Exception:  # a bug: the main process raises it with this traceback
                import traceback

                reply = ("failed", traceback.format_exc())
            results.send(reply)


def _size(record: Record) -> int:
    payload = record[1]
    return len(payload) if isinstance(payload, bytes) else 256


def run_parallel(
    questionnaire: Questionnaire, records: Iterator[Record], out: TextIO, fmt: str, jobs: int
) -> BatchSummary:
    """`run_batch` on `jobs` worker processes; the output is the same, row for row."""
    stop = threading.Event()
    pending: queue.Queue[Any] = queue.Queue(maxsize=CHUNK_ROWS * 2)
    in_flight: queue.Queue[Any] = queue.Queue(maxsize=jobs * 2)
    workers: list[_Worker] = []

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
        sent = 0
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
                worker = workers[sent % len(workers)]
                sent += 1
                try:
                    worker.tasks.send(chunk)
                except (OSError, ValueError):
                    pass  # the worker is gone: the main thread finds out as it waits for it
                except BaseException as error:
                    hand_over(in_flight, error)
                    return
                if not hand_over(in_flight, worker):
                    return
            if finished:
                hand_over(in_flight, item)

    threads = [threading.Thread(target=work, daemon=True) for work in (read, send)]
    try:
        summary = run_batch(questionnaire, iter(()), out, fmt)  # the CSV header, once
        workers += _start_workers(questionnaire, fmt, jobs)
        for thread in threads:
            thread.start()
        while True:
            item = in_flight.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            text, counts = _result(item, summary.rows)
            out.write(text)
            summary.rows += counts.rows
            summary.rejected += counts.rejected
            summary.levels.update(counts.levels)
    except BaseException:
        stop.set()
        _kill(workers)
        if threads[0].ident is not None:
            threads[0].join(timeout=0.5)  # a file's reader sees `stop` at once; a terminal's waits
        if threads[0].is_alive():
            _blocked_readers.append(threads[0])
        raise
    stop.set()
    _finish(workers)
    return summary


def _start_workers(questionnaire: Questionnaire, fmt: str, jobs: int) -> list[_Worker]:
    """Every worker, started now from the main thread, before the reading thread exists, with the
    stopping signals blocked: a Ctrl-C while a worker starts waits for the main process.

    Each pipe end a worker writes to is held by that worker alone: when it dies, the main process
    reads the end of the pipe at once (never half a message from a pipe someone else keeps open).
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers: list[_Worker] = []
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        for number in range(jobs):
            task_reader, task_writer = context.Pipe(duplex=False)
            result_reader, result_writer = context.Pipe(duplex=False)
            inherited = [end for worker in workers for end in worker[1:]]
            process = context.Process(
                target=_work,
                args=(questionnaire, fmt, os.getpid(), task_reader, result_writer,
                      [*inherited, task_writer, result_reader]),
                name=f"dupi-triage-batch-{number + 1}",
                daemon=True,
            )  # fmt: skip
            try:
                process.start()
            finally:
                task_reader.close()
                result_writer.close()
            workers.append(_Worker(process, task_writer, result_reader))
    except BaseException:
        _kill(workers)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return workers


def _result(worker: _Worker, rows_done: int) -> tuple[str, BatchSummary]:
    """The next chunk `worker` scored; WorkerLost as soon as it has died instead."""
    ready = wait([worker.results, worker.process.sentinel])
    if worker.results not in ready:
        raise WorkerLost(worker.process, rows_done)
    try:
        status, value = worker.results.recv()
    except (EOFError, OSError):  # it died, at most half-way through a message
        raise WorkerLost(worker.process, rows_done) from None
    if status == "failed":
        raise RuntimeError(f"a batch worker failed:\n{value}")
    text_and_counts: tuple[str, BatchSummary] = value
    return text_and_counts


def _finish(workers: list[_Worker]) -> None:
    """Every chunk is back: each worker is told to leave, and is waited for."""
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.tasks.send(None)
    for worker in workers:
        worker.process.join(timeout=5)
    _kill(workers)


def _kill(workers: list[_Worker]) -> None:
    """Stopped, or done: no worker outlives the batch, and each is reaped.

    They are killed, not asked: nothing they hold is needed any more, and a worker blocked on a
    full pipe would never read a polite request. Signals wait meanwhile, so a second Ctrl-C
    cannot leave one behind.
    """
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        for worker in workers:
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError):
                    worker.process.kill()
        for worker in workers:
            worker.process.join()
            worker.tasks.close()
            worker.results.close()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
