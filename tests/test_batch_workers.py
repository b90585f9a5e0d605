"""batch --jobs when a worker process dies or the batch is stopped: for real, with processes.

A worker killed with SIGKILL (the OOM killer does this) used to leave the main process spinning
for ever; SIGTERM then waited and Ctrl-C printed a traceback and left a worker behind. Now a lost
worker stops the batch with one line and exit code 3, no partial --output file is kept, and no
worker outlives the batch, however it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.test_batch_jobs import generated_rows

if not Path("/proc/self/stat").exists():  # pragma: no cover - Linux only, as CI is
    pytest.skip("finding worker processes needs /proc", allow_module_level=True)

DEADLINE = 60  # seconds: an upper bound only; the old pool never ended at all
EXIT_FAILED = 3


@pytest.fixture(scope="module")
def large_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough rows that two processes need many seconds: a worker can be killed mid-batch."""
    path = tmp_path_factory.mktemp("large") / "rows.jsonl"
    block = "\n".join(generated_rows(2000)) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(60):  # about 60 MB, 120,000 rows: seconds of work even on a fast machine
            handle.write(block)
    return path


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (what `ps --ppid` shows), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def still_running(pids: list[int]) -> list[int]:
    """Those of `pids` that still run, orphaned or not (a zombie, dead and not yet reaped by
    whoever adopted it, runs nothing)."""
    running = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] != "Z":
            running.append(pid)
    return running


def workers_of(process: subprocess.Popen[bytes], count: int) -> list[int]:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = children(process.pid)
        if len(found) >= count:
            return found
        assert process.poll() is None, "the batch ended before its workers could be seen"
        time.sleep(0.02)
    raise AssertionError(f"no {count} workers appeared")


@pytest.fixture
def batch(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Started batches, each in its own session; any still running at the end is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(
    started: list[subprocess.Popen[bytes]], *args: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "dupi_triage", "batch", *args, "--jobs", "2"],
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        start_new_session=True,  # a process group of its own, as a shell's job is
    )
    started.append(process)
    return process


def ended(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Its exit code and standard error, once it ends (within the deadline)."""
    try:
        _, err = process.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"the batch did not end within {DEADLINE} s")
    return process.returncode, err.decode("utf-8", "replace")


def assert_killed_worker_reported(code: int, err: str, killed: int) -> None:
    assert code == EXIT_FAILED, err
    assert "Traceback" not in err
    [line] = err.splitlines()
    assert line.startswith("dupi-triage: error: batch --jobs: a scoring process "), line
    assert f"(pid {killed}) was killed by SIGKILL" in line, line


def test_a_worker_killed_mid_batch_stops_it_with_one_line_and_no_output_file(
    batch: list[subprocess.Popen[bytes]], large_input: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    process = start(batch, str(large_input), "--output", str(out))
    workers = workers_of(process, 2)
    os.kill(workers[0], signal.SIGKILL)
    code, err = ended(process)
    assert_killed_worker_reported(code, err, workers[0])
    assert list(out.parent.iterdir()) == [], "no results file and no temporary file"
    assert still_running(workers) == [], "no worker outlives the batch"


def test_a_worker_killed_while_input_is_still_awaited_is_noticed_at_the_next_rows(
    batch: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    """The input is a pipe that stays open: the batch waits for rows, a worker is killed, and
    the next rows sent to it end the batch (it does not wait for the end of the input)."""
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    process = start(batch, "-", "--output", str(out), stdin=subprocess.PIPE)
    assert process.stdin is not None
    rows = ("\n".join(generated_rows(300)) + "\n").encode()
    process.stdin.write(rows)
    process.stdin.flush()
    workers = workers_of(process, 2)
    os.kill(workers[1], signal.SIGKILL)
    try:
        for _ in range(200):  # chunks go to each worker in turn: one soon reaches the dead one
            process.stdin.write(rows)
            process.stdin.flush()
            time.sleep(0.01)
    except BrokenPipeError:
        pass  # the batch ended and stopped reading
    code, err = ended(process)
    assert_killed_worker_reported(code, err, workers[1])
    assert list(out.parent.iterdir()) == []
    assert still_running(workers) == []


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)],
    ids=["SIGTERM", "Ctrl-C", "SIGHUP"],
)
def test_a_stopped_batch_exits_promptly_with_no_traceback_no_file_and_no_worker_left(
    batch: list[subprocess.Popen[bytes]],
    large_input: Path,
    tmp_path: Path,
    signum: int,
    code: int,
) -> None:
    """The signal goes to the whole process group, as Ctrl-C at a terminal or a service
    manager's stop does; the workers ignore it and the main process stops them."""
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    process = start(batch, str(large_input), "--output", str(out))
    workers = workers_of(process, 2)
    os.killpg(process.pid, signum)
    began = time.monotonic()
    exit_code, err = ended(process)
    assert exit_code == code, err
    assert time.monotonic() - began < 10, "promptly"
    assert "Traceback" not in err
    assert list(out.parent.iterdir()) == []
    assert still_running(workers) == []


def test_killing_the_main_process_takes_the_workers_with_it(
    batch: list[subprocess.Popen[bytes]], large_input: Path
) -> None:
    process = start(batch, str(large_input))
    workers = workers_of(process, 2)
    process.kill()
    process.wait()
    deadline = time.monotonic() + DEADLINE
    while still_running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert still_running(workers) == []
