"""The interactive walk through the questionnaire, with questionary.

Only the interactive path imports this module (and with it questionary and prompt_toolkit).
Red flags come first and an emergency is shown at once; conditional questions follow their
condition; a review step at the end lets the person change any answer before the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TextIO

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from questionary import Choice, Separator

from dupi_triage.answers import (
    Answers,
    AnswerValue,
    applicable_questions,
    describe_answer,
    is_applicable,
    parse_value,
    prune_inapplicable,
)
from dupi_triage.questionnaire import NONE_OPTION, RED_FLAGS, Question, Questionnaire

# prompt_toolkit asks the terminal for the cursor position and warns when no answer comes (dumb
# terminals, some multiplexers). Our prompts are short, so that information is not needed.
os.environ.setdefault("PROMPT_TOOLKIT_NO_CPR", "1")

DONE = "__done__"
STOP = "stop"
CONTINUE = "continue"


class Printer(Protocol):
    """Where the walk prints between prompts; a rich Console fits too."""

    def print(
        self, text: str = "", *, style: str = "", markup: bool = ..., highlight: bool = ...
    ) -> None: ...


_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "dark_orange": "33"}


class TerminalNotes:
    """Prints section headings, progress and warnings between prompts.

    A few ANSI styles written by hand: loading rich for this would cost more start-up than the
    first prompt itself (rich is loaded later, for the summary).
    """

    def __init__(self, stream: TextIO, *, colour: bool) -> None:
        self.stream = stream
        self.colour = colour

    def print(
        self, text: str = "", *, style: str = "", markup: bool = False, highlight: bool = False
    ) -> None:
        codes = ";".join(_ANSI[word] for word in style.split() if word in _ANSI)
        if self.colour and codes:
            text = f"\x1b[{codes}m{text}\x1b[0m"
        self.stream.write(text + "\n")
        self.stream.flush()


# Asked after the warning signs: answers and their evidence from the person's diary, or None.
DiaryOffer = Callable[[], tuple[Answers, Mapping[str, tuple[str, ...]]] | None]


class Interrupted(Exception):
    """The person pressed Ctrl-C or Ctrl-D; `answers` holds what was answered so far."""

    def __init__(self, answers: Answers) -> None:
        super().__init__("interrupted")
        self.answers = answers


def _end_on_ctrl_d() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add(Keys.ControlD, eager=True)
    def _(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    return bindings


def _run(prompt: questionary.Question) -> Any:
    """Ask with Ctrl-C and Ctrl-D both ours to handle (plain `ask()` swallows Ctrl-C)."""
    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings or KeyBindings(), _end_on_ctrl_d()]
    )
    return prompt.unsafe_ask()


class Walk:
    """One person's pass through the questionnaire; `io` is prompt_toolkit input/output (tests)."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Answers,
        console: Printer,
        origins: Mapping[str, tuple[AnswerValue, tuple[str, ...]]] | None = None,
        diary_offer: DiaryOffer | None = None,
        **io: Any,
    ) -> None:
        self.questionnaire = questionnaire
        self.answers = answers
        self.console = console
        self.io = io
        self.preset = frozenset(answers.values)
        # Answers filled from the diary: (value, evidence), shown as such in the review.
        self.origins = dict(origins or {})
        self.diary_offer = diary_offer
        self._section: str | None = None

    # -- asking ----------------------------------------------------------------------------------

    def ask(self, question: Question) -> AnswerValue:
        current = self.answers.get(question.id)
        if question.type == "single":
            choices = [Choice(o.label, value=o.id, description=o.help) for o in question.options]
            prompt = questionary.select(
                question.text,
                choices=choices,
                default=current if isinstance(current, str) else None,
                **self.io,
            )
        elif question.type == "multi":
            chosen = current if isinstance(current, tuple) else ()
            choices = [
                Choice(o.label, value=o.id, description=o.help, checked=o.id in chosen)
                for o in question.options
            ]
            prompt = questionary.checkbox(
                question.text,
                choices=choices,
                validate=lambda picked: _check_multi(question, picked),
                **self.io,
            )
        else:
            prompt = questionary.text(
                f"{question.text} ({question.min} to {question.max})",
                default="" if current is None else str(current),
                validate=lambda text: _check_integer(question, text),
                **self.io,
            )
        return parse_value(question, _run(prompt), question.id)

    def _show_progress(self, question: Question) -> None:
        sections = self.questionnaire.sections
        if question.section != self._section:
            self._section = question.section
            section = self.questionnaire.section(question.section)
            number = [s.id for s in sections].index(section.id) + 1
            self.say()
            self.say(f"Section {number} of {len(sections)}: {section.title}", "bold")
            self.say(section.intro)
        plan = self._plan()
        position = plan.index(question) + 1 if question in plan else len(plan)
        self.say(f"Question {position} of {len(plan)}. {question.help}", "dim")

    def say(self, text: str = "", style: str = "") -> None:
        self.console.print(text, style=style, markup=False, highlight=False)

    def _plan(self) -> list[Question]:
        return [
            q
            for q in applicable_questions(self.questionnaire, self.answers)
            if q.id not in self.preset
        ]

    def _record(self, question: Question, value: AnswerValue) -> None:
        self.answers = prune_inapplicable(
            self.questionnaire, self.answers.with_answer(question.id, value)
        )

    def _next_missing(self) -> Question | None:
        for question in self.questionnaire:
            if question.id not in self.answers and is_applicable(question, self.answers):
                return question
        return None

    # -- the walk --------------------------------------------------------------------------------

    def _show_diary_answers(self) -> None:
        if not self.origins:
            return
        self.say()
        self.say("From your diary (you can change these at the end):", "bold")
        for question_id, (value, evidence) in self.origins.items():
            question = self.questionnaire.question(question_id)
            self.say(f"  {question.short}: {describe_answer(question, value)}")
            for line in evidence:
                self.say(f"      {line}", "dim")

    def _from_diary(self, question: Question) -> bool:
        origin = self.origins.get(question.id)
        return origin is not None and self.answers.get(question.id) == origin[0]

    def _after_red_flags(self) -> None:
        """Once the warning signs are screened: offer the diary, if any, and show its answers."""
        offer, self.diary_offer = self.diary_offer, None
        if offer is not None and (offered := offer()) is not None:
            values, evidence = offered
            fresh = {k: v for k, v in values.values.items() if k not in self.answers}
            self.answers = prune_inapplicable(
                self.questionnaire, Answers(fresh).merged(self.answers)
            )
            self.origins = {
                k: (v, evidence.get(k, ())) for k, v in fresh.items() if self.answers.get(k) == v
            }
            self.preset = self.preset | frozenset(self.origins)
        self._show_diary_answers()

    def run(self) -> Answers:
        try:
            asked = False
            # Warning signs given as flags are not asked again, but their advice still comes first.
            if self.answers.choices(RED_FLAGS):
                if self._red_flag_alert() == STOP:
                    return self.answers
                self._after_red_flags()
            while (question := self._next_missing()) is not None:
                self._show_progress(question)
                self._record(question, self.ask(question))
                asked = True
                if question.id == RED_FLAGS:
                    if self._red_flag_alert() == STOP:
                        return self.answers
                    self._after_red_flags()
            if asked:
                self.review()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.answers) from None
        return self.answers

    def _red_flag_alert(self) -> str:
        """Emergency advice at once, before any further question; urgent advice too."""
        question = self.questionnaire.question(RED_FLAGS)
        flagged = [question.option(o) for o in self.answers.choices(RED_FLAGS) if o != NONE_OPTION]
        emergency = [o for o in flagged if o.red_flag == "emergency"]
        if not flagged:
            return CONTINUE
        level = self.questionnaire.level("emergency" if emergency else "urgent")
        rule = f"==== {level.label.upper()} " + "=" * 40
        self.say()
        self.say(rule, f"bold {level.colour}")
        self.say(f"{level.label.upper()}: {level.action}", f"bold {level.colour}")
        self.say("You reported:")
        for option in emergency or flagged:
            self.say(f"  - {option.label}")
        self.say("Tell your prescriber as well. Do not stop or change dupilumab on your own.")
        self.say("=" * len(rule), f"bold {level.colour}")
        if not emergency:
            return CONTINUE
        choice = _run(
            questionary.select(
                "Get help now. Stop here, or finish the questions for your summary?",
                choices=[
                    Choice("Stop here and show the summary", value=STOP),
                    Choice("Finish the questions", value=CONTINUE),
                ],
                default=STOP,
                **self.io,
            )
        )
        return str(choice)

    def review(self) -> None:
        """List every answer; pick one to change, or accept (the default) to see the result."""
        while True:
            choices: list[Choice | Separator] = [
                Choice("Looks right: show my result", value=DONE),
                Separator(),
            ]
            for question in applicable_questions(self.questionnaire, self.answers):
                value = self.answers.get(question.id)
                shown = "not answered" if value is None else describe_answer(question, value)
                if self._from_diary(question):
                    shown += " (from your diary)"
                choices.append(Choice(f"{question.short}: {shown}", value=question.id))
            picked = _run(
                questionary.select(
                    "Review your answers. Pick one to change, or press Enter to see your result.",
                    choices=choices,
                    default=DONE,
                    **self.io,
                )
            )
            if picked == DONE:
                return
            question = self.questionnaire.question(str(picked))
            self.say(question.help, "dim")
            if self._from_diary(question):
                for line in self.origins[question.id][1]:
                    self.say(f"From your diary: {line}", "dim")
            self._record(question, self.ask(question))
            if question.id == RED_FLAGS and self._red_flag_alert() == STOP:
                return
            while (follow_up := self._next_missing()) is not None:
                self._show_progress(follow_up)
                self._record(follow_up, self.ask(follow_up))


def _check_multi(question: Question, picked: list[str]) -> bool | str:
    if not picked:
        hint = " (or 'None of these')" if NONE_OPTION in question.option_ids else ""
        return f"Pick at least one with the space bar{hint}, then press Enter."
    if NONE_OPTION in picked and len(picked) > 1:
        return f"'{question.option(NONE_OPTION).label}' cannot be picked with other options."
    return True


def _check_integer(question: Question, text: str) -> bool | str:
    stripped = text.strip()
    assert question.min is not None
    assert question.max is not None
    if stripped.isascii() and stripped.isdigit() and question.min <= int(stripped) <= question.max:
        return True
    return f"Type a whole number from {question.min} to {question.max}."


def run_questionnaire(
    questionnaire: Questionnaire,
    answers: Answers,
    *,
    console: Printer,
    origins: Mapping[str, tuple[AnswerValue, tuple[str, ...]]] | None = None,
    diary_offer: DiaryOffer | None = None,
    **io: Any,
) -> Answers:
    """Ask every applicable question not already answered, then review. Raises Interrupted."""
    return Walk(questionnaire, answers, console, origins, diary_offer, **io).run()


def offer_diary(path: str, **io: Any) -> bool:
    """Take the timing answers from the person's diary? Yes by default; Ctrl-C stops."""
    return bool(
        _run(
            questionary.confirm(
                f"You keep a diary ({path}). Answer the timing questions from it? "
                "You can check and change each answer before your result.",
                default=True,
                **io,
            )
        )
    )
