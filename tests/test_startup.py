"""Start-up stays light: each run imports only what its output needs (timings: benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ORDINARY_FLARE

HEAVY = ("questionary", "prompt_toolkit", "rich")


def imported_after(args: list[str], stdin: str = "") -> list[str]:
    probe = (
        "import sys, io, contextlib\n"
        "from dupi_triage.cli import main\n"
        "quiet = contextlib.redirect_stdout(io.StringIO())\n"
        "with quiet, contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout.replace("'", '"'))
    return loaded


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_a_document_format_needs_neither_prompts_nor_rich(fmt: str, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    assert (
        imported_after(["assess", "--no-input", "--answers", str(answers), "--format", fmt]) == []
    )


def test_batch_without_a_terminal_needs_neither_prompts_nor_rich(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ORDINARY_FLARE) + "\n")
    assert imported_after(["batch", str(rows)]) == []


def test_the_terminal_summary_needs_rich_but_not_the_prompts(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    assert imported_after(["assess", "--no-input", "--answers", str(answers)]) == ["rich"]


def modules_after(args: list[str], prefix: str) -> list[str]:
    probe = (
        "import sys, io, contextlib\n"
        "from dupi_triage.cli import main\n"
        "quiet = contextlib.redirect_stdout(io.StringIO())\n"
        "with quiet, contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefix!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(result.stdout.replace("'", '"'))
    return loaded


@pytest.mark.parametrize(
    "args",
    [["--version"], ["questions", "--format", "json"], ["diary", "dose", "--date", "today"]],
    ids=["--version", "questions", "diary dose"],
)
def test_a_command_that_scores_nothing_never_loads_the_scoring(
    args: list[str], tmp_path: Path
) -> None:
    if args[0] == "diary":
        args = [*args, "--diary", str(tmp_path / "diary.sqlite")]
    assert modules_after(args, "dupi_triage.scoring") == []
