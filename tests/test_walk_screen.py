"""The moment of need on a real terminal (issue 19), read as the screen a person sees (pyte).

Enter too soon, Esc to go back, Ctrl-C and a closed window, a save that fails at the end, a
number to change, a window resized mid-question: at 40, 80 and 100 columns. A wait for something
the old code never drew fails within FAIL_FAST rather than the general time-out.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import stat
import sys
from pathlib import Path

import pytest

from dupi_triage.answers import parse_answers
from dupi_triage.prompt_kit import NOTHING_BEFORE, PICK_FIRST
from dupi_triage.questionnaire import Questionnaire
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT
from tests.pty_screen import CTRL_C, DOWN, ENTER, SPACE, UP, Terminal, flat, words_whole

WIDTHS = [40, 80, 100]
ESC = "\x1b"
FAIL_FAST = 30.0
ABOUT = ["--red-flags", "none", "--respondent", "self", "--age-band", "adult",
         "--indication", "atopic-dermatitis", "--pregnancy", "neither"]  # fmt: skip
KEPT = "answers-so-far.json"


def _region(term: Terminal) -> str:
    """The current question as drawn: its progress line and help, if any, then the "? " line
    and everything below it."""
    lines = term.lines()
    asked = [i for i, line in enumerate(lines) if line.startswith("? ")]
    start = asked[-1] if asked else 0
    progress = [i for i, line in enumerate(lines[:start]) if line.startswith("Question ")]
    if progress and not any(progress[-1] < i < start for i in asked) and start - progress[-1] < 12:
        start = progress[-1]
    return "\n".join(lines[start:])


def _wait_in_region(term: Terminal, *texts: str, timeout: float = 90.0) -> None:
    wanted = [flat(text) for text in texts]
    term.wait_until(
        lambda: all(w in flat(_region(term)) for w in wanted), " + ".join(texts), timeout
    )


def _kept_file(state: Path) -> Path:
    return state / "dupi-triage" / KEPT


def _flags(answers: dict[str, object]) -> list[str]:
    return [
        f"--{key.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for key, v in answers.items()
    ]


# --- Enter on an option nobody moved to (issue 19 item 2) ---------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_enter_on_an_untouched_choice_says_how_to_pick_and_records_nothing(
    questionnaire: Questionnaire, columns: int, state_folder: Path
) -> None:
    respondent, age = questionnaire.question("respondent"), questionnaire.question("age_band")
    with Terminal("assess", "--red-flags", "none", columns=columns, rows=40) as term:
        _wait_in_region(term, respondent.text)
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, PICK_FIRST, timeout=FAIL_FAST)
        assert not words_whole(PICK_FIRST, _region(term)), term.text()
        assert age.text not in term.reads(), "Enter alone answered the question"
        term.send("1")  # I am the person with the rash
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, age.text, "6 to 11 years")
        term.settle()
        term.send(ENTER)  # the pointer starts on "6 to 11 years": an adult must not get that
        _wait_in_region(term, PICK_FIRST, timeout=FAIL_FAST)
        term.send(CTRL_C)
        assert term.finish() == 130
    kept = json.loads(_kept_file(state_folder).read_text())
    assert kept["respondent"] == "self"
    assert "age_band" not in kept


# --- Esc goes back (item 3) ---------------------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_esc_goes_back_one_question_with_its_answer_and_the_key_help_says_so(
    questionnaire: Questionnaire, columns: int
) -> None:
    onset, duration = questionnaire.question("onset"), questionnaire.question("treatment_duration")
    with Terminal("assess", *ABOUT, columns=columns, rows=40) as term:
        _wait_in_region(term, onset.text, "Question 6 of")
        term.settle()
        assert "Esc goes back" not in flat(_region(term)), "nothing is asked before this one"
        term.send(ESC)  # at the first question asked: nothing harmful, and it says so
        _wait_in_region(term, NOTHING_BEFORE, timeout=FAIL_FAST)
        term.send("3")  # 1 to 4 months
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, duration.text, "Question 7 of", "Esc goes back.")
        term.settle()
        term.send(ESC)
        _wait_in_region(term, onset.text, "Question 6 of", timeout=FAIL_FAST)
        term.settle()
        pointed = [line for line in _region(term).splitlines() if line.startswith(" » ")]
        assert pointed, term.text()
        assert "1 to 4 months" in pointed[0], "its answer is pointed at"
        term.send(ENTER)  # keeps it
        _wait_in_region(term, duration.text, "Question 7 of")
        term.send(CTRL_C)
        assert term.finish() == 130


# --- Ctrl-C, a closed window: the answers are kept (item 4) -------------------------------------


def _answer_two_then_stop(term: Terminal, questionnaire: Questionnaire) -> None:
    none = questionnaire.question("red_flags").option_ids.index("none")
    term.wait_for(questionnaire.question("red_flags").text)
    term.send(DOWN * none + SPACE)
    term.settle()
    term.send(ENTER)
    _wait_in_region(term, questionnaire.question("respondent").text)
    term.send("1")
    term.settle()
    term.send(ENTER)
    _wait_in_region(term, questionnaire.question("age_band").text)
    term.send(CTRL_C)


def _printed_command(term: Terminal) -> str:
    lines = term.lines()
    at = next(i for i, line in enumerate(lines) if "To carry on where you stopped" in line)
    return lines[at + 1].strip()


def test_ctrl_c_keeps_the_answers_owner_only_and_the_command_it_prints_carries_on(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    """Run as the README sets it up (.venv/bin/dupi-triage, not on the PATH): the command
    printed after Ctrl-C runs as printed, and offers to carry on."""
    script = Path(sys.executable).parent / "dupi-triage"
    typed = os.path.relpath(script, PROJECT_ROOT)
    bare_path = {"PATH": "/usr/bin:/bin"}
    shell = ["/bin/bash", "-c"]
    with Terminal(command=[*shell, shlex.quote(typed)], env=bare_path, columns=80) as term:
        _answer_two_then_stop(term, questionnaire)
        assert term.finish() == 130
        kept = _kept_file(state_folder)
        assert str(kept) in "".join(term.text().split()), "the full path, broken by no space"
        printed = _printed_command(term)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert json.loads(kept.read_text()) == {
        "questionnaire_version": questionnaire.version,
        "red_flags": ["none"],
        "respondent": "self",
    }
    if shutil.which("dupi-triage", path=bare_path["PATH"]) is None:
        assert printed == shlex.quote(typed), "the command as the person typed it"
    with Terminal(command=[*shell, printed], env=bare_path, columns=80) as term:
        _wait_in_region(term, "You stopped part way through", "Carry on from there?")
        term.send(ENTER)  # carry on
        # The warning signs are about right now: asked again; the rest is kept.
        term.wait_for(questionnaire.question("red_flags").text, "1 question already answered")
        term.send(CTRL_C)
        assert term.finish() == 130


def test_run_as_python_m_the_printed_command_is_python_m_and_start_again_clears(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    with Terminal("assess", columns=100) as term:
        _answer_two_then_stop(term, questionnaire)
        assert term.finish() == 130
        printed = _printed_command(term)
    assert shlex.split(printed) == [sys.executable, "-m", "dupi_triage"]
    with Terminal(command=shlex.split(printed), columns=100) as term:
        _wait_in_region(term, "Carry on from there?")
        term.send("2")  # start again
        term.settle()
        term.send(ENTER)
        term.wait_for(questionnaire.question("red_flags").text, "Question 1 of")
        assert not _kept_file(state_folder).exists(), "starting again deletes them"
        term.send(CTRL_C)
        term.finish()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_closed_window_or_sigterm_keeps_the_answers_too(
    questionnaire: Questionnaire, signum: int, state_folder: Path
) -> None:
    with Terminal("assess", *ABOUT, columns=80) as term:
        _wait_in_region(term, questionnaire.question("onset").text)
        term.send("2")
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, questionnaire.question("treatment_duration").text)
        term.child.kill(signum)
        assert term.finish() == 128 + signum
    kept = json.loads(_kept_file(state_folder).read_text())
    assert kept["onset"] == "within_4_weeks"


def test_a_run_that_finishes_clears_the_answers_it_carried_on_from(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    kept = _kept_file(state_folder)
    kept.parent.mkdir(mode=0o700, parents=True)
    everything = {k: v for k, v in ORDINARY_FLARE.items() if k != "impact"}
    kept.write_text(json.dumps({**everything, "anything_else": ""}))
    kept.chmod(0o600)
    none = questionnaire.question("red_flags").option_ids.index("none")
    with Terminal("assess", "--format", "json", columns=80) as term:
        _wait_in_region(term, "Carry on from there?")
        term.send(ENTER)
        term.wait_for(questionnaire.question("red_flags").text)
        term.send(DOWN * none + SPACE)
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, questionnaire.question("impact").text)
        term.send("2")
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, "Review your answers")
        term.send(ENTER)
        assert term.finish() == 0
    assert not kept.exists()


@pytest.mark.parametrize("attack", ["others_can_write", "a_symlink", "another_owner"])
def test_answers_are_never_kept_where_another_user_could_read_or_plant_them(
    questionnaire: Questionnaire, state_folder: Path, tmp_path: Path, attack: str
) -> None:
    folder = state_folder / "dupi-triage"
    folder.mkdir(parents=True)
    elsewhere = tmp_path / "theirs.json"
    elsewhere.write_text("theirs")
    if attack == "others_can_write":
        folder.chmod(0o777)
    elif attack == "a_symlink":
        folder.chmod(0o700)
        (folder / KEPT).symlink_to(elsewhere)
    else:
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        os.chown(folder, 65534, 65534)
    with Terminal("assess", columns=80) as term:
        _answer_two_then_stop(term, questionnaire)
        assert term.finish() == 130
        assert "could not be kept" in term.reads()
        assert "kept, readable only by you" not in term.reads()
    assert elsewhere.read_text() == "theirs"
    if attack != "a_symlink":
        assert not (folder / KEPT).exists()


# --- a save that fails at the end (issue 20 item 12) ---------------------------------------------


def _answer_impact_and_finish(term: Terminal, questionnaire: Questionnaire) -> str:
    """Somewhat; nothing to add; the review accepted: the run ends, not saved (exit 2)."""
    term.send("2")
    term.settle()
    term.send(ENTER)
    term.wait_for(questionnaire.question("anything_else").text)
    term.send(ENTER)
    _wait_in_region(term, "Review your answers")
    term.send(ENTER)
    assert term.finish() == 2
    return term.reads()


def test_a_save_that_fails_at_the_end_still_shows_the_summary_and_keeps_the_answers(
    questionnaire: Questionnaire, tmp_path: Path, state_folder: Path
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "impact"}
    flags = _flags(given)
    with Terminal(
        "assess", *flags, "--save-answers", str(gone / "a.json"), columns=80, rows=200
    ) as term:
        _wait_in_region(term, questionnaire.question("impact").text)
        gone.rmdir()  # the folder is deleted while the person answers
        shown = _answer_impact_and_finish(term, questionnaire)
    assert "How soon" in shown, "the summary is shown"
    assert "Not saved: --save-answers" in shown
    kept = _kept_file(state_folder)
    assert str(kept) in "".join(shown.split())
    assert json.loads(kept.read_text())["impact"] == "some"


def test_a_full_standard_output_at_the_end_still_writes_the_report_and_keeps_the_answers(
    questionnaire: Questionnaire, tmp_path: Path, state_folder: Path
) -> None:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "impact"}
    report = tmp_path / "report.html"
    line = shlex.join(
        [sys.executable, "-m", "dupi_triage", "assess", *_flags(given),
         "--save-answers", "-", "--output", str(report)]
    )  # fmt: skip
    with Terminal(command=["/bin/bash", "-c", f"{line} >/dev/full"], columns=80, rows=200) as term:
        _wait_in_region(term, questionnaire.question("impact").text)
        shown = _answer_impact_and_finish(term, questionnaire)
    assert "How soon" in shown, "the summary is shown where the questions were"
    assert "cannot write (No space left on device)" in shown
    assert report.exists()
    assert json.loads(_kept_file(state_folder).read_text())["impact"] == "some"


# --- a number already given (item 5) ------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 80])
def test_a_number_given_before_is_replaced_by_typing_not_added_to(
    questionnaire: Questionnaire, tmp_path: Path, columns: int
) -> None:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "impact"} | {"itch": 5}
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({**given, "anything_else": ""}))
    order = [
        q.id
        for q in questionnaire
        if q.when is None or q.when.state(dict(parse_answers(questionnaire, given).values))
    ]
    with Terminal("assess", "--answers", str(answers), columns=columns, rows=50) as term:
        _wait_in_region(term, questionnaire.question("impact").text)
        term.send("2")
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, "Review your answers")
        term.send(DOWN * (order.index("itch") + 1))
        term.settle()
        term.send(ENTER)
        _wait_in_region(term, "Enter keeps 5", timeout=FAIL_FAST)
        term.send("6")
        term.settle()
        typed = [line for line in _region(term).splitlines() if line][-1]
        assert typed.endswith("6"), term.text()
        assert not typed.endswith("56"), "typed onto the old value"
        term.send(ENTER)
        _wait_in_region(term, "Review your answers")
        term.send(DOWN * (order.index("itch") + 1))
        _wait_in_region(term, "Worst itch in the last 24 hours: 6 out of 10")
        term.send(CTRL_C)
        term.finish()


# --- a window resized mid-question (item 8) -----------------------------------------------------


@pytest.mark.parametrize(("before", "after"), [(80, 40), (100, 40), (40, 100)])
def test_a_window_resized_mid_question_redraws_it_whole_at_the_new_width(
    questionnaire: Questionnaire, before: int, after: int
) -> None:
    onset = questionnaire.question("onset")
    long_label = onset.option("after_4_months").label
    with Terminal("assess", *ABOUT, columns=before, rows=40) as term:
        _wait_in_region(term, onset.text)
        term.settle()
        term.resize(after)
        term.settle(0.6)
        region = _region(term)
        texts = [onset.help, onset.text, *(o.label for o in onset.options), onset.options[0].help]
        for text in texts:
            assert not words_whole(text, region), f"cut at {after} columns:\n{term.text()}"
            assert flat(text) in flat(region), f"not redrawn whole:\n{term.text()}"
        if after > before:
            assert any(long_label in line for line in region.splitlines()), (
                f"still wrapped at {before} columns:\n{term.text()}"
            )
        term.send(UP + DOWN + ENTER)
        _wait_in_region(term, questionnaire.question("treatment_duration").text)
        term.send(CTRL_C)
        assert term.finish() == 130


@pytest.mark.parametrize("planted", ["in_a_folder_others_can_write", "a_fifo", "a_symlink"])
def test_kept_answers_another_user_could_have_planted_are_not_offered(
    questionnaire: Questionnaire, state_folder: Path, tmp_path: Path, planted: str
) -> None:
    folder = state_folder / "dupi-triage"
    folder.mkdir(parents=True, mode=0o700)
    kept = folder / KEPT
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps({"red_flags": ["none"], "respondent": "clinician"}))
    if planted == "in_a_folder_others_can_write":
        kept.write_text(theirs.read_text())
        folder.chmod(0o777)
    elif planted == "a_fifo":
        os.mkfifo(kept)
    else:
        kept.symlink_to(theirs)
    with Terminal("assess", columns=80) as term:
        term.wait_for(questionnaire.question("red_flags").text, "Question 1 of")
        assert "Answers kept by an earlier run are not used" in term.reads()
        assert "Carry on from there?" not in term.reads()
        term.send(CTRL_C)
        term.finish()


def test_the_offer_to_carry_on_counts_what_is_carried_and_kept_warning_signs_alone_are_not_offered(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    """The warning signs are asked again on carrying on, so they are not counted: the offer and
    the walk say the same number. Kept warning signs alone leave nothing to carry on."""
    from dupi_triage import resume

    kept = {"red_flags": ["none"], "respondent": "self", "age_band": "adult"}
    resume.keep(questionnaire, parse_answers(questionnaire, kept))
    with Terminal("assess", columns=80) as term:
        _wait_in_region(term, "with 2 questions answered", "Carry on from there?")
        term.send(ENTER)
        term.wait_for(questionnaire.question("red_flags").text, "2 questions already answered")
        term.send(CTRL_C)
        assert term.finish() == 130
    resume.keep(questionnaire, parse_answers(questionnaire, {"red_flags": ["none"]}))
    with Terminal("assess", columns=80) as term:
        term.wait_for(questionnaire.question("red_flags").text, "Question 1 of")
        assert "Carry on" not in term.reads()
        term.send(CTRL_C)
        assert term.finish() == 130
        assert "Nothing was saved" in flat(term.text())
    assert not _kept_file(state_folder).exists()


def test_a_list_taller_than_the_screen_says_there_is_more_below(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    """At 40 by 30 the warning signs do not fit: 'None of these' is out of sight. A line under
    the list says there is more; on a screen that shows it all, no such line."""
    from dupi_triage.prompt_fit import MORE_BELOW

    red_flags = questionnaire.question("red_flags")
    with Terminal("assess", columns=40, rows=30) as term:
        _wait_in_region(term, red_flags.text, MORE_BELOW)
        term.send(CTRL_C)
        term.finish()
    with Terminal("assess", columns=100, rows=80) as term:
        _wait_in_region(term, red_flags.text, red_flags.options[-1].label)
        term.settle()
        assert flat(MORE_BELOW) not in term.reads()
        term.send(CTRL_C)
        term.finish()


def test_in_the_review_an_answer_that_wraps_is_set_further_in_than_the_next_one(
    questionnaire: Questionnaire, state_folder: Path
) -> None:
    """Unnumbered, the review's options have nothing else to mark where one starts: a wrapped
    answer's second line sits two columns further in, not where the next answer starts."""
    answers = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    answers["respondent"] = "parent_or_carer"
    with Terminal("assess", *_flags(answers), columns=40, rows=60) as term:
        _wait_in_region(term, questionnaire.question("itch").text)
        term.send("4" + ENTER)
        term.wait_for("Section 8 of 8: In your own words")
        term.send(ENTER)  # nothing to add
        _wait_in_region(term, "Review your answers")
        term.settle()
        lines = term.lines()
        term.send(CTRL_C)
        term.finish()
    at = next(i for i, line in enumerate(lines) if "Who is answering:" in line)
    start = lines[at].index("Who is answering:")
    following = lines[at + 1]
    assert following.startswith(" " * (start + 2)), (lines[at], following)
    assert following[start + 2] != " ", (lines[at], following)


@pytest.mark.parametrize("columns", [40, 80])
def test_the_persons_own_words_show_whole_under_the_question_once_answered(
    questionnaire: Questionnaire, columns: int, state_folder: Path
) -> None:
    """Typed after the question, a long answer ran past the edge and broke mid-word
    ("washin" / "g powder"); once answered it is shown under the question, wrapped between
    words."""
    answers = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    typed = "It started after I changed washing powder; photos on my phone, all of them."
    with Terminal("assess", *_flags(answers), columns=columns, rows=60) as term:
        _wait_in_region(term, questionnaire.question("itch").text)
        term.send("4" + ENTER)
        term.wait_for("In your own words")
        term.send(typed + ENTER)
        _wait_in_region(term, "Review your answers")
        term.settle()
        text = term.text()
        term.send(CTRL_C)
        term.finish()
    asked = text[: text.index("Review your answers")]
    assert words_whole(typed, asked) == [], asked
