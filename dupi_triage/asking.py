"""The interactive side of an assessment: carry on from kept answers, ask, keep them on a stop,
and finish (save, show, offer a report) without losing them when a file cannot be written.

A frightened person who stops, or whose window closes, gets their answers back on the next
start; a save that fails at the end still shows the summary and keeps the answers, saying where.
Every command suggested here is the one this run was started with (invocation.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import sys
from typing import TYPE_CHECKING, Any

from dupi_triage.answers import Answers
from dupi_triage.errors import PATH_LIMIT, InputError, Stopped, quoted_path
from dupi_triage.files import is_stdout
from dupi_triage.invocation import invoked
from dupi_triage.options import OutputOptions
from dupi_triage.questionnaire import RED_FLAGS, Questionnaire

if TYPE_CHECKING:
    from dupi_triage.diary.for_assess import FromDiary
    from dupi_triage.prompts import DiaryOffer
    from dupi_triage.scoring.model import Assessment

EXIT_NOT_SAVED = 2
CARRY_ON = "carry_on"
START_AGAIN = "start_again"


# --- before the questions: answers kept by a run that stopped ----------------------------------


def carry_on(questionnaire: Questionnaire, output: OutputOptions) -> tuple[Answers, bool]:
    """Offer the answers an earlier run kept. (answers, True) to carry on from them.

    Enter carries on: it loses nothing, every kept answer is shown again in the review, and the
    warning signs are asked again because they are about right now. Starting again deletes the
    kept answers for good, so it takes a deliberate pick.
    """
    from dupi_triage import resume
    from dupi_triage.prompt_kit import Offer, ask, choose_one

    try:
        found = resume.kept(questionnaire)
    except InputError as error:
        _note(f"Answers kept by an earlier run are not used: {error.problem}.")
        return Answers(), False
    if found is None:
        return Answers(), False
    # The warning signs are asked again (they are about right now), so they are not counted:
    # the walk then says the same number is already answered. Kept warning signs alone leave
    # nothing to carry on.
    carried = found.answers.without(RED_FLAGS)
    count = len(carried)
    if not count:
        resume.clear()
        return Answers(), False
    prompt = choose_one(
        f"You stopped part way through {_when(found.kept_at)}, with {count} "
        f"{'question' if count == 1 else 'questions'} answered. Carry on from there?",
        [
            Offer(
                CARRY_ON,
                "Carry on where I stopped",
                "The warning signs are asked again (they are about right now); you can check "
                "every answer before the result.",
            ),
            Offer(START_AGAIN, "Start again", "The kept answers are deleted."),
        ],
        current=CARRY_ON,
        nothing_before=None,
        keys="Press Enter to carry on, or 2 and then Enter to start again.",
        **prompt_io(output),
    )
    try:
        picked = ask(prompt)
    except (KeyboardInterrupt, EOFError):
        raise Stopped("Stopped. The kept answers are still there for next time.") from None
    if picked == START_AGAIN:
        resume.clear()
        return Answers(), False
    return carried, True


def _when(moment: dt.datetime) -> str:
    today = dt.date.today()
    time = moment.strftime("%H:%M")
    if moment.date() == today:
        return f"today at {time}"
    if moment.date() == today - dt.timedelta(days=1):
        return f"yesterday at {time}"
    return f"on {moment.day} {moment.strftime('%B %Y')} at {time}"


def _note(text: str) -> None:
    from dupi_triage.streams import say

    say(_wrap(text))


# --- the questions ------------------------------------------------------------------------------


def ask_questions(
    questionnaire: Questionnaire,
    answers: Answers,
    output: OutputOptions,
    save_answers: str | None,
    save_force: bool,
    diary: FromDiary | None = None,
    diary_offer: DiaryOffer | None = None,
) -> Answers:
    """The walk; on a stop, the answers so far are saved (--save-answers) or kept for later."""
    from dupi_triage.prompts import Interrupted, TerminalNotes, run_questionnaire
    from dupi_triage.signals import termination_unwinds

    # With the summary redirected to a file, the questions go to the terminal on stderr.
    on_stderr = not sys.stdout.isatty()
    no_colour = output.no_color or bool(os.environ.get("NO_COLOR"))
    notes = TerminalNotes(
        sys.stderr if on_stderr else sys.stdout,
        colour=not no_colour and os.environ.get("TERM") != "dumb",
    )
    origins = {}
    if diary is not None:
        origins = {
            question_id: (value, diary.report.evidence(question_id))
            for question_id, value in diary.answers.values.items()
            if answers.get(question_id) == value
        }
    try:
        # A hangup (terminal closed) or SIGTERM at a prompt keeps the answers, as Ctrl-C does.
        with termination_unwinds():
            return run_questionnaire(
                questionnaire,
                answers,
                console=notes,
                origins=origins,
                diary_offer=diary_offer,
                **prompt_io(output),
            )
    except Interrupted as stop:
        raise Stopped(
            _stopped(questionnaire, stop.answers, save_answers, save_force), stop.exit_code
        ) from None


def _stopped(
    questionnaire: Questionnaire, answers: Answers, save_answers: str | None, force: bool
) -> str:
    from dupi_triage.session import save_answers_file

    if not len(answers):
        return "Stopped. Nothing was saved."
    # Safety rule 9: after a warning sign's alert, its action is the last thing on screen, below
    # where the answers went: someone who stops to phone for help must not be left with only
    # an invitation to carry on.
    last = _warning_sign_action(questionnaire, answers)
    if save_answers is not None:
        try:
            save_answers_file(questionnaire, answers, save_answers, force=force)
            return "\n".join([_saved_message(save_answers), *last])
        except InputError as error:
            stopped = _wrap(f"Stopped. Not saved: {error}.")
            return "\n".join([stopped, _keep(questionnaire, answers), *last])
    return "\n".join([_wrap("Stopped."), _keep(questionnaire, answers), *last])


def _warning_sign_action(questionnaire: Questionnaire, answers: Answers) -> list[str]:
    """The alert's level and action again ("EMERGENCY: Call ..."), for the warning signs the
    answers so far report or describe; nothing if there are none."""
    from dupi_triage.scoring.model import TriageLevel
    from dupi_triage.scoring.triage import warning_signs

    worded = questionnaire.worded_for(answers.values)
    levels = [sign.level for sign in warning_signs(worded, answers)]
    top = max(levels, key=lambda level: level.rank, default=TriageLevel.ROUTINE)
    if top.rank < TriageLevel.URGENT.rank:
        return []
    level = worded.level(top.value)
    return ["", _wrap(f"{level.label.upper()}: {level.action}")]


def _keep(questionnaire: Questionnaire, answers: Answers, *, so_far: bool = True) -> str:
    """Keep the answers for the next start; what to tell the person about it (the file and the
    command on lines of their own, whole: they may be copied)."""
    from dupi_triage import resume

    try:
        path = resume.keep(questionnaire, answers)
    except InputError as error:
        return "\n".join(
            [
                _wrap(f"Your answers{' so far' * so_far} could not be kept ({error.problem}).")
                + "\n"
                + _wrap("To keep them if you stop next time, start with:"),
                f"  {invoked()} assess --save-answers my-answers.json",
            ]
        )
    shown = str(path) if str(path).isprintable() else quoted_path(path)
    return "\n".join(
        [
            _wrap(f"Your answers{' so far' * so_far} are kept, readable only by you, in:"),
            shown,
            _wrap(f"To carry on {'where you stopped' if so_far else 'from them'}, run:"),
            f"  {invoked()}",
        ]
    )


def _saved_message(save_answers: str) -> str:
    if save_answers == "-":
        return "Stopped. Your answers so far were written to standard output."
    shown, argument = quoted_path(save_answers), shlex.quote(save_answers)
    if len(argument) > PATH_LIMIT or not argument.isprintable():
        argument = "FILE"  # a name that cannot be shown safely: the one above says which
    return "\n".join(
        [
            _wrap("Stopped. Your answers so far are saved in:"),
            shown,
            _wrap("To finish, run:"),
            f"  {invoked()} assess --answers {argument} --save-answers {argument}",
        ]
    )


def _wrap(text: str) -> str:
    from dupi_triage.wrapping import fill, terminal_width, usable

    return fill(text, usable(terminal_width()))


# --- after the questions ------------------------------------------------------------------------


def finish(
    questionnaire: Questionnaire,
    assessment: Assessment,
    output: OutputOptions,
    fmt: str,
    save_answers: str | None,
    save_force: bool,
    *,
    resumed: bool,
) -> None:
    """Save, show, then offer a report. A file that cannot be written does not hide the summary
    or lose the answers: they are kept for the next start, and the person is told where."""
    from dupi_triage.output import emit
    from dupi_triage.session import save_answers_file

    answers = assessment.answers
    problems: list[str] = []
    if save_answers is not None:
        try:
            save_answers_file(questionnaire, answers, save_answers, force=save_force)
        except InputError as error:
            problems.append(str(error))
    try:
        emit(questionnaire, assessment, output, fmt, also_on_screen=True)
    except InputError as error:
        problems.append(str(error))
    except OSError as error:  # standard output is full or gone: show it where the questions were
        problems.append(f"standard output: cannot write ({error.strerror or error})")
        _summary_on_stderr(questionnaire, assessment, output)
        if not is_stdout(output.output):  # the report file still gets written
            try:
                emit(questionnaire, assessment, output, fmt)
            except InputError as error:
                problems.append(str(error))
    if problems:
        lines = [_wrap(f"Not saved: {problem}.") for problem in problems]
        kept = _keep(questionnaire, answers, so_far=False)
        # Safety rule 9: an urgent or emergency action stays the last thing on screen.
        last = [_wrap(_action_again(questionnaire, assessment))] if _act_now(assessment) else []
        raise Stopped("\n".join([*lines, kept, *last]), EXIT_NOT_SAVED)
    if resumed:
        from dupi_triage import resume

        resume.clear()
    if _report_wanted_on_screen(output, fmt, assessment.level):
        _offer_report(questionnaire, assessment, output)


def _summary_on_stderr(
    questionnaire: Questionnaire, assessment: Assessment, output: OutputOptions
) -> None:
    if not sys.stderr.isatty():
        return
    from dupi_triage.output import console
    from dupi_triage.render.terminal import print_summary

    with contextlib.suppress(OSError):
        print_summary(console(output, stderr=True), questionnaire, assessment)


def _report_wanted_on_screen(output: OutputOptions, fmt: str, level: str) -> bool:
    """Offer a report file after a summary shown on a terminal, unless one is already written.

    Not after an emergency: the last thing on screen stays the emergency action.
    """
    from dupi_triage.render import TERMINAL

    return (
        fmt == TERMINAL
        and output.output is None
        and level != "emergency"
        and sys.stdin.isatty()
        and sys.stdout.isatty()
    )


def _offer_report(
    questionnaire: Questionnaire, assessment: Assessment, output: OutputOptions
) -> None:
    from dupi_triage.prompts import TerminalNotes
    from dupi_triage.report_offer import offer_report

    notes = TerminalNotes(sys.stdout, colour=False)
    try:
        print()
        offer_report(questionnaire, assessment, notes.print, **prompt_io(output))
    except (KeyboardInterrupt, EOFError):
        stopped = "Stopped. The result is shown above; no report file was saved."
        if _act_now(assessment):
            stopped += "\n" + _wrap(_action_again(questionnaire, assessment))
        raise Stopped(stopped) from None
    # Safety rule 9: the urgent action, not the offer, is the last thing on screen.
    from dupi_triage.output import action_last

    action_last(questionnaire, assessment, output)


def _act_now(assessment: Assessment) -> bool:
    return assessment.level.value in ("urgent", "emergency")


def _action_again(questionnaire: Questionnaire, assessment: Assessment) -> str:
    """The level and what to do, in one line: "URGENT: Contact your prescriber ... today."""
    label = questionnaire.level(assessment.level.value).label.upper()
    return f"{label}: {assessment.action}"


def diary_offer(
    questionnaire: Questionnaire, output: OutputOptions, taken: list[FromDiary]
) -> DiaryOffer:
    """On a terminal, once the warning signs are screened: offer the person's diary, if any."""

    def offer() -> tuple[Answers, dict[str, tuple[str, ...]]] | None:
        from dupi_triage.diary.store import default_path
        from dupi_triage.session import diary_answers

        path = default_path()
        if not path.is_file():
            return None
        try:
            found = diary_answers(questionnaire, None, ask=True)
        except InputError as problem:
            # Read before it is offered: a diary that cannot be used never ends the run.
            _note(f"Your diary cannot be used ({problem.problem}); the questions are asked.")
            return None
        from dupi_triage.prompts import offer_diary

        if not offer_diary(str(path), **prompt_io(output)):
            return None
        taken.append(found)
        return found.answers, {q: found.report.evidence(q) for q in found.answers.values}

    return offer


def prompt_io(output: OutputOptions) -> dict[str, Any]:
    """prompt_toolkit's output (stderr when the summary is redirected) and colour depth."""
    io: dict[str, Any] = {}
    if not sys.stdout.isatty():
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    if output.no_color:
        from prompt_toolkit.output import ColorDepth

        io["color_depth"] = ColorDepth.DEPTH_1_BIT
    return io
