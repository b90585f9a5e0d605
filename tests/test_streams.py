"""Standard streams closed, full or cut short: one line and a documented exit, never a traceback.

Run through a real shell, because `>&-`, `<&-`, `>/dev/full` and `| head` are what people type.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dupi_triage.cli import EXIT_FAILED
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT

BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool that a closed pipe ended
ASSESS = "assess --no-input --red-flags none --onset 1-to-4-months"


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `dupi-triage ...` inside `command` (written with DT for the tool) in bash."""
    tool = f"{shlex.quote(sys.executable)} -m dupi_triage"
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        ["bash", "-c", command.replace("DT", tool)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def one_line_error(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("dupi-triage: error: ")
    return lines[0]


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ORDINARY_FLARE), encoding="utf-8")
    return path


@pytest.fixture
def rows(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text((json.dumps(ORDINARY_FLARE) + "\n") * 3000, encoding="utf-8")
    return path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        f"DT {ASSESS} --format text",
        f"DT {ASSESS}",
        "DT report answers.json --format markdown",
        "DT questions",
        "DT questions --format json",
        "DT batch rows.jsonl",
    ],
)
def test_a_full_standard_output_is_one_line_and_exit_2(
    command: str, tmp_path: Path, answers: Path, rows: Path
) -> None:
    run = shell(f"{command} >/dev/full", tmp_path)
    assert run.returncode == 2, run.stderr
    assert "standard output" in one_line_error(run.stderr)


@pytest.mark.parametrize(
    "command",
    [
        f"DT {ASSESS} --format json",
        f"DT {ASSESS}",
        "DT report answers.json",
        "DT questions --format json",
        "DT batch rows.jsonl",
    ],
)
def test_a_closed_standard_output_is_one_line_and_exit_2(
    command: str, tmp_path: Path, answers: Path, rows: Path
) -> None:
    run = shell(f"{command} >&-", tmp_path)
    assert run.returncode == 2, run.stderr
    assert "standard output" in one_line_error(run.stderr)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("DT assess --no-input --answers - --format json", "--answers"),
        ("DT report - --format json", "PATH"),
        ("DT batch -", "INPUT"),
        ("DT assess --format json", "--no-input"),  # the interactive run asks isatty
    ],
)
def test_a_closed_standard_input_is_one_line_and_exit_2(
    command: str, field: str, tmp_path: Path
) -> None:
    run = shell(f"{command} <&-", tmp_path)
    assert run.returncode == 2, run.stderr
    assert one_line_error(run.stderr).startswith(f"dupi-triage: error: {field}")
    assert run.stdout == ""


def test_a_closed_standard_output_with_a_report_file_still_writes_the_file(
    tmp_path: Path, answers: Path
) -> None:
    run = shell("DT report answers.json --output r.md >&-", tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# dupi-triage")


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "rows.jsonl"],
        ["questions", "--format", "json"],
        ["questions"],
        [*ASSESS.split(), "--format", "markdown"],
        [*ASSESS.split()],
    ],
    ids=" ".join,
)
def test_a_reader_that_went_away_ends_the_run_quietly_with_the_broken_pipe_status(
    args: list[str], tmp_path: Path, rows: Path
) -> None:
    """As with `| head -1`, but the reader is gone before the first write, so it never races."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "dupi_triage", *args],
            stdout=writing,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            timeout=120,
            check=False,
        )
    finally:
        os.close(writing)
    assert run.returncode == BROKEN_PIPE, run.stderr
    assert run.stderr == "", "quiet: no traceback, no error, no summary"


def test_batch_piped_into_head_exits_with_the_broken_pipe_status(
    tmp_path: Path, rows: Path
) -> None:
    run = shell("set -o pipefail; DT batch rows.jsonl | head -1 >/dev/null", tmp_path)
    assert run.returncode == BROKEN_PIPE, run.stderr
    assert run.stderr == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_user_mistake_is_exit_2_even_when_standard_error_is_full(tmp_path: Path) -> None:
    run = shell("DT assess --no-input --onset zz 2>/dev/full", tmp_path)
    assert run.returncode == 2
    assert run.stdout == ""


def test_with_standard_error_closed_errors_never_reach_standard_output(tmp_path: Path) -> None:
    run = shell("DT assess --no-input --onset zz 2>&-", tmp_path)
    assert run.returncode == 2
    assert run.stdout == "", "an error is not data"


def test_with_standard_error_closed_the_data_still_comes_alone(tmp_path: Path, rows: Path) -> None:
    run = shell("DT batch rows.jsonl 2>&-", tmp_path)
    assert run.returncode == 0
    assert all(json.loads(line)["level"] for line in run.stdout.splitlines())


def test_the_readme_exit_code_table_covers_broken_pipes_and_signals() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :].split("\n\n")[1]
    codes = {int(line.split("|")[1]) for line in table.splitlines()[2:]}
    hangup, terminated = 128 + signal.SIGHUP, 128 + signal.SIGTERM
    assert codes == {0, 1, 2, EXIT_FAILED, hangup, 130, BROKEN_PIPE, terminated}
