"""Help, errors and shell completion as a first-time user meets them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
import typer

from dupi_triage.answers import parse_answers
from dupi_triage.cli import _DIARY, app
from dupi_triage.diary.commands import command as diary_command
from dupi_triage.diary.commands import command_names
from dupi_triage.questionnaire import RED_FLAGS, Questionnaire
from dupi_triage.render import render_document
from dupi_triage.scoring import assess
from tests.conftest import ORDINARY_FLARE, RunCli, run_module
from tests.pty_screen import Terminal


def test_a_question_flag_without_a_value_names_assess_help_and_the_allowed_values(
    questionnaire: Questionnaire,
) -> None:
    result = run_module("assess", "--red-flags")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("dupi-triage: error: --red-flags")
    # The command as it was run (here `python -m dupi_triage`), so that it runs as printed.
    assert "-m dupi_triage assess --help" in line
    for option in questionnaire.question(RED_FLAGS).options:
        assert option.id in line, f"{option.id} is not listed as allowed"


def test_a_question_flag_at_the_top_level_points_to_assess(questionnaire: Questionnaire) -> None:
    result = run_module("--red-flags", "none")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "-m dupi_triage assess" in line


@pytest.mark.parametrize(
    ("typed", "meant"),
    [(["asess"], "assess"), (["diary", "shwo"], "show"), (["diary", "expotr"], "export")],
)
def test_a_mistyped_command_is_one_line_that_suggests_the_command_meant(
    typed: list[str], meant: str
) -> None:
    result = run_module(*typed)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert f"No such command '{typed[-1]}'. Did you mean '{meant}'?" in line


@pytest.mark.parametrize("value", ["none, ", "none,", " none ,, "])
def test_stray_commas_and_spaces_in_a_multi_choice_flag_are_ignored(
    run_cli: RunCli, value: str
) -> None:
    result = run_cli("assess", "--no-input", "--red-flags", value, "--format", "json")
    assert result.code == 0, result.err
    assert (
        '"red_flags": [\n      "none"\n    ]' in result.out or '"red_flags": ["none"]' in result.out
    )


@pytest.mark.parametrize("command", ["report", "batch"])
def test_help_shows_argument_names_plainly(command: str) -> None:
    result = run_module(command, "--help", env={"COLUMNS": "100"})
    assert result.returncode == 0
    assert "{" not in result.stdout, "no {PATH}-style braces"
    assert "<str>" not in result.stdout
    usage = result.stdout.split("Usage:", 1)[1].splitlines()[0]
    assert re.search(r"\[OPTIONS\] [A-Z]+\b", usage), usage


def test_the_text_report_lines_up_every_drug_link_row(questionnaire: Questionnaire) -> None:
    assessment = assess(questionnaire, parse_answers(questionnaire, ORDINARY_FLARE))
    text = render_document("text", questionnaire, assessment)
    rows = [m for m in re.finditer(r"^ *([+-]?\d+) +(\d+)\. \S", text, flags=re.MULTILINE)]
    assert len(rows) >= 10, "every Naranjo item is listed"
    starts = {m.end() - 1 - m.start() for m in rows}
    assert len(starts) == 1, f"item texts start at columns {sorted(starts)}"
    points_ends = {m.end(1) - m.start() for m in rows}
    assert len(points_ends) == 1, "points right-aligned in one column"


# --- shell completion -----------------------------------------------------------------------------


def _complete(words: str) -> list[str]:
    """What bash completion offers after `words` (the last word being completed)."""
    parts = words.split(" ")
    env = {
        **os.environ,
        "_DUPI_TRIAGE_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = subprocess.run(
        [sys.executable, "-m", "dupi_triage"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_completion_offers_commands_flags_and_values(questionnaire: Questionnaire) -> None:
    assert {"assess", "report", "questions", "batch"} <= set(_complete("dupi-triage "))
    assert "--red-flags" in _complete("dupi-triage assess --red")
    values = _complete("dupi-triage assess --red-flags ")
    for option in questionnaire.question(RED_FLAGS).options:
        assert option.id.replace("_", "-") in values
    # After a comma, the next value of a multi-choice flag.
    after_comma = _complete("dupi-triage assess --red-flags none,eye")
    assert after_comma == ["none,eye-pain-or-vision"] or "none,eye-pain-or-vision" in after_comma


def test_show_completion_prints_a_script_for_the_shell_in_use() -> None:
    result = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m dupi_triage --show-completion; true"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "_DUPI_TRIAGE_COMPLETE" in result.stdout


def test_root_help_lists_install_completion() -> None:
    result = run_module("--help", env={"COLUMNS": "100"})
    assert "--install-completion" in result.stdout


# --- every command's help, whole at any width -----------------------------------------------------

WIDTHS = (40, 80, 100)
BOX = str.maketrans("", "", "│╭╮╰╯─")


def _command_paths() -> list[tuple[str, ...]]:
    """Every command: the root, its commands, and diary's (added to the root at start-up)."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    names = [*root.commands, "diary"]
    return [(), *((name,) for name in names), *(("diary", name) for name in command_names())]


def _command(path: tuple[str, ...]) -> Any:
    if path[:1] == ("diary",):
        return diary_command(path[1]) if len(path) > 1 else _DIARY
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    return root.commands[path[0]] if path else root


def _expected_rows(path: tuple[str, ...]) -> list[tuple[list[str], list[str]]]:
    """Each flag or argument of the command: (its names and metavar, the words of its help)."""
    command = _command(path)
    context = typer.Context(command, info_name="dupi-triage")
    rows = []
    for param in command.get_params(context):
        if getattr(param, "hidden", False):
            continue
        names = [*param.opts, *param.secondary_opts]
        if isinstance(param, typer.core.TyperArgument):
            names = [param.metavar or (param.name or "").upper()]
        elif param.metavar and not param.is_flag:
            names.append(param.metavar)
        rows.append((names, (param.help or "").split()))
    return rows


def _tokens(screen: str) -> list[str]:
    return [token.strip(",") for token in screen.translate(BOX).split()]


def _check_whole(screen: str, path: tuple[str, ...], width: int) -> None:
    """Nothing cut: no ellipsis, no line past the edge, every flag name and metavar a word of
    its own, and each help text's words all there, in order (a value in it reads whole)."""
    where = f"dupi-triage {' '.join(path)} --help at {width} columns"
    assert "…" not in screen, where
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= width, where
    tokens = _tokens(screen)
    joined = f" {' '.join(tokens)} "
    rows = _expected_rows(path)
    assert rows, where
    for names, words in rows:
        for name in names:
            assert name in tokens, f"{where}: {name!r} is not whole"
        expected = " ".join(word.strip(",") for word in words)
        assert f" {expected} " in joined, f"{where}: the help of {names[0]} is cut: {expected!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "root")
def test_every_flag_and_value_reads_whole_in_every_help_at_any_width(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, path: tuple[str, ...], width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_cli(*path, "--help")
    assert result.code == 0, result.err
    _check_whole(result.out, path, width)


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "root")
def test_every_flag_and_value_reads_whole_on_a_40_column_terminal(path: tuple[str, ...]) -> None:
    """In a real 40-column pty (no COLUMNS), as a person reads the screen."""
    with Terminal(*path, "--help", columns=40, rows=500) as term:
        assert term.finish() == 0
        _check_whole(term.text(), path, 40)


def test_a_narrow_help_is_a_list_and_a_wide_one_keeps_the_panels(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = run_cli("assess", "--help").out
    assert "╭" not in narrow
    assert re.search(r"^ +--red-flags VALUES *$", narrow, re.MULTILINE), "the flag on its own line"
    monkeypatch.setenv("COLUMNS", "100")
    wide = run_cli("assess", "--help").out
    assert re.search(r"^╭─ Questions: Warning signs ─+╮$", wide, re.MULTILINE)
    assert re.search(r"^│ --red-flags +VALUES +Does the person with the rash", wide, re.MULTILINE)
