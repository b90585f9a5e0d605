"""The end of a plain interactive run: an offer to save a report, and Ctrl-C that says what to do.

Run in a real pty, read through a terminal emulator, in a temporary current folder.
"""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

import pytest

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.report_offer import report_path
from tests.conftest import ORDINARY_FLARE
from tests.pty_screen import CTRL_C, ENTER, Terminal

ASKED = "itch"


def _flags(answers: dict[str, object]) -> list[str]:
    return [
        f"--{key.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for key, v in answers.items()
    ]


def _own_words(questionnaire: Questionnaire) -> str:
    return questionnaire.question("anything_else").text


def _run_to_the_offer(
    questionnaire: Questionnaire,
    folder: Path,
    *extra: str,
    columns: int = 80,
    respondent: str = "self",
    age: str = "adult",
) -> Terminal:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != ASKED}
    given.update(respondent=respondent, age_band=age)
    if age not in ("12_to_17", "adult"):
        del given["pregnancy"]  # asked from 12 years of age, whoever answers
    questionnaire = questionnaire.worded_for(given)
    term = Terminal("assess", *_flags(given), *extra, columns=columns, rows=50, cwd=folder)
    term.wait_for(questionnaire.question(ASKED).text)
    term.send("3" + ENTER)
    term.wait_for(_own_words(questionnaire))
    term.send(ENTER)  # nothing to add
    term.wait_for("Review your answers")
    term.send(ENTER)
    term.wait_for("Save this report", "press Enter to skip")
    return term


def _today_name(number: int = 1) -> str:
    day = datetime.date.today().isoformat()
    return (
        f"dupi-triage-report-{day}.html"
        if number == 1
        else f"dupi-triage-report-{day}-{number}.html"
    )


@pytest.mark.parametrize("columns", [40, 80])
def test_y_saves_a_dated_owner_only_html_report_beside_an_older_one_and_shows_its_path(
    questionnaire: Questionnaire, tmp_path: Path, columns: int
) -> None:
    older = tmp_path / _today_name()
    older.write_text("an earlier report")
    with _run_to_the_offer(questionnaire, tmp_path, columns=columns) as term:
        assert _today_name(2) in term.reads(), "the offer names the file before saving"
        term.send("y")
        assert term.finish() == 0
        saved = tmp_path / _today_name(2)
        assert "Saved the report, readable only by you, to:" in term.reads()
        assert str(saved) in "".join(term.text().split()), "the full path, broken by no space"
    assert older.read_text() == "an earlier report", "never overwritten"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    page = saved.read_text()
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "dupi-triage" in page


def test_enter_skips_the_report_and_writes_nothing(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    with _run_to_the_offer(questionnaire, tmp_path) as term:
        term.send(ENTER)
        assert term.finish() == 0
        assert "No report saved" in term.reads()
        assert "answer the questions again" in term.reads(), "the answers are not kept"
    assert list(tmp_path.iterdir()) == []


def test_no_offer_when_the_report_already_goes_to_a_file(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != ASKED}
    with Terminal(
        "assess", *_flags(given), "--output", "mine.md", columns=80, rows=50, cwd=tmp_path
    ) as term:
        term.wait_for(questionnaire.question(ASKED).text)
        term.send("3" + ENTER)
        term.wait_for(_own_words(questionnaire))
        term.send(ENTER)  # nothing to add
        term.wait_for("Review your answers")
        term.send(ENTER)
        assert term.finish() == 0
        assert "Save this report" not in term.reads()
    assert [p.name for p in tmp_path.iterdir()] == ["mine.md"]


def test_ctrl_c_before_any_answer_says_nothing_was_saved_and_suggests_no_command(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    """Answers given before a stop are kept for the next start (test_walk_screen.py); with none
    given there is nothing to keep, and no "dupi-triage ..." that the README's set-up lacks."""
    with Terminal("assess", columns=80, cwd=tmp_path) as term:
        term.wait_for(questionnaire.questions[0].text)
        term.send(CTRL_C)
        assert term.finish() == 130
        assert "Nothing was saved" in term.reads()
        assert "dupi-triage assess" not in term.reads()


def test_the_dated_name_counts_up_past_names_already_taken(tmp_path: Path) -> None:
    day = datetime.date(2026, 3, 4)
    assert report_path(tmp_path, day).name == "dupi-triage-report-2026-03-04.html"
    (tmp_path / "dupi-triage-report-2026-03-04.html").touch()
    (tmp_path / "dupi-triage-report-2026-03-04-2.html").touch()
    assert report_path(tmp_path, day).name == "dupi-triage-report-2026-03-04-3.html"


@pytest.mark.parametrize(
    ("respondent", "age", "prescriber"),
    [("self", "adult", "your prescriber"),
     ("parent_or_carer", "12_to_17", "your child's prescriber"),
     ("parent_or_carer", "adult", "their prescriber"),
     ("clinician", "adult", "the patient's prescriber")],
)  # fmt: skip
def test_the_offer_names_the_prescriber_of_the_person_with_the_rash(
    questionnaire: Questionnaire, tmp_path: Path, respondent: str, age: str, prescriber: str
) -> None:
    with _run_to_the_offer(questionnaire, tmp_path, respondent=respondent, age=age) as term:
        assert f"Save this report to send to {prescriber} or print?" in term.reads()
        term.send(ENTER)
        term.finish()
