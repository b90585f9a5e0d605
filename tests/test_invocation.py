"""Every command the tool suggests runs as printed after the README's own set-up (issue 19 item
4): the tool is `.venv/bin/dupi-triage` or `python -m dupi_triage` there, not a `dupi-triage` on
the PATH, so a hint naming plain `dupi-triage` would be "command not found"."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SCRIPT = Path(sys.executable).parent / "dupi-triage"
BARE_PATH = {"PATH": "/usr/bin:/bin"}  # as after the README's set-up: the venv is not on it


def _run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **BARE_PATH, "DUPI_TRIAGE_DIARY": str(tmp_path / "none.sqlite")}
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60, check=False
    )


def _quoted_command(text: str) -> str:
    found = re.search(r"(?:see|start one with) '([^']+)'", text)
    assert found, text
    return found.group(1)


@pytest.mark.parametrize(
    "started",
    [[os.path.relpath(SCRIPT, PROJECT_ROOT)], [sys.executable, "-m", "dupi_triage"]],
    ids=["venv-script", "python-m"],
)
@pytest.mark.parametrize(
    "arguments",
    [
        ["assess", "--no-such-flag"],  # "(see '... assess --help')"
        ["diary", "show"],  # "start one with '... diary dose'"
    ],
    ids=["usage-error", "no-diary"],
)
def test_a_suggested_command_runs_as_printed(
    tmp_path: Path, started: list[str], arguments: list[str]
) -> None:
    first = _run([*started, *arguments], tmp_path)
    assert first.returncode == 2
    printed = _quoted_command(first.stderr)
    assert printed.startswith(shlex.join(started)), printed
    again = _run(["/bin/bash", "-c", f"{printed} --help"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Usage" in again.stdout


@pytest.mark.parametrize(
    "started",
    [[os.path.relpath(SCRIPT, PROJECT_ROOT)], [sys.executable, "-m", "dupi_triage"]],
    ids=["venv-script", "python-m"],
)
def test_the_diary_s_own_hints_name_the_tool_as_it_was_started(
    tmp_path: Path, started: list[str]
) -> None:
    """Two doses on a day, and a damaged diary: each hint runs as printed."""
    diary = tmp_path / "diary.sqlite"
    dose = [*started, "diary", "dose", "--date", "yesterday", "--diary", str(diary)]
    assert _run(dose, tmp_path).returncode == 0
    twice = _run(dose, tmp_path)
    assert f"'{shlex.join(started)} diary delete ID'" in twice.stderr
    with diary.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 4000)
    damaged = _run([*started, "diary", "show", "--diary", str(diary)], tmp_path)
    assert damaged.returncode == 2
    assert f"'{shlex.join(started)} diary check'" in damaged.stderr
