"""The interactive questionnaire in a real pseudo-terminal, as a person would run it."""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any

import pexpect
import pytest

from tests.conftest import PROJECT_ROOT

DOWN = "\x1b[B"
ENTER = "\r"
TIMEOUT = 20

# Everything but the itch and its effect on daily life, given as flags.
GIVEN = {
    "--red-flags": "none",
    "--onset": "1-to-4-months",
    "--injection-pattern": "no",
    "--location": "face-neck",
    "--look": "redness-no-scaling",
    "--dose-paused": "no",
    "--usual-treatment-helps": "partly",
    "--alternative-causes": "none",
    "--similar-before": "no",
    "--confirmed-by-clinician": "no",
    "--risk-factors": "none",
}
GIVEN_QUESTION_TEXTS = [
    "Do you have any of these warning signs right now?",
    "When did this new or worse rash start?",
    "Where is the rash?",
    "What does the rash look like?",
    "has a dose been delayed or paused",
    "Do your usual eczema treatments",
    "Has anything else changed recently",
]


def _spawn(*args: str) -> tuple[Any, io.StringIO]:
    transcript = io.StringIO()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    env.pop("NO_COLOR", None)
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
