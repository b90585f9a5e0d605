"""The interactive walk through the questionnaire.

Only the interactive path imports this module (and with it questionary and prompt_toolkit).
Red flags come first and an emergency is shown at once; conditional questions follow their
condition; Esc goes back one question, keeping the answers after it that still apply; two
answers that cannot both be true are caught as the second is given; a review step at the end
lets the person change any answer before the result. Each prompt is built in prompt_kit.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TextIO

from questionary import Separator

from dupi_triage.answers import (
    Answers,
    AnswerValue,
    applicable_questions,
    contradicting,
    describe_answer,
    is_applicable,
    parse_value,
    prune_inapplicable,
)
from dupi_triage.prompt_fit import Line, screen_width
from dupi_triage.prompt_kit import (
    ESC_GOES_BACK,
    GoBack,
    Offer,
    ask,
    choose_many,
    choose_one,
    type_in,
)
from dupi_triage.questionnaire import NONE_OPTION, RED_FLAGS, Option, Question, Questionnaire
from dupi_triage.signals import Terminated
from dupi_triage.wrapping import fill

# prompt_toolkit asks the terminal for the cursor position and warns when no answer comes (dumb
# terminals, some multiplexers). Our prompts are short, so that information is not needed.
os.environ.setdefault("PROMPT_TOOLKIT_NO_CPR", "1")

DONE = "__done__"
STOP = "stop"
CONTINUE = "continue"
QUOTE = "'"  # around a question's or an option's words in a note
BACK_TO_SIGNS = "Esc goes back to the warning signs."
BACK_TO_LIST = "Esc goes back to the list."
BACK_TO_LAST = "Esc goes back to the last question."


class Printer(Protocol):
    """Where the walk prints between prompts; a rich Console fits too."""

    def print(
        self, text: str = "", *, style: str = "", markup: bool = ..., highlight: bool = ...
    ) -> None: ...


_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "dark_orange": "33"}


class TerminalNotes:
    """Prints section headings, alerts and notes between prompts.

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
        #: The questions asked in this walk, in order: where Esc goes back to.
        self.trail: list[str] = []
        #: Questions gone back past: asked again on the way forward, their answers shown.
        self.revisit: set[str] = set()
        self.asked = False
        #: Warning signs that later answers describe (purple spots that do not fade), once told.
        self.described: set[str] = set()
        self._section: str | None = None
        self._shown_total: int | None = None
        self._shown_number: int | None = None
        self._shown_for: str | None = None

    # -- asking ----------------------------------------------------------------------------------

    def ask(
        self, question: Question, *, back: str | None = None, header: tuple[Line, ...] = ()
    ) -> AnswerValue:
        """One question; raises GoBack for Esc (when `back` says where it goes)."""
        current = self.answers.get(question.id)
        offers = [Offer(o.id, o.label, o.help) for o in question.offered(self.answers.values)]
        if question.type == "single":
            prompt = choose_one(
                question.text,
                offers,
                current=current if isinstance(current, str) else None,
                back=back,
                header=header,
                **self.io,
            )
        elif question.type == "multi":
            prompt = choose_many(
                question.text,
                offers,
                chosen=current if isinstance(current, tuple) else (),
                validate=lambda picked: _check_multi(question, picked),
                back=back,
                header=header,
                **self.io,
            )
        elif question.type == "text":
            prompt = type_in(
                question.text,
                current=None if current is None else str(current),
                keep_current=False,
                below=True,  # the person's own words, wrapped under the question
                validate=lambda text: _check_text(question, text, screen_width(self.io)),
                back=back,
                header=header,
                **self.io,
            )
        else:
            prompt = type_in(
                f"{question.text} ({question.min} to {question.max})",
                current=None if current is None else str(current),
                validate=lambda text: _check_integer(question, text),
                keys="Type a number, then press Enter.",
                back=back,
                header=header,
                **self.io,
            )
        value = parse_value(question, ask(prompt), question.id)
        if question.type == "multi" and isinstance(value, tuple) and len(value) > 1:
            # questionary echoes only "done (N selections)": say which, in the person's words.
            picked = "; ".join(question.option(option_id).label for option_id in value)
            self.say(f"Picked: {picked}.", first="  ", indent="    ")
        return value

    def _header(self, question: Question) -> tuple[Line, ...]:
        """Above the question: the section when it changes (printed), then progress and help."""
        if question.section != self._section:
            self._section = question.section
            sections = self.questionnaire.sections
            section = self.questionnaire.section(question.section)
            number = [s.id for s in sections].index(section.id) + 1
            self.say()
            self.say(f"Section {number} of {len(sections)}: {section.title}", "bold")
            self.say(section.intro)
        return (("dim", self._progress_line(question)), ("dim", question.help))

    def _progress_line(self, question: Question) -> str:
        """Progress as "Question N of M": N goes up by one per question; a change in M is explained.

        Answers already given (a resumed answers file, flags) count as done, so a resumed walk
        carries on from where it stopped rather than starting again at 1. Going back counts back.
        """
        applicable = applicable_questions(self.questionnaire, self.answers)
        done = sum(
            1
            for q in applicable
            if q.id in self.answers and q.id != question.id and q.id not in self.revisit
        )
        number = done + 1
        going_back = self._shown_number is not None and question.id in self.revisit
        again = question.id == self._shown_for and self._shown_number is not None
        self._shown_for = question.id
        if again:  # asked again at once (two answers that cannot both be true)
            number = self._shown_number or number
        elif self._shown_number is not None and not going_back:
            # An answer dropped by a later one (the itch scale, once the age is under 6) was
            # still asked: going forward, the count goes on from the last number shown.
            number = max(number, self._shown_number + 1)
        total = number - 1 + len(applicable) - done
        self._shown_number = number
        line = f"Question {number} of {total}."
        previous, self._shown_total = self._shown_total, total
        if previous is None:
            if done:
                line += f" {_count(done, 'question')} already answered."
        elif going_back or again:
            pass
        elif total > previous:
            added = total - previous
            line += f" {_count(added, 'follow-up question')} added by your last answer."
        elif total < previous:
            gone = previous - total
            line += f" {_count(gone, 'question')} no longer {'applies' if gone == 1 else 'apply'}."
        return line

    def say(self, text: str = "", style: str = "", *, first: str = "", indent: str = "") -> None:
        """A line for the person, wrapped between words; `first` and `indent` as in `fill`."""
        shown = fill(text, screen_width(self.io), indent=indent, first=first)
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

    def _contradiction(
        self, question: Question, value: AnswerValue, *, in_review: bool = False
    ) -> bool:
        """Say why, if this answer cannot be true with one already given (it is then asked
        again); False when it can. `in_review`: the answer is being changed from the review."""
        found = contradicting(self.questionnaire, self.answers.with_answer(question.id, value))
        for rule in found:
            if question.id not in (sign.question for sign in rule.signs):
                continue
            other = next(s.question for s in rule.signs if s.question != question.id)
            given = self.questionnaire.question(other)
            other_value = self.answers.get(other)
            assert other_value is not None
            if in_review:
                where = "press Esc to go back to the list and pick it there"
            elif self.trail and self.trail[-1] == other:
                where = "press Esc to go back to it"
            else:
                where = "change it in the review at the end"
            self.say(
                f"These two answers cannot both be true: '{given.short}' is "
                f"'{describe_answer(given, other_value)}', and '{question.short}' is "
                f"'{describe_answer(question, value)}'. {_sentence(rule.message)} "
                f"Pick again; or, if '{given.short}' is the one to change, {where}.",
                "bold",
            )
            return True
        return False

    def _next(self, after: Question | None) -> Question | None:
        """The next question: after `after`, the first one not answered yet or gone back past;
        then anything still unanswered. The person's own words (a text question) come only in a
        walk that asked something else: answers complete without them are not held up."""
        questions = self.questionnaire.questions
        start = 0 if after is None else questions.index(self.questionnaire.question(after.id)) + 1
        for question in (*questions[start:], *questions[:start]):
            if question.type == "text" and not self.asked:
                continue
            wanted = question.id not in self.answers or question.id in self.revisit
            if wanted and is_applicable(question, self.answers):
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
            # Warning signs given as flags are not asked again, but their advice still comes first.
            if self.answers.choices(RED_FLAGS):
                if self._red_flag_alert(back=None) == STOP:
                    return self.answers
                self._after_red_flags()
            # So do the signs that answers given up front describe.
            if self._described_alert() == STOP:
                return self.answers
            start: Question | None = None
            while True:
                if self._walk(start) == STOP or not self.asked:
                    return self.answers
                try:
                    self.review()
                    return self.answers
                except GoBack:  # Esc in the review: back to the last question asked
                    start = self.questionnaire.question(self.trail.pop())
                    self.revisit.add(start.id)
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.answers) from None
        except Terminated as ended:
            raise Interrupted(self.answers, ended.exit_code) from None

    def _walk(self, question: Question | None, *, leave_with_esc: bool = False) -> str:
        """Ask from `question` (else the first one unanswered) until none is left.

        Esc goes back along the trail of questions asked; at its start, it leaves the walk
        (GoBack) when `leave_with_esc`, and otherwise says there is nothing to go back to.
        """
        question = question or self._next(None)
        while question is not None:
            can_go_back = bool(self.trail) or leave_with_esc
            try:
                value = self.ask(
                    question,
                    back=ESC_GOES_BACK if can_go_back else None,
                    header=self._header(question),
                )
                if self._contradiction(question, value):
                    continue
                self._record(question, value)
                self.asked = True
                self.trail.append(question.id)
                self.revisit.discard(question.id)
                if question.id == RED_FLAGS:
                    if self._red_flag_alert(back=BACK_TO_SIGNS) == STOP:
                        return STOP
                    self._after_red_flags()
                elif self._described_alert() == STOP:
                    return STOP
            except GoBack:
                if not self.trail:
                    raise  # only with leave_with_esc: the caller goes back
                previous = self.trail.pop()
                if previous != question.id:  # (the same: Esc at the emergency choice)
                    self.revisit.add(question.id)
                question = self.questionnaire.question(previous)
                self.revisit.add(previous)
                continue
            question = self._next(question)
        return CONTINUE

    def _red_flag_alert(self, *, back: str | None) -> str:
        """Emergency advice at once, before any further question; urgent advice too."""
        question = self.questionnaire.question(RED_FLAGS)
        flagged = [question.option(o) for o in self.answers.choices(RED_FLAGS) if o != NONE_OPTION]
        return self._alert(flagged, "Reported:", back=back)

    def _described_alert(self) -> str:
        """A warning sign that later answers describe (purple spots that do not fade under a
        glass, in a child under 6, with a fever) gets the same alert at once (safety rule 2).

        No answer yet describes nothing: the scoring is loaded after the first question, not
        before it (about 1.5 ms of the wait for the first prompt, benchmarks/bench.py)."""
        if not len(self.answers):
            self.described = set()
            return CONTINUE
        from dupi_triage.scoring.triage import warning_signs

        described = {
            sign.id: sign.described_by
            for sign in warning_signs(self.questionnaire, self.answers)
            if sign.described_by
        }
        new, self.described = set(described) - self.described, set(described)
        if not new:
            return CONTINUE
        question = self.questionnaire.question(RED_FLAGS)
        signs = [o for o in question.options if o.id in new]
        # Which answers, in the person's words: purple spots with a fever count as the sign even
        # before the glass question is asked, so its label ("do not fade...") is not what they said.
        pairs = dict.fromkeys(pair for sign in signs for pair in described[sign.id])
        said = "; ".join(self.questionnaire.question(q).option(a).label for q, a in pairs)
        return self._alert(
            signs,
            "To be safe, your answers count as this warning sign:",
            back=None,
            because=f"Your answers: {said}.",
        )

    def _alert(
        self, flagged: list[Option], lead: str, *, back: str | None, because: str = ""
    ) -> str:
        emergency = [o for o in flagged if o.red_flag == "emergency"]
        if not flagged:
            return CONTINUE
        level = self.questionnaire.level("emergency" if emergency else "urgent")
        advice = self.questionnaire.advice
        heading = f"==== {level.label.upper()} "
        rule = heading + "=" * max(4, min(56, screen_width(self.io)) - len(heading))
        self.say()
        self.say(rule, f"bold {level.colour}")
        self.say(f"{level.label.upper()}: {level.action}", f"bold {level.colour}")
        if any(option.first_aid for option in flagged):
            self.say(advice.first_aid, "bold")
        self.say(lead)
        for option in emergency or flagged:
            self.say(option.label, first="  - ", indent="    ")
        if because:
            self.say(because)
        # The label's exception to "do not stop": a hypersensitivity sign holds the next dose.
        if any(option.hold_next_dose for option in flagged):
            self.say(advice.hold_next_dose, "bold")
        else:
            self.say(advice.tell_clinician)
        self.say("=" * len(rule), f"bold {level.colour}")
        if not emergency:
            return CONTINUE
        # Enter alone stops: the safer of the two, and not an answer to the questionnaire.
        prompt = choose_one(
            "Get help now. Stop here, or finish the questions for your summary?",
            [
                Offer(STOP, "Stop here and show the summary"),
                Offer(CONTINUE, "Finish the questions"),
            ],
            current=STOP,
            back=back,
            nothing_before=None,
            **self.io,
        )
        return str(ask(prompt))

    def review(self) -> None:
        """List every answer; pick one to change, or accept (the default) to see the result.

        Esc goes back to the last question asked (GoBack); while an answer is being changed, Esc
        goes back to the list, leaving it as it was.
        """
        while True:
            offers: list[Offer | Separator] = [
                Offer(DONE, "Looks right: show my result"),
                Separator(),
            ]
            for question in applicable_questions(self.questionnaire, self.answers):
                value = self.answers.get(question.id)
                shown = "not answered" if value is None else describe_answer(question, value)
                if self._from_diary(question):
                    shown += " (from your diary)"
                offers.append(Offer(question.id, f"{question.short}: {shown}"))
            prompt = choose_one(
                "Review your answers. Pick one to change, or press Enter to see your result.",
                offers,
                current=DONE,
                back=BACK_TO_LAST if self.trail else None,
                nothing_before=None,
                **self.io,
            )
            picked = ask(prompt)
            if picked == DONE:
                return
            question = self.questionnaire.question(str(picked))
            if self._from_diary(question):
                for line in self.origins[question.id][1]:
                    self.say(f"From your diary: {line}", "dim")
            walked, self.trail = self.trail, []
            try:
                if self._change(question) == STOP:
                    return
            except GoBack:
                pass
            finally:
                self.trail, self.revisit = walked, set()

    def _change(self, question: Question) -> str:
        """Change one answer from the review, then ask what it added (Esc: back to the list)."""
        self._section = question.section  # no section heading for one answer
        while True:
            value = self.ask(question, back=BACK_TO_LIST, header=(("dim", question.help),))
            if not self._contradiction(question, value, in_review=True):
                break
        self._record(question, value)
        if question.id == RED_FLAGS and self._red_flag_alert(back=None) == STOP:
            return STOP
        if question.id != RED_FLAGS and self._described_alert() == STOP:
            return STOP
        self.trail = [question.id]
        return self._walk(self._next(question), leave_with_esc=True)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


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
    import questionary

    from dupi_triage.prompt_fit import question_text

    text: Any = question_text(message)  # wrapped at each draw: questionary formats it then
    return bool(ask(questionary.confirm(text, default=False, instruction="", **io)))


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
    import questionary

    from dupi_triage.errors import printable
    from dupi_triage.prompt_fit import question_text

    message: Any = question_text(
        f"You keep a diary ({printable(path)}). Answer the timing questions from it? "
        "You can check and change each answer before your result."
    )
    return bool(ask(questionary.confirm(message, default=True, **io)))
