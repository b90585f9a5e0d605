"""One person's assessment: answers from a file, flags and questions; then score, save, show.

The one precedence rule: the answers file first, flags over it, then questions for what is left.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from dupi_triage import PROG
from dupi_triage.answers import (
    Answers,
    check_conditions,
    condition_state,
    flag_field,
    missing,
    parse_answers,
)
from dupi_triage.errors import InputError, Stopped
from dupi_triage.files import check_writable, write_private
from dupi_triage.migrations import VERSION_KEY
from dupi_triage.options import OutputOptions
from dupi_triage.output import check_output, emit
from dupi_triage.questionnaire import Questionnaire, load_questionnaire


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
    fmt = check_output(output)
    # Saving back into the answers file being finished is what resuming means: no --force needed.
    save_force = output.force or _same_file(save_answers, answers_path)
    if save_answers is not None:
        if _same_file(save_answers, output.output):
            raise InputError("--save-answers", "must not be the same file as --output")
        check_writable(save_answers, force=save_force, field="--save-answers")
    answers = _given_answers(questionnaire, flag_values, answers_path, no_input=no_input)

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


def _given_answers(
    questionnaire: Questionnaire,
    flag_values: dict[str, Any],
    answers_path: str | None,
    *,
    no_input: bool,
) -> Answers:
    """Answers file first, flags over it (the one precedence rule), checked together.

    A conditional answer whose condition is not given is an error with --no-input (it could not
    be scored honestly); interactively the condition is asked, and an answer that contradicts it
    drops the conditional one with a note.
    """
    base = Answers()
    if answers_path is not None:
        from dupi_triage.answers_file import read_answers_file

        base = read_answers_file(questionnaire, answers_path, "--answers", orphans=not no_input)
    given = _flag_answers(questionnaire, flag_values)
    flagged = parse_answers(questionnaire, given, flag_field, orphans=True) if given else Answers()
    answers = base.merged(flagged)
    # A flag that changes a condition (--dose-paused no) drops the file's answers that hung on it.
    stale = [
        q.id
        for q in questionnaire.conditional
        if q.id in base
        and q.id not in flagged
        and q.when is not None
        and any(parent in flagged for parent in q.when.questions)
        and condition_state(q, answers) is False
    ]
    answers = answers.without(*stale)
    check_conditions(
        questionnaire,
        answers,
        lambda q: flag_field(q) if q.id in flagged else q.id,
        orphans=not no_input,
    )
    return answers


def _flag_answers(questionnaire: Questionnaire, flag_values: dict[str, Any]) -> dict[str, Any]:
    """Every question flag arrives as a list; a single-value question takes exactly one."""
    given: dict[str, Any] = {}
    for question_id, values in flag_values.items():
        if not values:
            continue
        question = questionnaire.question(question_id)
        if question.type != "multi":
            distinct = list(dict.fromkeys(values))
            if len(distinct) > 1:
                raise InputError(
                    question.flag,
                    f"was given {len(values)} times ({', '.join(map(repr, distinct[:4]))}); "
                    "give it once",
                    question.allowed_values(),
                )
            given[question_id] = distinct[0]
        else:
            given[question_id] = values
    return given


def _same_file(first: str | None, second: str | None) -> bool:
    if first is None or second is None or "-" in (first, second):
        return False
    return os.path.abspath(os.path.expanduser(first)) == os.path.abspath(os.path.expanduser(second))


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
    io: dict[str, Any] = {}
    if on_stderr:
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    no_colour = output.no_color or bool(os.environ.get("NO_COLOR"))
    if output.no_color:
        from prompt_toolkit.output import ColorDepth

        io["color_depth"] = ColorDepth.DEPTH_1_BIT
    notes = TerminalNotes(
        sys.stderr if on_stderr else sys.stdout,
        colour=not no_colour and os.environ.get("TERM") != "dumb",
    )
    try:
        return run_questionnaire(questionnaire, answers, console=notes, **io)
    except Interrupted as stop:
        if save_answers is not None and len(stop.answers):
            _save_answers(questionnaire, stop.answers, save_answers, force=save_force)
            message = (
                f"Stopped. Your answers so far are saved in {save_answers}; finish with: "
                f"{PROG} assess --answers {save_answers} --save-answers {save_answers}"
            )
        else:
            message = "Stopped. Nothing was saved."
        raise Stopped(message) from None


def _save_answers(
    questionnaire: Questionnaire, answers: Answers, path: str, *, force: bool
) -> None:
    version = answers.saved_under or questionnaire.version
    document = {VERSION_KEY: version, **answers.to_json(questionnaire)}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_private(path, text, force=force, field="--save-answers")
