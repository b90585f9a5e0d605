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
