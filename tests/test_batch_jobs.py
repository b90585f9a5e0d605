"""Batch on several cores gives the very bytes one core gives, in input order, bad rows included."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from dupi_triage.questionnaire import NONE_OPTION
from dupi_triage.questionnaire_loader import load_questionnaire
from tests.conftest import PROJECT_ROOT, RunCli

QUESTIONNAIRE = load_questionnaire()
BAD_ROWS = [
    '{"itch": 1, "itch": 9}',
    '{"itch": NaN}',
    '["none"]',
    "{not json",
    '{"favourite_colour": "red"}',
    "",
]


def generated_rows(count: int, seed: int = 13) -> list[str]:
    """Answer sets drawn from the questionnaire data, with a bad row now and then."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        if rng.random() < 0.05:
            rows.append(rng.choice(BAD_ROWS))
            continue
        row: dict[str, object] = {}
        for question in QUESTIONNAIRE:
            if rng.random() < 0.2 or (question.when and question.when.state(row) is not True):
                continue
            if question.type == "integer":
                assert question.min is not None
                assert question.max is not None
                row[question.id] = rng.randint(question.min, question.max)
            elif question.type == "single":
                row[question.id] = rng.choice(question.option_ids)
            elif question.type == "text":
                row[question.id] = rng.choice(["", "since the new cream", "<b>x</b> [y]"])
            else:
                others = [o for o in question.option_ids if o != NONE_OPTION]
                chosen = rng.sample(others, rng.randint(1, min(3, len(others))))
                row[question.id] = [NONE_OPTION] if rng.random() < 0.3 else chosen
        rows.append(json.dumps(row))
    return rows


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dupi_triage", "batch", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_two_processes_write_what_one_writes_byte_for_byte(fmt: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(generated_rows(3000)) + "\n")
    one = run(str(source), "--format", fmt, "--jobs", "1")
    two = run(str(source), "--format", fmt, "--jobs", "2")
    assert one.returncode == two.returncode == 1  # some rows are bad on purpose
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    assert len(one.stdout.splitlines()) >= 2900


def test_two_processes_read_csv_and_standard_input_in_order(tmp_path: Path) -> None:
    rows = generated_rows(600)
    one = run("-", "--jobs", "1", stdin="\n".join(rows))
    two = run("-", "--jobs", "2", stdin="\n".join(rows))
    assert two.stdout == one.stdout
    numbers = [json.loads(line)["row"] for line in two.stdout.splitlines()]
    assert numbers == sorted(numbers)


def test_the_default_is_the_cores_available_and_gives_the_same_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(generated_rows(500)) + "\n")
    assert run(str(source)).stdout == run(str(source), "--jobs", "1").stdout


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "100000"])
def test_a_bad_number_of_jobs_is_one_line_naming_the_allowed_range(
    value: str, run_cli: RunCli, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"red_flags": ["none"]}\n')
    result = run_cli("batch", str(source), "--jobs", value)
    assert result.code == 2
    assert result.err.startswith("dupi-triage: error: --jobs:")
    assert "allowed: 1 to" in result.err
    assert len(result.err.strip().splitlines()) == 1
