"""The diary in a real pseudo-terminal: a check-in by answering questions, and the diary's answers
in the review step of `assess`, where the person can change them."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect
import pytest

from dupi_triage.answers import applicable_questions, parse_answers
from dupi_triage.diary.exchange import checkin_questions
from dupi_triage.questionnaire import Questionnaire
from tests.conftest import ORDINARY_FLARE, RunCli
from tests.test_diary import keep_twelve_weeks
from tests.test_pty import DOWN, ENTER, _json_result, _spawn

SPACE = " "


def _prompt(text: str) -> str:
    """The start of a question as the terminal shows it (before any line wrap)."""
    return text[:30]


def test_a_check_in_is_added_by_answering_the_questionnaires_skin_questions(
    tmp_path: Path, questionnaire: Questionnaire, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = tmp_path / "diary.sqlite"
    expected: dict[str, object] = {}
    child, transcript = _spawn("diary", "skin", env={"DUPI_TRIAGE_DIARY": str(diary)})
    try:
        child.expect_exact("Date")
        child.send(ENTER)  # today
        for question in checkin_questions(questionnaire):
            if question.id == "nights_woken_by_itch" and "itch" in expected:
                continue  # for a child under 6, instead of the itch score: not asked after it
            child.expect_exact(_prompt(question.text))
            if question.type == "multi":
                child.send(DOWN + SPACE + ENTER)  # the second option
                expected[question.id] = [question.options[1].id]
            elif question.type == "single":
                child.send(DOWN + ENTER)
                expected[question.id] = question.options[1].id
            else:
                child.send("6" + ENTER)
                expected[question.id] = 6
        child.expect_exact("Note")
        child.send("itchy cheeks" + ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    assert "Added a skin check-in" in transcript.getvalue()

    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    shown = run_cli("diary", "show", "--format", "json")
    [entry] = json.loads(shown.out)["entries"]
    assert entry["answers"] == expected
    assert entry["note"] == "itchy cheeks"


def test_the_review_shows_the_diarys_answers_and_lets_one_be_changed(
    tmp_path: Path, questionnaire: Questionnaire, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = tmp_path / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    keep_twelve_weeks(run_cli)
    timing = {"onset", "injection_pattern", "dose_paused", "improved_on_pause",
              "returned_on_restart"}  # fmt: skip
    given = {k: v for k, v in ORDINARY_FLARE.items() if k not in timing and k != "itch"}
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(given))

    onset = questionnaire.question("onset")
    ids = list(onset.option_ids)
    changed_to = ids[ids.index("1_to_4_months") + 1]
    review_order = [q.id for q in applicable_questions(
        questionnaire, parse_answers(questionnaire, {**ORDINARY_FLARE, "dose_paused": "yes"})
    )]  # fmt: skip
    child, transcript = _spawn(
        "assess", "--from-diary", "--answers", str(answers_file), "--format", "json",
        env={"DUPI_TRIAGE_DIARY": str(diary)},
    )  # fmt: skip
    try:
        child.expect_exact("From your diary")
        child.expect_exact(_prompt(questionnaire.question("itch").text))
        child.send("7" + ENTER)
        child.expect_exact(_prompt(questionnaire.question("anything_else").text))
        child.send(ENTER)  # nothing to add in the person's own words
        child.expect_exact("Review your answers")
        child.expect_exact("(from your diary)")
        child.send(DOWN * (review_order.index("onset") + 1) + ENTER)
        child.expect_exact(_prompt(onset.text))
        child.send(DOWN + ENTER)  # the next band after the diary's 1 to 4 months
        child.expect_exact("Review your answers")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-3000:]
    shown = transcript.getvalue()
    assert f"{onset.short}: {onset.option('1_to_4_months').label}" in shown
    document = _json_result(shown)
    assert document["answers"]["onset"] == changed_to
    assert document["answers"]["dose_paused"] == "yes"
    assert "onset" not in document["diary"]["used"]
    assert "dose_paused" in document["diary"]["used"]


def test_assess_offers_the_diary_after_the_warning_signs(
    tmp_path: Path, questionnaire: Questionnaire, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = tmp_path / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    keep_twelve_weeks(run_cli)
    timing = {"onset", "injection_pattern", "dose_paused", "improved_on_pause",
              "returned_on_restart"}  # fmt: skip
    given = {k: v for k, v in ORDINARY_FLARE.items() if k not in {*timing, "itch", "red_flags"}}
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(given))
    red_flags = questionnaire.question("red_flags")
    child, transcript = _spawn(
        "assess", "--answers", str(answers_file), "--format", "json",
        env={"DUPI_TRIAGE_DIARY": str(diary)},
    )  # fmt: skip
    try:
        child.expect_exact(_prompt(red_flags.text))
        child.send(DOWN * red_flags.option_ids.index("none") + SPACE + ENTER)
        child.expect_exact("You keep a diary")
        child.send(ENTER)  # yes, the default
        child.expect_exact("From your diary")
        child.expect_exact(_prompt(questionnaire.question("itch").text))
        child.send("7" + ENTER)
        child.expect_exact(_prompt(questionnaire.question("anything_else").text))
        child.send(ENTER)  # nothing to add in the person's own words
        child.expect_exact("Review your answers")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-3000:]
    document = _json_result(transcript.getvalue())
    assert document["answers"]["onset"] == "1_to_4_months"
    assert "onset" in document["diary"]["used"]


def test_edit_on_a_terminal_asks_with_the_entrys_answers_and_delete_asks_first(
    tmp_path: Path, questionnaire: Questionnaire, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = tmp_path / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    assert run_cli("diary", "skin", "--date", "2026-01-10", "--itch", "4").code == 0
    [entry] = json.loads(run_cli("diary", "show", "--format", "json").out)["entries"]
    env = {"DUPI_TRIAGE_DIARY": str(diary)}

    child, transcript = _spawn("diary", "edit", entry["id"][:8], env=env)
    try:
        child.expect_exact("Date")
        child.send(ENTER)  # keeps 2026-01-10
        for question in checkin_questions(questionnaire):
            if question.id == "nights_woken_by_itch":
                continue  # for a child under 6, instead of the itch score: not asked after it
            child.expect_exact(_prompt(question.text))
            if question.id == "itch":
                child.send("\x7f" * 3 + "8" + ENTER)  # was 4
            elif question.type == "single":
                child.send(DOWN * len(question.options) + ENTER)  # Skip
            else:
                child.send(ENTER)  # nothing picked
        child.expect_exact("Note")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    [edited] = json.loads(run_cli("diary", "show", "--format", "json").out)["entries"]
    assert edited["date"] == "2026-01-10"
    assert edited["answers"] == {"itch": 8}

    child, transcript = _spawn("diary", "delete", entry["id"][:8], env=env)
    try:
        child.expect_exact("Delete this check-in on 2026-01-10")
        child.send("y")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    assert json.loads(run_cli("diary", "show", "--format", "json").out)["entries"] == []


def test_the_check_in_at_40_columns_shows_every_option_whole_and_checks_a_date_on_enter(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    """The diary's own prompts are the walk's, fitted to the width: at 40 columns no option is
    cut off at the edge ("Purple or dark red spots, or bruise" lost the rest), and typing
    "yesterday" shows no error at its first letter."""
    from tests.pty_screen import CTRL_C, Terminal, words_whole

    env = {"DUPI_TRIAGE_DIARY": str(tmp_path / "diary.sqlite")}
    with Terminal("diary", "skin", columns=40, rows=60, env=env) as term:
        term.wait_for("Date")
        term.send("yesterda")
        term.settle()
        assert "not a date" not in term.reads()
        term.send("y" + ENTER)
        location, look = checkin_questions(questionnaire)[:2]
        term.wait_for(location.options[-1].label)
        term.settle()
        for option in location.options:
            assert not words_whole(option.label, term.text()), option.label
        term.send(SPACE + ENTER)
        term.wait_for(look.options[-1].label)
        term.settle()
        for option in look.options:
            assert not words_whole(option.label, term.text()), option.label
        term.send(CTRL_C)
        assert term.finish() == 130


def test_the_nights_woken_question_is_asked_only_when_no_itch_score_is_given(
    tmp_path: Path, questionnaire: Questionnaire, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The questionnaire asks nights woken by itch instead of the itch score, for a child under
    6. The diary asks no age: an adult who gave an itch score is not asked the child's question;
    with the itch left empty, the nights are asked, saying what they are for."""
    diary = tmp_path / "diary.sqlite"
    nights = questionnaire.question("nights_woken_by_itch")
    child, transcript = _spawn("diary", "skin", env={"DUPI_TRIAGE_DIARY": str(diary)})
    try:
        child.expect_exact("Date")
        child.send(ENTER)
        for question in checkin_questions(questionnaire):
            if question.id == "nights_woken_by_itch":
                child.expect_exact("instead of the itch score")
                child.send("3" + ENTER)
            elif question.id == "itch":
                child.expect_exact(_prompt(question.text))
                child.send(ENTER)  # left empty: a young child cannot score it
            elif question.type == "multi":
                child.expect_exact(_prompt(question.text))
                child.send(ENTER)
            else:
                child.expect_exact(_prompt(question.text))
                child.send(DOWN * len(question.options) + ENTER)  # Skip
        child.expect_exact("Note")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    [entry] = json.loads(run_cli("diary", "show", "--format", "json").out)["entries"]
    assert entry["answers"] == {nights.id: 3}
