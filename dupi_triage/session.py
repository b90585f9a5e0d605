"""One person's assessment: answers from a file, flags and questions; then score, save, show.

The one precedence rule: the answers file first, flags over it, then questions for what is left.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from typing import TYPE_CHECKING, Any

from dupi_triage import PROG
from dupi_triage.answers import (
    Answers,
    check_conditions,
    flag_field,
    is_applicable,
    missing,
    parse_answers,
)
from dupi_triage.errors import PATH_LIMIT, InputError, Stopped, quoted_path
from dupi_triage.files import check_writable, is_stdout, same_file, write_private
from dupi_triage.options import OutputOptions
from dupi_triage.output import check_output, emit
from dupi_triage.questionnaire import Questionnaire, load_questionnaire
from dupi_triage.streams import stdout_is_closed

if TYPE_CHECKING:
    from dupi_triage.scoring.model import Assessment


# Ctrl-C before the end: say how to keep the answers next time, not only that they are gone.
NOTHING_SAVED = (
    f"Stopped. Nothing was saved. To keep your answers if you stop next time, start with: "
    f"{PROG} assess --save-answers my-answers.json"
)


def run_assess(
    flag_values: dict[str, Any],
    output: OutputOptions,
    *,
    no_input: bool,
    answers_path: str | None,
    save_answers: str | None,
) -> None:
    """Gather the answers (file, flags, then questions), score them, save and show the result."""
    questionnaire = load_questionnaire()
    fmt = check_output(output, answers_path)
    save_answers = _answers_destination(save_answers, output)
    # Saving back into the answers file being finished is what resuming means: no --force needed.
    save_force = output.force or same_file(save_answers, answers_path)
    if save_answers is not None and not is_stdout(save_answers):
        if same_file(save_answers, output.output):
            raise InputError("--save-answers", "must not be the same file as --output")
        check_writable(save_answers, force=save_force, field="--save-answers")
    answers = _given_answers(questionnaire, flag_values, answers_path)

    interactive = False
    unanswered = missing(questionnaire, answers)
    if not no_input and unanswered:
        if not sys.stdin.isatty() or not (sys.stdout.isatty() or sys.stderr.isatty()):
            raise InputError(
                "--no-input",
                "there is no terminal to ask questions on; add --no-input to score what was "
                f"given, or answer: {', '.join(unanswered)}",
            )
        answers = _ask(questionnaire, answers, output, save_answers, save_force)
        interactive = True

    from dupi_triage.scoring import assess

    assessment = assess(questionnaire, answers)
    if save_answers is not None:
        _save_answers(questionnaire, answers, save_answers, force=save_force)
    emit(questionnaire, assessment, output, fmt, also_on_screen=interactive)
    if interactive and _report_wanted_on_screen(output, fmt, assessment.level):
        _offer_report(questionnaire, assessment, output)


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
        offer_report(questionnaire, assessment, notes.print, **_prompt_io(output))
    except (KeyboardInterrupt, EOFError):
        raise Stopped("Stopped. The result is shown above; no report file was saved.") from None


def _given_answers(
    questionnaire: Questionnaire, flag_values: dict[str, Any], answers_path: str | None
) -> Answers:
    """Answers file first, flags over it (the one precedence rule), checked together."""
    base = Answers()
    if answers_path is not None:
        from dupi_triage.answers_file import read_answers_file

        base = read_answers_file(questionnaire, answers_path, "--answers")
    given = {key: value for key, value in flag_values.items() if value is not None}
    flagged = parse_answers(questionnaire, given, flag_field) if given else Answers()
    answers = base.merged(flagged)
    # A flag that changes a condition (--dose-paused no) drops the file's answers that hung on it.
    stale = [
        q.id
        for q in questionnaire.conditional
        if q.id in base
        and q.id not in flagged
        and q.when is not None
        and q.when.question in flagged
        and not is_applicable(q, answers)
    ]
    answers = answers.without(*stale)
    check_conditions(questionnaire, answers, lambda q: flag_field(q) if q.id in flagged else q.id)
    return answers


def _answers_destination(save_answers: str | None, output: OutputOptions) -> str | None:
    """'-' (or /dev/stdout) means standard output, when the report is going to a file."""
    if save_answers is None or not is_stdout(save_answers):
        return save_answers
    if is_stdout(output.output):
        raise InputError(
            "--save-answers",
            "standard output already carries the report; give a file name, "
            "or write the report to a file with --output",
        )
    if stdout_is_closed():
        raise InputError("--save-answers", "standard output is closed; give a file name")
    return "-"


def _ask(
    questionnaire: Questionnaire,
    answers: Answers,
    output: OutputOptions,
    save_answers: str | None,
    save_force: bool,
) -> Answers:
    from dupi_triage.prompts import Interrupted, TerminalNotes, run_questionnaire

    # With the summary redirected to a file, the questions go to the terminal on stderr.
    on_stderr = not sys.stdout.isatty()
    io = _prompt_io(output)
    no_colour = output.no_color or bool(os.environ.get("NO_COLOR"))
    notes = TerminalNotes(
        sys.stderr if on_stderr else sys.stdout,
        colour=not no_colour and os.environ.get("TERM") != "dumb",
    )
    try:
        return run_questionnaire(questionnaire, answers, console=notes, **io)
    except Interrupted as stop:
        if save_answers is not None and len(stop.answers):
            _save_answers(questionnaire, stop.answers, save_answers, force=save_force)
            raise Stopped(_kept_message(save_answers), stop.exit_code) from None
        raise Stopped(NOTHING_SAVED, stop.exit_code) from None


def _kept_message(save_answers: str) -> str:
    if save_answers == "-":
        return "Stopped. Your answers so far were written to standard output."
    shown, argument = quoted_path(save_answers), shlex.quote(save_answers)
    if len(argument) > PATH_LIMIT or not argument.isprintable():
        argument = "FILE"  # a name that cannot be shown safely: the one above says which
    return (
        f"Stopped. Your answers so far are saved in {shown}; finish with: "
        f"{PROG} assess --answers {argument} --save-answers {argument}"
    )


def _prompt_io(output: OutputOptions) -> dict[str, Any]:
    """prompt_toolkit's output (stderr when the summary is redirected) and colour depth."""
    io: dict[str, Any] = {}
    if not sys.stdout.isatty():
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    if output.no_color:
        from prompt_toolkit.output import ColorDepth

        io["color_depth"] = ColorDepth.DEPTH_1_BIT
    return io


def _save_answers(
    questionnaire: Questionnaire, answers: Answers, path: str, *, force: bool
) -> None:
    text = json.dumps(answers.to_json(questionnaire), indent=2, ensure_ascii=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_private(path, text, force=force, field="--save-answers")
