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
from dupi_triage.questionnaire import (
    NONE_OPTION,
    RED_FLAGS,
    Question,
    Questionnaire,
)
from dupi_triage.signals import Terminated
from dupi_triage.wrapping import fill, hanging, terminal_width, usable

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
    """The person pressed Ctrl-C or Ctrl-D, or the terminal went away (SIGHUP) or SIGTERM came.

    `answers` holds what was answered so far; `exit_code` is 130, or 128 + the signal's number.
    """

    def __init__(self, answers: Answers, exit_code: int = 130) -> None:
        super().__init__("interrupted")
        self.answers = answers
        self.exit_code = exit_code


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
    from dupi_triage.signals import raise_pending

    try:
        return prompt.unsafe_ask()
    finally:
        raise_pending()  # a hangup as the prompt closed is not lost


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
        # The questions speak to whoever answers ("you", "your child", "the patient").
        self.base = questionnaire
        self.questionnaire = questionnaire.worded_for(answers.values)
        self.answers = answers
        self.console = console
        self.io = io
        # Answers filled from the diary: (value, evidence), shown as such in the review.
        self.origins = dict(origins or {})
        self.diary_offer = diary_offer
        self._section: str | None = None
        self._shown_total: int | None = None
        self._shown_number: int | None = None

    # -- asking ----------------------------------------------------------------------------------

    def ask(self, question: Question) -> AnswerValue:
        current = self.answers.get(question.id)
        width = self.width()
        if question.type == "single":
            choices = [
                Choice(hanging(o.label, width, SELECT_INDENT), value=o.id, description=o.help)
                for o in question.offered(self.answers.values)
            ]
            prompt = questionary.select(
                _message(question.text, width),
                choices=choices,
                default=current if isinstance(current, str) else None,
                instruction=_instruction(SELECT_KEYS, width),
                show_description=False,
                **self.io,
            )
        elif question.type == "multi":
            chosen = current if isinstance(current, tuple) else ()
            choices = [
                Choice(
                    hanging(o.label, width, CHECKBOX_INDENT),
                    value=o.id,
                    description=o.help,
                    checked=o.id in chosen,
                )
                for o in question.offered(self.answers.values)
            ]
            prompt = questionary.checkbox(
                _message(question.text, width),
                choices=choices,
                validate=lambda picked: _check_multi(question, picked),
                instruction=_instruction(CHECKBOX_KEYS, width),
                show_description=False,
                **self.io,
            )
        elif question.type == "text":
            prompt = questionary.text(
                _message(question.text, width),
                default="" if current is None else str(current),
                validate=lambda text: _check_text(question, text, width),
                **self.io,
            )
        else:
            prompt = questionary.text(
                _message(f"{question.text} ({question.min} to {question.max})", width),
                default="" if current is None else str(current),
                validate=lambda text: _check_integer(question, text),
                **self.io,
            )
        _notes_below_choices(prompt, width)
        _answer_below(prompt, width)
        return parse_value(question, _run(prompt), question.id)

    def width(self) -> int:
        """Columns to fit every line in, measured at each prompt (the window may be resized)."""
        return usable(terminal_width(self.io.get("output")))

    def _show_progress(self, question: Question) -> None:
        sections = self.questionnaire.sections
        if question.section != self._section:
            self._section = question.section
            section = self.questionnaire.section(question.section)
            number = [s.id for s in sections].index(section.id) + 1
            self.say()
            self.say(f"Section {number} of {len(sections)}: {section.title}", "bold")
            self.say(section.intro)
        self.say(self._progress_line(), "dim")
        self.say(question.help, "dim")

    def _progress_line(self) -> str:
        """Progress as "Question N of M": N goes up by one per question; a change in M is explained.

        Answers already given (a resumed answers file, flags) count as done, so a resumed walk
        carries on from where it stopped rather than starting again at 1.
        """
        applicable = applicable_questions(self.questionnaire, self.answers)
        done = sum(1 for q in applicable if q.id in self.answers)
        # An answer dropped by a later one (the itch scale, once the age is under 6) was still
        # asked: the count goes on from the last number shown, never back to it.
        number = done + 1 if self._shown_number is None else max(done + 1, self._shown_number + 1)
        total = number - 1 + len(applicable) - done
        self._shown_number = number
        line = f"Question {number} of {total}."
        previous, self._shown_total = self._shown_total, total
        if previous is None:
            if done:
                line += f" {_count(done, 'question')} already answered."
        elif total > previous:
            added = total - previous
            line += f" {_count(added, 'follow-up question')} added by your last answer."
        elif total < previous:
            gone = previous - total
            line += f" {_count(gone, 'question')} no longer {'applies' if gone == 1 else 'apply'}."
        return line

    def say(self, text: str = "", style: str = "", *, first: str = "", indent: str = "") -> None:
        """A line for the person, wrapped between words; `first` and `indent` as in `fill`."""
        shown = fill(text, self.width(), indent=indent, first=first)
        self.console.print(shown, style=style, markup=False, highlight=False)

    def _record(self, question: Question, value: AnswerValue) -> None:
        given = self.answers.with_answer(question.id, value)
        self.answers = prune_inapplicable(self.questionnaire, given)
        self.questionnaire = self.base.worded_for(self.answers.values)  # a cached lookup
        for changed in self.questionnaire:
            before, after = given.get(changed.id), self.answers.get(changed.id)
            if before is None or before == after:
                continue
            if changed.when is not None and changed.when.state(self.answers.values) is False:
                self.say(
                    f"Note: the answer to '{changed.short}' was dropped: it applies only when "
                    f"{changed.when.in_words(self.questionnaire, QUOTE)}.",
                    "dim",
                )
                continue
            # Options offered only to some (the nappy area, for young children) are taken out.
            for option_id in set(given.choices(changed.id)) - set(self.answers.choices(changed.id)):
                option = changed.option(option_id)
                assert option.when is not None
                again = "" if after is not None else " The question will be asked again."
                self.say(
                    f"Note: '{option.label}' was taken out of '{changed.short}': it applies only "
                    f"when {option.when.in_words(self.questionnaire, QUOTE)}.{again}",
                    "dim",
                )

    def _next_missing(self, *, own_words: bool = True) -> Question | None:
        """The next question to ask. The person's own words (a text question) come only in a
        walk that asked something else: answers complete without them are not held up."""
        for question in self.questionnaire:
            if question.type == "text" and not own_words:
                continue
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
            self.say(
                f"{question.short}: {describe_answer(question, value)}", first="  ", indent="    "
            )
            for line in evidence:
                self.say(line, "dim", first="      ", indent="      ")

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
        self._show_diary_answers()

    def run(self) -> Answers:
        try:
            asked = False
            # Warning signs given as flags are not asked again, but their advice still comes first.
            if self.answers.choices(RED_FLAGS):
                if self._red_flag_alert() == STOP:
                    return self.answers
                self._after_red_flags()
            while (question := self._next_missing(own_words=asked)) is not None:
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
        except Terminated as ended:
            raise Interrupted(self.answers, ended.exit_code) from None
        return self.answers

    def _red_flag_alert(self) -> str:
        """Emergency advice at once, before any further question; urgent advice too."""
        question = self.questionnaire.question(RED_FLAGS)
        flagged = [question.option(o) for o in self.answers.choices(RED_FLAGS) if o != NONE_OPTION]
        emergency = [o for o in flagged if o.red_flag == "emergency"]
        if not flagged:
            return CONTINUE
        level = self.questionnaire.level("emergency" if emergency else "urgent")
        advice = self.questionnaire.advice
        heading = f"==== {level.label.upper()} "
        rule = heading + "=" * max(4, min(56, self.width()) - len(heading))
        self.say()
        self.say(rule, f"bold {level.colour}")
        self.say(f"{level.label.upper()}: {level.action}", f"bold {level.colour}")
        if any(option.first_aid for option in flagged):
            self.say(advice.first_aid, "bold")
        self.say("Reported:")
        for option in emergency or flagged:
            self.say(option.label, first="  - ", indent="    ")
        # The label's exception to "do not stop": a hypersensitivity sign holds the next dose.
        if any(option.hold_next_dose for option in flagged):
            self.say(advice.hold_next_dose, "bold")
        else:
            self.say(advice.tell_clinician)
        self.say("=" * len(rule), f"bold {level.colour}")
        if not emergency:
            return CONTINUE
        width = self.width()
        prompt = questionary.select(
            _message("Get help now. Stop here, or finish the questions for your summary?", width),
            choices=[
                Choice("Stop here and show the summary", value=STOP),
                Choice("Finish the questions", value=CONTINUE),
            ],
            default=STOP,
            instruction=_instruction(SELECT_KEYS, width),
            **self.io,
        )
        _answer_below(prompt, width)
        return str(_run(prompt))

    def review(self) -> None:
        """List every answer; pick one to change, or accept (the default) to see the result."""
        while True:
            width = self.width()
            choices: list[Choice | Separator] = [
                Choice("Looks right: show my result", value=DONE),
                Separator(),
            ]
            for question in applicable_questions(self.questionnaire, self.answers):
                value = self.answers.get(question.id)
                shown = "not answered" if value is None else describe_answer(question, value)
                if self._from_diary(question):
                    shown += " (from your diary)"
                choices.append(_review_choice(question.short, shown, question.id, width))
            prompt = questionary.select(
                _message(
                    "Review your answers. Pick one to change, or press Enter to see your result.",
                    width,
                ),
                choices=choices,
                default=DONE,
                instruction=_instruction(SELECT_KEYS, width),
                **self.io,
            )
            _answer_below(prompt, width)
            picked = _run(prompt)
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


# --- fitting prompts to the screen -------------------------------------------------------------

# Columns before a choice's title: the pointer (" » "), and in a checkbox the box ("○ ") too.
SELECT_INDENT = 3
QUOTE = "'"  # around a question's or an option's words in a note
CHECKBOX_INDENT = 5
SELECT_KEYS = "(Use the arrow keys, then Enter)"
CHECKBOX_KEYS = (
    "(Use the arrow keys to move, the space bar to pick or unpick, Enter when done; "
    "a picks all, i inverts)"
)


def _message(text: str, width: int) -> str:
    """The question after questionary's "? ", broken between words to fit the screen."""
    return fill(text, width, indent="  ", first="? ")[2:]


def _instruction(text: str, width: int) -> str:
    """The key hint on its own lines under the question, never split inside a word."""
    return "\n" + fill(text, width, indent="  ", first="  ")


def _review_choice(short: str, shown: str, value: str, width: int) -> Choice:
    return Choice(hanging(f"{short}: {shown}", width, SELECT_INDENT), value=value)


def _notes_below_choices(prompt: questionary.Question, width: int) -> None:
    """Show the pointed-at option's help, and why Enter did nothing, right under that option.

    questionary prints a description on one line at the foot of the list, which the screen cuts,
    and shows a refused answer's reason in a bottom toolbar that prompt_toolkit draws only once
    it knows the cursor position (never with PROMPT_TOOLKIT_NO_CPR, which we set): Enter would
    then do nothing, silently. Both are drawn here instead, wrapped, under the pointed option,
    and the list scrolls so that they stay on screen however short the terminal is.
    """
    from prompt_toolkit.layout.containers import ScrollOffsets
    from questionary.prompts.common import InquirerControl

    layout = prompt.application.layout
    controls = [c for c in layout.find_all_controls() if isinstance(c, InquirerControl)]
    if not controls:
        return
    control: Any = controls[0]
    choice_tokens = control.text
    lines_below_cursor = [0]

    def tokens() -> list[tuple[str, str]]:
        shown = list(choice_tokens())
        if shown and shown[-1] == ("", "\n"):
            shown.pop()
        notes: list[tuple[str, str]] = []
        help_text = getattr(control.get_pointed_at(), "description", None)
        # The help sits two columns in from the option's words, so it reads as the option's note.
        indent = " " * (2 + (CHECKBOX_INDENT if control.use_indicator else SELECT_INDENT))
        if help_text:
            notes += [
                ("", "\n"),
                ("class:text", fill(help_text, width, indent=indent, first=indent)),
            ]
        if control.error_message:
            reason = "".join(part[1] for part in control.error_message)
            notes += [
                ("", "\n"),
                ("class:validation-toolbar", fill(reason, width, indent="  ", first="! ")),
            ]
        cursor = next(i for i, t in enumerate(shown) if t[0] == "[SetCursorPosition]")
        end = next((i for i in range(cursor, len(shown)) if shown[i] == ("", "\n")), len(shown))
        shown[end:end] = notes
        lines_below_cursor[0] = sum(t[1].count("\n") for t in shown[cursor : end + len(notes)])
        return shown

    control.text = tokens
    for window in layout.find_all_windows():
        if window.content is control:
            window.scroll_offsets = ScrollOffsets(bottom=lambda: lines_below_cursor[0])


def _answer_below(prompt: questionary.Question, width: int) -> None:
    """Once answered, show the picked option on its own lines under the question.

    questionary writes it after the question, on the question's last line: a long option then
    runs past the edge, and prompt_toolkit, which sized that line for one row, drops the rows in
    between ("A pa" ... "someone I look after"). So the moment Enter is accepted, and before
    the answered line is drawn, each option's title becomes its label wrapped between words
    under the question. (A title given as fragments is printed as is, with no brackets.)
    """
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    app = prompt.application
    controls = [c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)]
    if not controls or app.key_bindings is None:
        return
    control: Any = controls[0]

    def answered_titles() -> None:
        for choice in control.choices:
            if isinstance(choice, Choice) and isinstance(choice.title, str):
                label = " ".join(choice.title.split())
                choice.title = [("", "\n" + fill(label, width, indent="  ", first="  "))]

    for binding in app.key_bindings.bindings:
        if binding.keys == (Keys.ControlM,):
            accept = binding.handler

            def handler(event: Any, accept: Any = accept) -> Any:
                result = accept(event)
                if control.is_answered:  # not when a multi-choice answer was refused
                    answered_titles()
                return result

            binding.handler = handler


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _check_multi(question: Question, picked: list[str]) -> bool | str:
    if not picked:
        none = question.option(NONE_OPTION).label if NONE_OPTION in question.option_ids else None
        hint = f" (or '{none}')" if none else ""
        return (
            f"Nothing is picked yet. Pick at least one with the space bar{hint}, then press Enter."
        )
    if NONE_OPTION in picked and len(picked) > 1:
        none_label = question.option(NONE_OPTION).label
        return (
            f"'{none_label}' cannot be picked with other options. Move to it and press the "
            "space bar to unpick it, or unpick the others."
        )
    return True


def _check_text(question: Question, text: str, width: int) -> bool | str:
    """Words over the limit are not accepted, and the person is told by how much (never cut).

    prompt_toolkit shows the reason on one line, cut at the edge: the longest wording that fits.
    """
    from dupi_triage.free_text import clean

    assert question.max is not None
    length = len(clean(text))
    if length <= question.max:
        return True
    reasons = [
        f"This is {length} characters long: {question.max} at most. Shorten it, then press Enter.",
        f"Too long: {length} characters, {question.max} at most. Shorten it.",
        f"Too long: {length} of {question.max} characters",
    ]
    return next((reason for reason in reasons if len(reason) <= width), reasons[-1])


def _check_integer(question: Question, text: str) -> bool | str:
    stripped = text.strip()
    assert question.min is not None
    assert question.max is not None
    if stripped.isascii() and stripped.isdigit() and question.min <= int(stripped) <= question.max:
        return True
    return f"Type a whole number from {question.min} to {question.max}."


def ask_yes_no(message: str, **io: Any) -> bool:
    """A wrapped yes/no question whose default (Enter alone) is no. Raises KeyboardInterrupt."""
    width = usable(terminal_width(io.get("output")))
    answer = _run(
        questionary.confirm(_message(message, width), default=False, instruction="", **io)
    )
    return bool(answer)


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
    from dupi_triage.errors import printable

    width = usable(terminal_width(io.get("output")))
    message = (
        f"You keep a diary ({printable(path)}). Answer the timing questions from it? "
        "You can check and change each answer before your result."
    )
    return bool(_run(questionary.confirm(_message(message, width), default=True, **io)))
