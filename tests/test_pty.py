"""The interactive questionnaire in a real pseudo-terminal, as a person would run it."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from dupi_triage.questionnaire_loader import load_questionnaire
from tests.conftest import CURRENT_VERSION, PROJECT_ROOT

# Its opening words, from the data: wording may change, the question stays.
# The last, optional question (the person's own words): Enter alone skips it.
OWN_WORDS = load_questionnaire().question("anything_else").text
INJECTION_QUESTION = " ".join(load_questionnaire().question("injection_pattern").text.split()[:5])

DOWN = "\x1b[B"
ENTER = "\r"
TIMEOUT = 90  # an upper bound only: every step waits for what the screen shows

# Everything but the itch and its effect on daily life, given as flags.
GIVEN = {
    "--red-flags": "none",
    "--respondent": "self",
    "--age-band": "adult",
    "--indication": "atopic-dermatitis",
    "--pregnancy": "neither",
    "--onset": "1-to-4-months",
    "--treatment-duration": "4-to-12-months",
    "--injection-pattern": "no",
    "--location": "face-neck",
    "--look": "redness-no-scaling",
    "--other-symptoms": "none",
    "--dose-paused": "no",
    "--usual-treatment-helps": "partly",
    "--overall-course": "better",
    "--alternative-causes": "none",
    "--similar-before": "no",
    "--confirmed-by-clinician": "no",
    "--risk-factors": "none",
}
ABOUT_FLAGS = [
    *("--respondent", "self", "--age-band", "adult"),
    *("--indication", "atopic-dermatitis", "--pregnancy", "neither"),
]
GIVEN_QUESTION_TEXTS = [
    "have any of these warning signs right now?",
    "When did this new or worse rash start?",
    "Where is the rash?",
    "What does the rash look like?",
    "has a dose been delayed or paused",
    "Do your usual eczema treatments",
    "Has anything else changed recently",
]


def _spawn(*args: str, env: dict[str, str] | None = None) -> tuple[Any, io.StringIO]:
    transcript = io.StringIO()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env = {**base, "TERM": "xterm", "COLUMNS": "100", "LINES": "40", **(env or {})}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dupi_triage", *args],
        env=env,
        cwd=str(PROJECT_ROOT),
        dimensions=(40, 100),
        encoding="utf-8",
        codec_errors="replace",
        timeout=TIMEOUT,
    )
    child.logfile_read = transcript
    return child, transcript


def _json_result(transcript: str) -> dict[str, Any]:
    start = transcript.rfind('"tool": "dupi-triage"')
    assert start != -1, transcript[-2000:]
    start = transcript.rfind("{", 0, start)
    document, _ = json.JSONDecoder().raw_decode(transcript[start:].replace("\r\n", "\n"))
    assert isinstance(document, dict)
    return document


def test_flags_are_not_asked_again_and_typed_answers_reach_the_json_result() -> None:
    flags = [part for pair in GIVEN.items() for part in pair]
    child, transcript = _spawn("assess", "--format", "json", *flags)
    try:
        child.expect("How bad was the itch")
        child.send("8" + ENTER)
        child.expect("affecting your sleep or daily life")
        child.send(DOWN + ENTER)  # "Somewhat"
        child.expect(OWN_WORDS)
        child.send(ENTER)  # nothing to add
        child.expect("Review your answers")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]

    shown = transcript.getvalue()
    asked = shown[: shown.rfind('"tool": "dupi-triage"')]
    for text in GIVEN_QUESTION_TEXTS:
        assert text not in asked, f"asked again: {text!r}"

    document = _json_result(shown)
    assert document["answers"]["itch"] == 8
    assert document["answers"]["impact"] == "some"
    assert document["answers"]["onset"] == "1_to_4_months"
    assert document["answers"]["location"] == ["face_neck"]
    assert document["missing"] == []
    assert document["level"] == "soon"
    assert document["pattern"] == "facial_redness"


def test_ctrl_c_stops_with_exit_code_130_and_says_nothing_was_saved() -> None:
    child, transcript = _spawn("assess")
    try:
        child.expect("warning signs")
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, transcript.getvalue()[-2000:]
    assert "Stopped" in transcript.getvalue()
    assert "Traceback" not in transcript.getvalue()


@pytest.mark.parametrize("flag", ["breathing-or-swelling", "faint-or-widespread-hives"])
def test_an_emergency_flag_shows_the_emergency_advice_before_any_question(flag: str) -> None:
    child, transcript = _spawn("assess", "--red-flags", flag, "--no-color")
    try:
        child.expect("emergency number now")
        child.expect("Stop here")
        child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    shown = transcript.getvalue()
    assert "When did this new or worse rash start?" not in shown
    assert "EMERGENCY" in shown


def test_ctrl_c_with_save_answers_keeps_the_answers_so_far_for_the_owner_only(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "answers.json"
    child, transcript = _spawn(
        "assess",
        "--save-answers",
        str(saved),
        "--red-flags",
        "none",
        "--onset",
        "unsure",
        "--treatment-duration",
        "under-4-months",
        *ABOUT_FLAGS,
    )
    try:
        child.expect(INJECTION_QUESTION)
        child.send(DOWN + ENTER)  # injection_pattern: no
        child.expect("Where is the rash")
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130, transcript.getvalue()[-2000:]
    assert json.loads(saved.read_text()) == {
        "questionnaire_version": CURRENT_VERSION,
        "red_flags": ["none"],
        "respondent": "self",
        "age_band": "adult",
        "indication": "atopic_dermatitis",
        "pregnancy": "neither",
        "onset": "unsure",
        "treatment_duration": "under_4_months",
        "injection_pattern": "no",
    }
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "--answers" in " ".join(transcript.getvalue().split())


def _colour_codes(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"\x1b\[([0-9;]*)m", text):
        params = [int(p) for p in match.group(1).split(";") if p]
        if any(30 <= p <= 38 or 40 <= p <= 48 or 90 <= p <= 97 or 100 <= p <= 107 for p in params):
            found.append(match.group(0))
    return found


def _answer_itch_and_accept(*args: str, env: dict[str, str] | None = None) -> str:
    flags = [part for pair in GIVEN.items() for part in pair]
    child, transcript = _spawn("assess", *flags, "--impact", "some", *args, env=env)
    try:
        child.expect("How bad was the itch")
        child.send("5" + ENTER)
        child.expect(OWN_WORDS)
        child.send(ENTER)  # nothing to add
        child.expect("Review your answers")
        child.send(ENTER)
        child.expect("Save this report")
        child.send(ENTER)  # skip the report file
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    return transcript.getvalue()


def test_the_questions_are_in_colour_on_a_colour_terminal() -> None:
    assert _colour_codes(_answer_itch_and_accept())


def test_no_color_removes_colour_from_the_questions_and_the_summary() -> None:
    shown = _answer_itch_and_accept(env={"NO_COLOR": "1"})
    assert _colour_codes(shown) == []
    assert "SOON" in shown


def test_the_no_color_flag_removes_colour_from_the_questions_too() -> None:
    assert _colour_codes(_answer_itch_and_accept("--no-color")) == []
