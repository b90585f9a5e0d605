"""One person's assessment: answers from a file, flags and questions; then score, save, show.

The one precedence rule: the answers file first, flags over it, then questions for what is left.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from dupi_triage.answers import (
    Answers,
    check_conditions,
    condition_state,
    flag_field,
    missing,
    parse_answers,
)
from dupi_triage.errors import InputError, quoted_path
from dupi_triage.files import check_writable, is_stdout, same_file, write_private
from dupi_triage.migrations import VERSION_KEY
from dupi_triage.options import OutputOptions
from dupi_triage.output import check_output, emit
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.streams import stdout_is_closed

if TYPE_CHECKING:
    from dupi_triage.diary.for_assess import FromDiary


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
    if answers_path is not None and same_file(save_answers, answers_path):
        from dupi_triage.answers_file import kept_as_written

        kind = kept_as_written(answers_path)
        if kind is not None:
            raise InputError(
                "--save-answers",
                f"{quoted_path(save_answers)} is the --answers file, which holds {kind}; saving "
                "answers there would replace it: give another file name",
            )
    if save_answers is not None and not is_stdout(save_answers):
        if same_file(save_answers, output.output):
            raise InputError("--save-answers", "must not be the same file as --output")
        check_writable(save_answers, force=save_force, field="--save-answers")
    from_the_diary = diary_answers(questionnaire, diary, ask=not no_input) if from_diary else None
    answers, overridden = _given_answers(
        questionnaire, flag_values, answers_path, from_the_diary, no_input=no_input
    )

    interactive = resumed = False
    unanswered = missing(questionnaire, answers)
    if not no_input and unanswered:
        if not sys.stdin.isatty() or not (sys.stdout.isatty() or sys.stderr.isatty()):
            raise InputError(
                "--no-input",
                "there is no terminal to ask questions on; add --no-input to score what was "
                f"given, or answer: {', '.join(unanswered)}",
            )
        from dupi_triage import asking

        if not len(answers):  # nothing given: answers kept by a run that stopped may carry on
            answers, resumed = asking.carry_on(questionnaire, output)
        offered: list[FromDiary] = []
        answers = asking.ask_questions(
            questionnaire,
            answers,
            output,
            save_answers,
            save_force,
            from_the_diary,
            None
            if from_the_diary is not None
            else asking.diary_offer(questionnaire, output, offered),
        )
        from_the_diary = from_the_diary or (offered[0] if offered else None)
        interactive = True

    from dupi_triage.scoring import assess

    assessment = assess(questionnaire, answers)
    if from_the_diary is not None:
        from dupi_triage.diary.for_assess import still_from_diary, with_diary

        used = still_from_diary(from_the_diary, answers, overridden)
        assessment = with_diary(assessment, from_the_diary.report, used)
    if interactive:
        asking.finish(
            questionnaire, assessment, output, fmt, save_answers, save_force, resumed=resumed
        )
        return
    if save_answers is not None:
        save_answers_file(questionnaire, answers, save_answers, force=save_force)
    emit(questionnaire, assessment, output, fmt)


def diary_answers(questionnaire: Questionnaire, path: str | None, *, ask: bool) -> FromDiary:
    """The diary's timing answers; with questions to come, only those it could settle."""
    from dupi_triage.diary.for_assess import answers_from_diary, settled

    found = answers_from_diary(questionnaire, path)
    return settled(found) if ask else found


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
        fresh=flagged.values.keys(),
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


def answers_text(questionnaire: Questionnaire, answers: Answers) -> str:
    """The answers as an answers file holds them, with the version they were saved under."""
    version = answers.saved_under or questionnaire.version
    document = {VERSION_KEY: version, **answers.to_json(questionnaire)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def save_answers_file(
    questionnaire: Questionnaire, answers: Answers, path: str, *, force: bool
) -> None:
    text = answers_text(questionnaire, answers)
    if path == "-":
        try:
            from dupi_triage.streams import write_out

            write_out(text, utf8=True)  # JSON: UTF-8 whatever the terminal's encoding
        except BrokenPipeError:
            raise
        except OSError as error:
            raise InputError(
                "--save-answers", f"standard output: cannot write ({error.strerror or error})"
            ) from None
        return
    write_private(path, text, force=force, field="--save-answers")
