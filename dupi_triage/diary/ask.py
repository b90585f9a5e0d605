"""Short questions for diary entries when a command runs bare on a terminal (questionary).

The check-in asks the questionnaire's own skin questions, with their own wording and options,
through the walk's own prompts (prompt_kit.py): Enter on a choice nobody moved to says how to
pick, and a value already given (`diary edit`) is shown, not typed in, so that typing replaces
it. Ctrl-C or Ctrl-D stops without writing anything.
"""

from __future__ import annotations

from typing import Any

import questionary

from dupi_triage.answers import AnswerValue, parse_value
from dupi_triage.diary.entries import (
    INJECTION_SITES,
    NOTE_LIMIT,
    CheckIn,
    Dose,
    Entry,
    Pause,
    note_text,
    parse_day,
)
from dupi_triage.errors import InputError, Stopped
from dupi_triage.questionnaire import Question, Questionnaire

SKIP = "__skip__"
CLEAR = "-"  # typed over a number already given: leave it out


def _ask(prompt: questionary.Question) -> Any:
    from dupi_triage.signals import raise_pending

    try:
        answer = prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Stopped("Stopped. Nothing was written to the diary.") from None
    finally:
        raise_pending()  # a hangup as the prompt closed is not lost
    return answer


def _valid_day(text: str) -> bool | str:
    try:
        parse_day(text, "date")
    except InputError as error:
        return f"{error.problem}: type {error.allowed}"
    return True


def ask_day(default: str = "today") -> str:
    from dupi_triage.prompt_kit import type_in

    typed = _ask(
        type_in(
            "Date (YYYY-MM-DD, today, yesterday, 3 days ago, monday):",
            current=default,
            validate=_valid_day,
            nothing_before=None,
            validate_while_typing=False,  # "y" of "yesterday" is no mistake: checked on Enter
        )
    )
    return str(typed) or default


def _valid_note(text: str) -> bool | str:
    try:
        note_text(text, "note")
    except InputError as error:
        return f"This note {error.problem}: keep it to {NOTE_LIMIT} characters."
    return True


def ask_note(default: str = "") -> str:
    """The note, made plain (no escape sequences or line breaks), as every note is. Fitted to
    the terminal's width, as the walk's questions are: whole words from 40 columns up."""
    from dupi_triage.prompt_kit import type_in

    typed = _ask(
        type_in(
            "Note (optional):",
            current=default or None,
            keep_current=False,  # a note already there is put in the box, to edit
            below=True,
            validate=_valid_note,
            nothing_before=None,
        )
    )
    return note_text(str(typed), "note")


def ask_dose() -> tuple[str, str | None, str]:
    from dupi_triage.prompt_kit import Offer, choose_one

    day = ask_day()
    offers = [Offer(site, site.replace("_", " ")) for site in INJECTION_SITES]
    site = _ask(
        choose_one("Where was it injected?", [*offers, Offer(SKIP, "Skip")], nothing_before=None)
    )
    return day, None if site == SKIP else str(site), ask_note()


def ask_question(question: Question, current: AnswerValue | None = None) -> AnswerValue | None:
    """One skin question; leaving it empty (or Skip) records nothing for it."""
    from dupi_triage.prompt_kit import Offer, choose_one, type_in

    if question.type == "multi":
        from dupi_triage.prompt_kit import choose_many

        def valid_picks(picked: list[str]) -> bool | str:
            if not picked:
                return True  # none picked: no rash there today
            try:
                parse_value(question, picked, question.id)
            except InputError as error:
                return f"{error.problem}."
            return True

        picked = _ask(
            choose_many(
                f"{question.text} (none picked: no rash there today)",
                [Offer(o.id, o.label, o.help) for o in question.options],
                chosen=current if isinstance(current, tuple) else (),
                validate=valid_picks,
                nothing_before=None,
            )
        )
        return parse_value(question, list(picked), question.id) if picked else None
    if question.type == "single":
        offers = [Offer(o.id, o.label, o.help) for o in question.options]
        picked = _ask(
            choose_one(
                question.text,
                [*offers, Offer(SKIP, "Skip")],
                current=current if isinstance(current, str) else None,
                nothing_before=None,
            )
        )
        return None if picked == SKIP else parse_value(question, picked, question.id)

    def valid(text: str) -> bool | str:
        if not text.strip() or (current is not None and text.strip() == CLEAR):
            return True
        try:
            parse_value(question, text, question.id)
        except InputError:
            return f"Type a whole number from {question.min} to {question.max}, or leave it empty."
        return True

    instead = " For a child under 6, instead of the itch score." if question.id == NIGHTS else ""
    typed = str(
        _ask(
            type_in(
                f"{question.text} ({question.min} to {question.max}; empty to skip){instead}",
                current=None if current is None else str(current),
                validate=valid,
                nothing_before=None,
                clear=CLEAR,
            )
        )
    ).strip()
    if not typed or typed == CLEAR:
        return None
    return parse_value(question, typed, question.id)


def ask_checkin(questionnaire: Questionnaire) -> tuple[str, dict[str, AnswerValue], str]:
    from dupi_triage.diary.exchange import checkin_questions

    day = ask_day()
    answers: dict[str, AnswerValue] = {}
    for question in checkin_questions(questionnaire):
        if _instead_of_itch(question, answers):
            continue
        value = ask_question(question)
        if value is not None:
            answers[question.id] = value
    return day, answers, ask_note()


#: The questionnaire asks nights woken by itch instead of the itch score for a child under 6.
#: The diary asks no age: the nights are asked only when no itch score was given.
NIGHTS, ITCH = "nights_woken_by_itch", "itch"


def _instead_of_itch(question: Question, answers: dict[str, AnswerValue]) -> bool:
    return question.id == NIGHTS and ITCH in answers


def ask_edit(questionnaire: Questionnaire, entry: Entry) -> Entry:
    from dupi_triage.diary.exchange import checkin_questions

    day = parse_day(ask_day(entry.day.isoformat()), "date")
    changes: dict[str, Any] = {}
    if isinstance(entry, CheckIn):
        answers: dict[str, AnswerValue] = {}
        for question in checkin_questions(questionnaire):
            if entry.get(question.id) is None and _instead_of_itch(question, answers):
                continue
            value = ask_question(question, entry.get(question.id))
            if value is not None:
                answers[question.id] = value
        changes = {"day": day, "answers": answers}
    elif isinstance(entry, Dose):
        changes = {"day": day}
    elif isinstance(entry, Pause):
        from dupi_triage.prompt_kit import type_in

        end = _ask(
            type_in(
                "Last day of the pause (empty while it goes on):",
                current=entry.end.isoformat() if entry.end else None,
                keep_current=False,  # in the box, to edit or clear
                validate=lambda text: not text.strip() or _valid_day(text),
                nothing_before=None,
                validate_while_typing=False,
            )
        )
        changes = {"start": day, "end": parse_day(end, "--to") if str(end).strip() else None}
    changes["note"] = ask_note(entry.note)
    return entry.replace(**changes)


def confirm(message: str) -> bool:
    from dupi_triage.prompt_fit import question_text

    fitted: Any = question_text(message)  # whole words at the terminal's width
    return bool(_ask(questionary.confirm(fitted, default=False)))
