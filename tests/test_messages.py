"""What the user typed comes back escaped and cut short: it can neither drive the terminal nor
split a one-line error, however long or strange it is."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dupi_triage.errors import quoted
from tests.conftest import ORDINARY_FLARE, RunCli

TITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"


def test_quoting_escapes_every_control_character_and_cuts_long_values() -> None:
    shown = quoted("a\x1b[2J\nb\x9b\u202e" + "x" * 500)
    assert shown.isprintable()
    assert len(shown) <= 60
    assert shown.endswith("...")


def test_an_escape_sequence_in_an_output_name_does_not_reach_the_terminal(
    run_cli: RunCli, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE), encoding="utf-8")
    target = tmp_path / f"report{TITLE_AND_CLEAR}.md"
    result = run_cli("report", str(answers), "--output", str(target))
    assert result.code == 0, result.err
    assert target.exists()
    assert "\x1b" not in result.err
    assert "\x07" not in result.err
    assert "\\x1b]0;pwned\\x07" in result.err


@pytest.mark.parametrize("name", ["bad\nname.json", f"bad{TITLE_AND_CLEAR}.json"])
def test_a_strange_answers_file_name_stays_on_one_escaped_line(
    run_cli: RunCli, tmp_path: Path, name: str
) -> None:
    result = run_cli("assess", "--no-input", "--answers", str(tmp_path / name))
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err[:-1].isprintable()
    assert "\x1b" not in result.err


def test_a_huge_duplicated_key_is_quoted_short(run_cli: RunCli, tmp_path: Path) -> None:
    key = "k" * 500_000
    answers = tmp_path / "answers.json"
    answers.write_text(f'{{"{key}": 1, "{key}": 2}}', encoding="utf-8")
    result = run_cli("assess", "--no-input", "--answers", str(answers))
    assert result.code == 2
    assert "duplicated key" in result.err
    assert len(result.err) < 400


def test_a_huge_duplicated_key_is_quoted_short_in_a_batch_error_cell(
    run_cli: RunCli, tmp_path: Path
) -> None:
    key = "k" * 500_000
    rows = tmp_path / "rows.jsonl"
    rows.write_text(f'{{"{key}": 1, "{key}": 2}}\n', encoding="utf-8")
    result = run_cli("batch", str(rows), "--format", "csv")
    assert result.code == 1
    (row,) = list(csv.DictReader(io.StringIO(result.out)))
    assert "duplicated key" in row["error"]
    assert len(row["error"]) < 200


@pytest.mark.parametrize(
    "args",
    [[f"no-such-command{TITLE_AND_CLEAR}"], ["assess", f"--no-such-flag{TITLE_AND_CLEAR}"]],
    ids=["a command", "a flag"],
)
def test_what_was_typed_is_escaped_in_usage_errors_too(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err[:-1].isprintable()
