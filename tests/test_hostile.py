"""Answers files written by hand, truncated, or made to hurt: refused fast, on one line, exit 2."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import RunCli

NESTING = 200_000

HOSTILE: dict[str, bytes] = {
    "not JSON": b"onset = within_4_weeks",
    "truncated JSON": b'{"red_flags": ["none"], "onset": "within',
    "empty file": b"",
    "binary garbage": bytes(range(256)) * 8,
    "a list, not an object": b'["none", "within_4_weeks"]',
    "a string, not an object": b'"red_flags"',
    "null, not an object": b"null",
    "a word for a number": b'{"itch": "high"}',
    "a fraction for a whole number": b'{"itch": 7.5}',
    "true for a number": b'{"itch": true}',
    "a number for an option": b'{"onset": 3}',
    "an object for a list": b'{"red_flags": {"none": true}}',
    "NaN": b'{"itch": NaN}',
    "Infinity": b'{"itch": Infinity}',
    "minus Infinity": b'{"itch": -Infinity}',
    "an overflowing float": b'{"itch": 1e999}',
    "a huge integer": b'{"itch": ' + b"9" * 5000 + b"}",
    "deep nesting of lists": b'{"red_flags": ' + b"[" * NESTING + b"]" * NESTING + b"}",
    "deep nesting of objects": b'{"a": ' * NESTING + b"1" + b"}" * NESTING,
    "over 1 MiB": b'{"onset": "' + b"x" * (1024 * 1024 + 10) + b'"}',
    "invalid UTF-8": b'{"onset": "within_4_weeks\xff"}',
    "duplicated keys": b'{"itch": 1, "itch": 9}',
    "an unknown key": b'{"red_flags": ["none"], "favourite_colour": "red"}',
    "none mixed with other options": b'{"red_flags": ["none", "fever_or_unwell"]}',
    "a list where one value belongs": b'{"onset": ["within_4_weeks", "1_to_4_months"]}',
    "an empty list": b'{"red_flags": []}',
    "a conditional answer contradicting its condition": (
        b'{"dose_paused": "no", "improved_on_pause": "yes"}'
    ),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_answers_file_is_refused_quickly_on_one_line(
    content: bytes, tmp_path: Path, run_cli: RunCli
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(content)
    started = time.perf_counter()
    result = run_cli("assess", "--no-input", "--answers", str(answers), "--format", "json")
    elapsed = time.perf_counter() - started
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dupi-triage: error:")
    assert "Traceback" not in result.err
    assert len(lines[0]) < 600, "the message quotes at most a short piece of the input"
    assert elapsed < 2, f"took {elapsed:.2f} s"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b'{"itch": "high"}', "itch"),
        (b'{"onset": ["within_4_weeks"]}', "onset"),
        (b'{"red_flags": ["none", "fever_or_unwell"]}', "red_flags"),
        (b'{"favourite_colour": "red"}', "favourite_colour"),
        (b'{"itch": 1, "itch": 9}', "itch"),
    ],
)
def test_the_error_names_the_field_and_what_is_allowed(
    content: bytes, named: str, tmp_path: Path, run_cli: RunCli
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(content)
    result = run_cli("assess", "--no-input", "--answers", str(answers))
    assert result.code == 2
    assert named in result.err


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path, run_cli: RunCli) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(b"\xef\xbb\xbf" + json.dumps({"red_flags": ["none"]}).encode())
    result = run_cli("assess", "--no-input", "--answers", str(answers), "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["red_flags_screened"] is True


@pytest.mark.parametrize("value", ["--5", "-+5", "8.0", "٣"])
def test_a_number_that_is_not_one_is_one_line_everywhere(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """'--5' passed the digit check and then broke int(): a traceback, and a whole batch lost."""
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(tmp_path / "diary.sqlite"))
    said = "is not a whole number"
    flags = run_cli("assess", "--no-input", "--red-flags", "none", f"--itch={value}")
    assert flags.code == 2
    assert said in flags.err
    assert "Traceback" not in flags.err
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"red_flags": ["none"], "itch": value}))
    from_file = run_cli("report", str(answers))
    assert from_file.code == 2
    assert said in from_file.err
    rows = tmp_path / "rows.csv"
    rows.write_text(f"red_flags,itch\nnone,{value}\nnone,3\n")
    batch = run_cli("batch", str(rows), "--format", "csv", "--jobs", "1")
    assert batch.code == 1, "one error row, the rest scored"
    assert said in batch.out.splitlines()[1]
    assert batch.out.splitlines()[2].startswith("2,")
    diary = run_cli("diary", "skin", f"--itch={value}")
    assert diary.code == 2
    assert said in diary.err
    assert not (tmp_path / "diary.sqlite").exists()


@pytest.mark.parametrize("where", ["file", "fhir"])
def test_a_fraction_for_a_whole_number_says_so(run_cli: RunCli, tmp_path: Path, where: str) -> None:
    path = tmp_path / "answers.json"
    if where == "file":
        path.write_text('{"red_flags": ["none"], "itch": 8.0}')
    else:
        flags = ("--no-input", "--red-flags", "none", "--itch", "8", "--format", "fhir")
        document = json.loads(run_cli("assess", *flags).out)
        text = json.dumps(document).replace('"valueInteger": 8', '"valueInteger": 8.0')
        path.write_text(text)
    result = run_cli("report", str(path))
    assert result.code == 2
    assert "8.0" in result.err
    assert "whole number" in result.err
