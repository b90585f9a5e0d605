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
    condition_state,
    flag_field,
    missing,
    parse_answers,
)
from dupi_triage.errors import PATH_LIMIT, InputError, Stopped, quoted_path
from dupi_triage.files import check_writable, is_stdout, same_file, write_private
from dupi_triage.migrations import VERSION_KEY
from dupi_triage.options import OutputOptions
from dupi_triage.output import check_output, emit
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.streams import stdout_is_closed

if TYPE_CHECKING:
    from dupi_triage.diary.for_assess import FromDiary
    from dupi_triage.prompts import DiaryOffer
    from dupi_triage.scoring.model import Assessment


# Ctrl-C before the end: say how to keep the answers next time, not only that they are gone.
KEEP_ANSWERS_COMMAND = f"{PROG} assess --save-answers my-answers.json"


def nothing_saved() -> str:
    """The message after Ctrl-C with nothing kept; wrapped to the terminal, the command whole."""
    from dupi_triage.wrapping import fill, terminal_width, usable

    width = usable(terminal_width())
    advice = fill("To keep your answers if you stop next time, start with:", width)
    return f"Stopped. Nothing was saved.\n{advice}\n  {KEEP_ANSWERS_COMMAND}"


def run_assess(
    flag_values: dict[str, Any],
    output: OutputOptions,
    *,
    no_input: bool,
    answers_path: str | None,
    save_answers: str | None,
    from_diary: bool = False,
    diary: str | None = None,
) -> None:
    """Gather the answers (diary, file, flags, then questions), score, save and show the result."""
    questionnaire = load_questionnaire()
    fmt = check_output(output, answers_path)
    save_answers = _answers_destination(save_answers, output)
    # Saving back into the answers file being finished is what resuming means: no --force needed.
    save_force = output.force or same_file(save_answers, answers_path)
    if save_answers is not None and not is_stdout(save_answers):
        if same_file(save_answers, output.output):
            raise InputError("--save-answers", "must not be the same file as --output")
        check_writable(save_answers, force=save_force, field="--save-answers")
    from_the_diary = _diary_answers(questionnaire, diary, ask=not no_input) if from_diary else None
    answers, overridden = _given_answers(
        questionnaire, flag_values, answers_path, from_the_diary, no_input=no_input
    )

    interactive = False
    unanswered = missing(questionnaire, answers)
    if not no_input and unanswered:
        if not sys.stdin.isatty() or not (sys.stdout.isatty() or sys.stderr.isatty()):
            raise InputError(
                "--no-input",
                "there is no terminal to ask questions on; add --no-input to score what was "
                f"given, or answer: {', '.join(unanswered)}",
            )
        offered: list[FromDiary] = []
        answers = _ask(
            questionnaire,
            answers,
            output,
            save_answers,
            save_force,
            from_the_diary,
            None if from_the_diary is not None else _diary_offer(questionnaire, output, offered),
        )
        from_the_diary = from_the_diary or (offered[0] if offered else None)
        interactive = True

    from dupi_triage.scoring import assess

    assessment = assess(questionnaire, answers)
    if from_the_diary is not None:
        from dupi_triage.diary.for_assess import still_from_diary, with_diary

        used = still_from_diary(from_the_diary, answers, overridden)
        assessment = with_diary(assessment, from_the_diary.report, used)
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


def _diary_answers(questionnaire: Questionnaire, path: str | None, *, ask: bool) -> FromDiary:
    """The diary's timing answers; with questions to come, only those it could settle."""
    from dupi_triage.diary.for_assess import answers_from_diary, settled

    found = answers_from_diary(questionnaire, path)
    return settled(found) if ask else found


def _diary_offer(
    questionnaire: Questionnaire, output: OutputOptions, taken: list[FromDiary]
) -> DiaryOffer:
    """On a terminal, once the warning signs are screened: offer the person's diary, if any."""

    def offer() -> tuple[Answers, dict[str, tuple[str, ...]]] | None:
        from dupi_triage.diary.store import default_path

        path = default_path()
        if not path.is_file():
            return None
        try:
            found = _diary_answers(questionnaire, None, ask=True)
        except InputError as problem:
            # Read before it is offered: a diary that cannot be used never ends the run.
            from dupi_triage.wrapping import fill, terminal_width, usable

            reason = f"Your diary cannot be used ({problem.problem}); the questions are asked."
            print(fill(reason, usable(terminal_width())), file=sys.stderr)
            return None
        from dupi_triage.prompts import offer_diary

        if not offer_diary(str(path), **_prompt_io(output)):
            return None
        taken.append(found)
        return found.answers, {q: found.report.evidence(q) for q in found.answers.values}

    return offer


def _given_answers(
    questionnaire: Questionnaire,
    flag_values: dict[str, Any],
    answers_path: str | None,
    diary: FromDiary | None = None,
    *,
    no_input: bool = True,
) -> tuple[Answers, set[str]]:
    """The diary first, the answers file over it, flags over both (the one precedence rule).

    Also returns the questions the file or flags answered, so the diary is not credited for them.
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
    overridden = set(base.values) | set(flagged.values)
    if diary is not None:
        merged = diary.answers.merged(base).merged(flagged)
        stale = [
            q.id
            for q in questionnaire.conditional
            if q.id in diary.answers
            and q.id not in overridden
            and condition_state(q, merged) is False
        ]
        base = diary.answers.without(*stale).merged(base)
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
        # Name a question as it was given: a flag, or a field of the answers file.
        lambda q: q.id if q.id in base and q.id not in flagged else flag_field(q),
        orphans=not no_input,
    )
    return answers, overridden


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
    diary: FromDiary | None = None,
    diary_offer: DiaryOffer | None = None,
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
    origins = {}
    if diary is not None:
        origins = {
            question_id: (value, diary.report.evidence(question_id))
            for question_id, value in diary.answers.values.items()
            if answers.get(question_id) == value
        }
    from dupi_triage.signals import termination_unwinds

    try:
        # A hangup (terminal closed) or SIGTERM at a prompt keeps the answers, as Ctrl-C does.
        with termination_unwinds():
            return run_questionnaire(
                questionnaire,
                answers,
                console=notes,
                origins=origins,
                diary_offer=diary_offer,
                **io,
            )
    except Interrupted as stop:
        if save_answers is not None and len(stop.answers):
            _save_answers(questionnaire, stop.answers, save_answers, force=save_force)
            raise Stopped(_kept_message(save_answers), stop.exit_code) from None
        raise Stopped(nothing_saved(), stop.exit_code) from None


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
    version = answers.saved_under or questionnaire.version
    document = {VERSION_KEY: version, **answers.to_json(questionnaire)}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_private(path, text, force=force, field="--save-answers")
