"""Stopping at any prompt, and odd terminals, in a real pseudo-terminal (pexpect).

A person who presses Ctrl-C or Ctrl-D gets exit code 130, one calm line, no traceback and no
half-written report; with --save-answers the answers so far are kept and a later run asks only
what is left.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import signal
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

CTRL_C = "\x03"
CTRL_D = "\x04"
ENTER = "\r"
SPACE = " "
TIMEOUT = 90  # an upper bound only: every step waits for what the screen shows
FIRST_QUESTION = "have any of these warning signs"
# Who is answering, given as flags, so a walk goes from the warning signs to the timing questions.
ABOUT = ["--respondent", "self", "--age-band", "adult", "--indication", "atopic-dermatitis",
         "--pregnancy", "neither"]  # fmt: skip
ABOUT_ANSWERS = {"respondent": "self", "age_band": "adult", "indication": "atopic_dermatitis",
                 "pregnancy": "neither"}  # fmt: skip


def spawn(
    *args: str, term: str = "xterm", size: tuple[int, int] = (30, 100)
) -> tuple[Any, io.StringIO]:
    transcript = io.StringIO()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dupi_triage", *args],
        env={**env, "TERM": term},
        cwd=str(PROJECT_ROOT),
        dimensions=size,
        encoding="utf-8",
        codec_errors="replace",
        timeout=TIMEOUT,
    )
    child.logfile_read = transcript
    return child, transcript


def finish(child: Any) -> int:
    child.expect(pexpect.EOF)
    child.close()
    status: int = child.exitstatus
    return status


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_stopping_at_the_first_prompt_exits_130_calmly_and_writes_no_report(
    key: str, tmp_path: Path
) -> None:
    report = tmp_path / "report.md"
    child, transcript = spawn("assess", "--output", str(report))
    child.expect(FIRST_QUESTION)
    child.send(key)
    assert finish(child) == 130
    text = transcript.getvalue()
    assert "Traceback" not in text
    assert "Stopped. Nothing was saved." in text
    assert not report.exists()
    assert list(tmp_path.iterdir()) == [], "no temporary file left behind either"


def test_stopping_in_the_middle_saves_the_answers_so_far_and_a_later_run_resumes(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "answers.json"
    report = tmp_path / "report.txt"
    child, transcript = spawn(
        "assess", *ABOUT, "--save-answers", str(saved), "--output", str(report)
    )
    child.expect(FIRST_QUESTION)
    child.send("\x1b[A" + SPACE + ENTER)  # up from the first option wraps to "None of these"
    child.expect("When did this new or worse rash start")
    child.send("1" + ENTER)  # It was there before I started dupilumab, as usual
    child.expect("been on dupilumab")
    child.send("1" + ENTER)  # less than 4 months
    child.expect(INJECTION_QUESTION)
    child.send(CTRL_C)
    assert finish(child) == 130
    text = transcript.getvalue()
    assert "Traceback" not in text
    assert f"saved in:\r\n'{saved}'\r\n" in text, "the file on a line of its own, whole"
    assert not report.exists()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    partial = json.loads(saved.read_text())
    assert partial["onset"] == "before_starting"
    assert partial["red_flags"] == ["none"]

    resumed, resumed_transcript = spawn("assess", "--answers", str(saved), "--format", "json")
    resumed.expect(INJECTION_QUESTION)
    resumed.send(CTRL_C)
    assert finish(resumed) == 130
    assert FIRST_QUESTION not in resumed_transcript.getvalue(), (
        "answered questions are not asked again"
    )


def test_a_terminal_resized_or_too_small_mid_questionnaire_does_not_crash() -> None:
    child, transcript = spawn("assess", *ABOUT, "--red-flags", "none", "--format", "json")
    child.expect("When did this new or worse rash start")
    child.setwinsize(6, 20)
    child.send("\x1b[B")
    child.setwinsize(2, 10)
    child.send("\x1b[A")
    child.setwinsize(50, 200)
    child.send(ENTER)
    child.expect("been on dupilumab")
    child.setwinsize(3, 15)
    child.send(CTRL_C)
    assert finish(child) == 130
    assert "Traceback" not in transcript.getvalue()


def test_a_dumb_terminal_can_still_answer_and_gets_plain_text(tmp_path: Path) -> None:
    answers = {
        "red_flags": ["none"], **ABOUT_ANSWERS, "onset": "before_starting",
        "injection_pattern": "no",
        "treatment_duration": "over_12_months", "other_symptoms": ["none"],
        "overall_course": "better",
        "location": ["usual_eczema_areas"], "look": ["typical_eczema"], "impact": "some",
        "dose_paused": "no", "usual_treatment_helps": "yes", "alternative_causes": ["none"],
        "similar_before": "no", "confirmed_by_clinician": "no", "risk_factors": ["none"],
    }  # fmt: skip
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps(answers))
    child, transcript = spawn("assess", "--answers", str(saved), term="dumb")
    child.expect("How bad was the itch")
    child.send("4" + ENTER)
    child.expect(OWN_WORDS)
    child.send(ENTER)  # nothing to add
    child.expect("Review your answers")
    child.send(ENTER)
    child.expect("Save this report")
    child.send(ENTER)  # skip the report file
    assert finish(child) == 0
    text = transcript.getvalue()
    assert "How soon: ROUTINE." in text
    start = text.index("dupi-triage summary")
    # The summary ends where the report offer's prompt starts (bracketed paste switched on).
    summary = text[start : text.index("\x1b[?2004h", start)]
    assert "\x1b[" not in summary, "the summary on a dumb terminal has no escape codes"
    assert "╭" not in summary


def test_ctrl_c_while_batch_waits_for_input_says_so_calmly_and_exits_130() -> None:
    child, transcript = spawn("batch", "-")
    child.send('{"red_flags": ["none"]}\r')
    child.expect('"row":1')  # scoring has started: the next key is Ctrl-C
    child.sendintr()
    assert finish(child) == 130
    assert "stopped" in transcript.getvalue()
    assert "Traceback" not in transcript.getvalue()


def test_sigterm_mid_batch_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    child, _ = spawn("batch", "-", "--output", str(out))
    child.send('{"red_flags": ["none"]}\r')
    child.expect("Scoring")  # the progress bar: rows are being written to the temporary file
    child.kill(15)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None, "SIGTERM is handled, not fatal"
    assert child.exitstatus == 143
    assert list(tmp_path.iterdir()) == [], "no results file and no temporary file"


def test_sighup_mid_batch_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    child, _ = spawn("batch", "-", "--output", str(out))
    child.send('{"red_flags": ["none"]}\r')
    child.expect("Scoring")  # the progress bar: rows are being written to the temporary file
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None, "SIGHUP is handled, not fatal"
    assert child.exitstatus == 128 + signal.SIGHUP
    assert list(tmp_path.iterdir()) == [], "no results file and no temporary file"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_hangup_or_kill_at_a_prompt_keeps_the_answers_like_ctrl_c(
    signum: int, tmp_path: Path
) -> None:
    saved = tmp_path / "answers.json"
    child, transcript = spawn("assess", *ABOUT, "--save-answers", str(saved), "--red-flags", "none")
    child.expect("When did this new or worse rash start")
    child.send("1" + ENTER)  # It was there before I started dupilumab, as usual
    child.expect("been on dupilumab")
    child.kill(signum)
    assert finish(child) == 128 + signum
    assert "Traceback" not in transcript.getvalue()
    assert json.loads(saved.read_text()) == {
        "questionnaire_version": CURRENT_VERSION,
        "red_flags": ["none"],
        **ABOUT_ANSWERS,
        "onset": "before_starting",
    }
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_the_resume_hint_is_quoted_for_the_shell(tmp_path: Path) -> None:
    saved = tmp_path / "my answers;$(id).json"
    child, transcript = spawn("assess", *ABOUT, "--save-answers", str(saved), "--red-flags", "none")
    child.expect("When did this new or worse rash start")
    child.send(CTRL_C)
    assert finish(child) == 130
    shown = " ".join(transcript.getvalue().split())
    assert f"--answers {shlex.quote(str(saved))} --save-answers {shlex.quote(str(saved))}" in shown
    assert saved.exists()


def test_ctrl_c_while_two_processes_wait_for_input_says_so_calmly_and_exits_130() -> None:
    child, transcript = spawn("batch", "-", "--jobs", "2")
    child.send('{"red_flags": ["none"]}\r')
    child.expect('"row":1')  # the workers have scored the first row: the next key is Ctrl-C
    child.sendintr()
    assert finish(child) == 130
    assert "stopped" in transcript.getvalue()
    assert "Traceback" not in transcript.getvalue()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_kill_mid_batch_on_two_processes_leaves_no_partial_file(
    signum: int, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    child, transcript = spawn("batch", "-", "--output", str(out), "--jobs", "2")
    child.send('{"red_flags": ["none"]}\r')
    child.expect("Scoring")
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None, "the signal is handled, not fatal"
    assert child.exitstatus == 128 + signum
    assert list(tmp_path.iterdir()) == [], "no results file and no temporary file"
    assert "Traceback" not in transcript.getvalue()


def test_a_hangup_as_a_prompt_closes_is_raised_after_it_not_lost() -> None:
    """The signal handler schedules the raise on the prompt's event loop; a signal on the loop's
    last pass would be dropped with the loop, so the prompt's caller raises it afterwards."""
    import asyncio

    from dupi_triage import signals

    loop = asyncio.new_event_loop()

    def last_pass() -> None:
        signals._unwind(signal.SIGTERM, None)  # what the handler does while a prompt runs
        loop.stop()  # ...on the loop's last pass: the scheduled raise never runs

    try:
        loop.call_soon(last_pass)
        loop.run_forever()
    finally:
        loop.close()
    with pytest.raises(signals.Terminated) as raised:
        signals.raise_pending()
    assert raised.value.exit_code == 128 + signal.SIGTERM
    signals.raise_pending()  # raised once, then cleared


def test_ctrl_c_while_the_program_is_still_starting_is_one_calm_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during the imports (Typer's, ours: tens of milliseconds, longer on a cold disk)
    ends as Ctrl-C anywhere else does: one line, status 130, no traceback."""
    import importlib.abc
    import sys

    from dupi_triage import __main__ as program

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "dupi_triage.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "dupi_triage.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert program.main() == 130
    assert capsys.readouterr().err.strip() == "dupi-triage: stopped. Nothing was saved."
