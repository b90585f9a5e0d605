"""Answers: parsed and validated from flags, answers files or prompts, in one canonical form.

Whatever the input, an answer ends up the same: an option id (single choice), a tuple of option ids
in questionnaire order (multi choice), an int, or the person's own words (a `text` question, cleaned
by free_text.py and never scored). That makes scoring deterministic and lets a saved
answers file replay a run exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any, Final

from dupi_triage.errors import InputError, quoted
from dupi_triage.migrations import VERSION_KEY, migrate
from dupi_triage.questionnaire import (
    NONE_OPTION,
    Contradiction,
    Question,
    Questionnaire,
    When,
)

AnswerValue = str | int | tuple[str, ...]
# A free-text question left empty (Enter at its prompt, or "" in a file): asked, nothing to add.
NOTHING_ADDED = "Nothing added"
FieldName = Callable[[Question], str]


def file_field(question: Question) -> str:
    return question.id


def flag_field(question: Question) -> str:
    return question.flag


class Answers:
    """Answers by question id. Immutable; `merged` builds a new set.

    A plain class (a frozen dataclass costs every start about 0.4 ms to define); equal when the
    values and the version they were saved under are.
    """

    __slots__ = ("pairs", "saved_under", "values")

    def __init__(
        self,
        values: Mapping[str, AnswerValue] = MappingProxyType({}),
        saved_under: str | None = None,
    ) -> None:
        self.values: Final[Mapping[str, AnswerValue]] = MappingProxyType(dict(values))
        #: The questionnaire version the answers were saved under, when older than this one; the
        #: result then never scores lower than it did under that version (migrations.py), and an
        #: option condition that came in after it does not refuse them (Option.when_since).
        self.saved_under: Final = saved_under
        pairs = set()
        for question_id, value in self.values.items():
            if isinstance(value, str):
                pairs.add((question_id, value))
            elif isinstance(value, tuple):
                pairs.update((question_id, option_id) for option_id in value)
        self.pairs: Final = frozenset(pairs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Answers):
            return NotImplemented
        return (self.values, self.saved_under) == (other.values, other.saved_under)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Answers(values={self.values!r}, saved_under={self.saved_under!r})"

    def __contains__(self, question_id: object) -> bool:
        return question_id in self.values

    def __len__(self) -> int:
        return len(self.values)

    def get(self, question_id: str) -> AnswerValue | None:
        return self.values.get(question_id)

    def choices(self, question_id: str) -> tuple[str, ...]:
        """The chosen option ids of a question, whatever its type; () when unanswered."""
        value = self.values.get(question_id)
        if value is None or isinstance(value, int):
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    def has(self, question_id: str, option_id: str) -> bool:
        return (question_id, option_id) in self.pairs

    def merged(self, override: Answers) -> Answers:
        """These answers with `override`'s over them. Saved under an older version, either
        keeps that version (the diary under a 1.0 file, a 1.0 file under flags): older answers
        keep their floors whatever joins them."""
        return Answers({**self.values, **override.values}, self.saved_under or override.saved_under)

    def with_answer(self, question_id: str, value: AnswerValue) -> Answers:
        return Answers({**self.values, question_id: value}, self.saved_under)

    def without(self, *question_ids: str) -> Answers:
        values = {k: v for k, v in self.values.items() if k not in question_ids}
        return Answers(values, self.saved_under)

    def in_order(self, questionnaire: Questionnaire) -> list[tuple[str, AnswerValue]]:
        """(question id, answer) pairs in questionnaire order."""
        values = self.values
        return [(q.id, value) for q in questionnaire if (value := values.get(q.id)) is not None]

    def to_json(self, questionnaire: Questionnaire) -> dict[str, Any]:
        """Plain JSON, in questionnaire order, in the very format `--answers` reads."""
        return {
            question_id: list(value) if isinstance(value, tuple) else value
            for question_id, value in self.in_order(questionnaire)
        }


def normalise_option(text: str) -> str:
    return text.strip().lower().replace("-", "_")


def parse_value(question: Question, raw: object, field_name: str) -> AnswerValue:
    """Turn one raw answer (a string, a list of strings or a number) into its canonical form."""
    kind = type(raw)
    if kind is str or kind is int:
        return _parse_cached(question, raw, field_name)
    if kind is list and all(type(item) is str for item in raw):  # type: ignore[attr-defined]
        return _parse_cached(question, tuple(raw), field_name)  # type: ignore[arg-type]
    return _parse(question, raw, field_name)


@functools.lru_cache(maxsize=8192)
def _parse_cached(question: Question, raw: object, field_name: str) -> AnswerValue:
    """Batch files repeat the same few values millions of times; parse each once."""
    return _parse(question, list(raw) if isinstance(raw, tuple) else raw, field_name)


def _parse(question: Question, raw: object, field_name: str) -> AnswerValue:
    if question.type == "text":
        return _parse_text(question, raw, field_name)
    if question.type == "integer":
        return _parse_integer(question, raw, field_name)
    if question.type == "single":
        if isinstance(raw, list | tuple):
            raise InputError(field_name, "takes one value, not a list", question.allowed_values())
        return _parse_option(question, raw, field_name)
    return _parse_multi(question, raw, field_name)


def _parse_option(question: Question, raw: object, field_name: str) -> str:
    if not isinstance(raw, str):
        raise InputError(
            field_name, f"expected an option id, got {_describe(raw)}", question.allowed_values()
        )
    option_id = normalise_option(raw)
    if option_id not in question.option_ids:
        raise InputError(
            field_name, f"{_quote(raw)} is not an allowed value", question.allowed_values()
        )
    return option_id


def _parse_text(question: Question, raw: object, field_name: str) -> str:
    """The person's own words, cleaned of anything that is not plain text (never scored); too
    long is refused, never cut."""
    from dupi_triage.free_text import clean, too_long

    if not isinstance(raw, str):
        raise InputError(
            field_name, f"expected text, got {_describe(raw)}", question.allowed_values()
        )
    assert question.max is not None
    text = clean(raw)
    problem = too_long(text, question.max)
    if problem is not None:
        raise InputError(field_name, problem, question.allowed_values())
    return text


def _parse_multi(question: Question, raw: object, field_name: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        parts: list[object] = list(raw.split(","))
    elif isinstance(raw, list | tuple):
        parts = []
        for item in raw:
            parts.extend(item.split(",") if isinstance(item, str) else [item])
    else:
        raise InputError(
            field_name,
            f"expected a list of option ids, got {_describe(raw)}",
            question.allowed_values(),
        )
    # "none, " or "a,,b": a stray comma or space is no value, not a wrong one.
    chosen = {
        _parse_option(question, part, field_name)
        for part in parts
        if not (isinstance(part, str) and part.strip() == "")
    }
    if not chosen:
        raise InputError(
            field_name,
            "needs at least one value (use 'none' if none applies)"
            if NONE_OPTION in question.option_ids
            else "needs at least one value",
            question.allowed_values(),
        )
    if NONE_OPTION in chosen and len(chosen) > 1:
        raise InputError(
            field_name,
            "'none' cannot be combined with other options",
            question.allowed_values(),
        )
    return tuple(option_id for option_id in question.option_ids if option_id in chosen)


def _parse_integer(question: Question, raw: object, field_name: str) -> int:
    assert question.min is not None
    assert question.max is not None
    allowed = question.allowed_values()
    if isinstance(raw, float) and raw == raw and abs(raw) < 1e6:
        raise InputError(field_name, f"{raw!r} is not a whole number", allowed)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InputError(field_name, f"expected a whole number, got {_describe(raw)}", allowed)
    if isinstance(raw, str):
        text = raw.strip()
        # One minus sign at most: '--5' is not a number (int() would raise).
        if not (text.isascii() and text.removeprefix("-").isdigit()) or len(text) > 6:
            raise InputError(field_name, f"{_quote(raw)} is not a whole number", allowed)
        raw = int(text)
    if not question.min <= raw <= question.max:
        raise InputError(field_name, f"{raw} is out of range", allowed)
    return raw


def parse_answers(
    questionnaire: Questionnaire,
    raw: Mapping[str, object],
    field_name: FieldName = file_field,
    *,
    orphans: bool = False,
) -> Answers:
    """Validate a mapping of question id to raw value; `None` means "not answered".

    A `questionnaire_version` key says which version the answers were saved under; older ones are
    migrated (migrations.py). `orphans` allows an answer whose condition is not known yet (the
    question it depends on is unanswered): only where that question will still be asked.
    """
    saved_under = None
    if VERSION_KEY in raw:
        raw, saved_under = migrate(questionnaire, raw)
    values: dict[str, AnswerValue] = {}
    for question_id, raw_value in raw.items():
        question = questionnaire.by_id.get(question_id)
        if question is None:
            raise InputError(
                _quote(question_id),
                "is not a question",
                ", ".join(questionnaire.by_id),
            )
        if raw_value is not None:
            values[question_id] = parse_value(question, raw_value, field_name(question))
    answers = Answers(values, saved_under)
    check_conditions(questionnaire, answers, field_name, orphans=orphans)
    return answers


def check_conditions(
    questionnaire: Questionnaire,
    answers: Answers,
    field_name: FieldName = file_field,
    *,
    orphans: bool = False,
    fresh: Collection[str] = (),
) -> None:
    """A conditional answer needs its condition: given, and not contradicted.

    The error names both fields: the conditional answer and what it depends on. `fresh`: the
    questions answered now (flags) over answers saved under an older version.
    """
    _check_offered(questionnaire, answers, field_name)
    # 1.0 accepted an answer whose condition was left unanswered (--improved-on-pause with no
    # --dose-paused) and saved it: such answers keep loading.
    orphans = orphans or answers.saved_under == "1.0"
    for question in questionnaire.conditional:
        if question.id not in answers:
            continue
        assert question.when is not None
        state = question.when.state(answers.values)
        if state is True or (state is None and orphans):
            continue
        parents = [questionnaire.question(p) for p in question.when.questions]
        condition = describe_condition(question, field_name, questionnaire)
        if state is None:
            needed = " and ".join(field_name(parent) for parent in parents)
            raise InputError(
                field_name(question), f"only applies when {condition}; give {needed} too"
            )
        given = _given(questionnaire, question.when, answers, field_name)
        raise InputError(field_name(question), f"only applies when {condition}, but {given}")
    _check_contradictions(questionnaire, answers, field_name, fresh)


def contradicting(questionnaire: Questionnaire, answers: Answers) -> tuple[Contradiction, ...]:
    """The pairs of these answers that cannot both be true ([[contradictions]] in the data)."""
    return tuple(rule for rule in questionnaire.contradictions if rule.holds(answers.pairs))


def ruled_out(
    questionnaire: Questionnaire, question_id: str, answers: Mapping[str, object]
) -> frozenset[str]:
    """Options of a question that cannot be true with these answers (option ids, or tuples of
    them): what a form, the benchmark or a test leaves out to draw answers that are valid."""
    given = Answers({k: v for k, v in answers.items() if isinstance(v, str | tuple)})
    out: set[str] = set()
    for rule in questionnaire.contradictions:
        for this, other in (rule.signs, rule.signs[::-1]):
            if this.question == question_id and other.chosen(given.pairs):
                out.update(this.options)
    return frozenset(out)


def _check_contradictions(
    questionnaire: Questionnaire,
    answers: Answers,
    field_name: FieldName,
    fresh: Collection[str] = (),
) -> None:
    """Two answers that cannot both be true are refused, naming both and what each was given.

    Not two answers saved under an older version: they keep loading, scored as they were, and
    the result carries a warning instead (scoring reads `contradicting`). An answer given now
    (`fresh`, a flag over such a file) that contradicts one of them is refused as always.
    """
    for rule in contradicting(questionnaire, answers):
        if answers.saved_under is not None and not any(
            sign.question in fresh for sign in rule.signs
        ):
            continue
        order = questionnaire.questions
        earlier, later = sorted(
            (questionnaire.question(sign.question) for sign in rule.signs), key=order.index
        )
        raise InputError(
            field_name(later),
            f"is {_shown(answers.get(later.id))}, but {field_name(earlier)} is "
            f"{_shown(answers.get(earlier.id))}, and both cannot be true ({rule.message}); "
            "change one of them",
        )


def _check_offered(questionnaire: Questionnaire, answers: Answers, field_name: FieldName) -> None:
    """An option offered only under a condition (nappy_area) is refused where it fails."""
    for question in questionnaire.questions_with_conditional_options:
        offered = question.offered(answers.values, answers.saved_under)
        for option_id in answers.choices(question.id):
            when = question.option(option_id).when
            if when is not None and all(option.id != option_id for option in offered):
                condition = describe_when(when, field_name, questionnaire)
                given = _given(questionnaire, when, answers, field_name)
                raise InputError(
                    field_name(question),
                    f"{option_id!r} only applies when {condition}, but {given}",
                    ", ".join(option.id for option in offered),
                )


def describe_condition(
    question: Question, field_name: FieldName, questionnaire: Questionnaire
) -> str:
    assert question.when is not None
    return describe_when(question.when, field_name, questionnaire)


def describe_when(when: When, field_name: FieldName, questionnaire: Questionnaire) -> str:
    """The condition, each question named as it was given (a flag, a file field)."""
    return when.describe(lambda q: field_name(questionnaire.question(q)))


def _given(
    questionnaire: Questionnaire, when: When, answers: Answers, field_name: FieldName
) -> str:
    """What the questions a condition reads were answered: "--age-band is adult"."""
    return ", ".join(
        f"{field_name(parent)} is {_shown(answers.get(parent.id))}"
        for parent in map(questionnaire.question, when.questions)
    )


def _shown(value: AnswerValue | None) -> str:
    if value is None:
        return "not answered"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def condition_state(question: Question, answers: Answers) -> bool | None:
    """True: the question applies. False: not applicable. None: not known yet."""
    return True if question.when is None else question.when.state(answers.values)


def is_applicable(question: Question, answers: Answers) -> bool:
    """Whether the question is asked, given the answers so far."""
    return question.when is None or question.when.state(answers.values) is True


def not_applicable(questionnaire: Questionnaire, answers: Answers) -> tuple[str, ...]:
    """Conditional questions whose condition does not hold: "not applicable", never "missing"."""
    return tuple(
        question.id
        for question in questionnaire.conditional
        if condition_state(question, answers) is False
    )


def applicable_questions(questionnaire: Questionnaire, answers: Answers) -> tuple[Question, ...]:
    return tuple(question for question in questionnaire if is_applicable(question, answers))


def missing(questionnaire: Questionnaire, answers: Answers) -> tuple[str, ...]:
    """Questions that apply to these answers and were left unanswered.

    A free-text question is optional and never scored: leaving it empty is not "unanswered".
    """
    return tuple(
        question.id
        for question in applicable_questions(questionnaire, answers)
        if question.id not in answers and question.type != "text"
    )


def prune_inapplicable(questionnaire: Questionnaire, answers: Answers) -> Answers:
    """Drop answers whose condition no longer holds (after an earlier answer was changed).

    An option offered only under a condition (nappy_area) is dropped from its answer too.
    """
    stale = [
        question.id
        for question in questionnaire.conditional
        if question.id in answers and condition_state(question, answers) is False
    ]
    answers = answers.without(*stale) if stale else answers
    for question in questionnaire.questions_with_conditional_options:
        chosen = answers.choices(question.id)
        offered = {option.id for option in question.offered(answers.values, answers.saved_under)}
        kept = tuple(o for o in chosen if o in offered)
        if kept != chosen:
            answers = (
                answers.with_answer(question.id, kept) if kept else answers.without(question.id)
            )
    return answers


def answers_document(document: object, source: str) -> Mapping[str, object]:
    """The answers in a parsed JSON document: an answers object, or a saved dupi-triage result."""
    if not isinstance(document, dict):
        raise InputError(source, f"must hold a JSON object of answers, not {_describe(document)}")
    if document.get("tool") == "dupi-triage":
        inner = document.get("answers")
        if not isinstance(inner, dict):
            raise InputError(source, "a saved result needs an 'answers' object")
        version = document.get(VERSION_KEY)
        if version is not None and VERSION_KEY not in inner:
            return {VERSION_KEY: version, **inner}
        return inner
    return document


def describe_answer(question: Question, value: AnswerValue) -> str:
    """The answer in the words the person saw."""
    if question.type == "text":
        return str(value) or NOTHING_ADDED
    if isinstance(value, int):
        return f"{value} out of {question.max}"
    if isinstance(value, str):
        return question.option(value).label
    return "; ".join(question.option(option_id).label for option_id in value)


def _describe(raw: object) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list | tuple):
        return "a list"
    if isinstance(raw, int | float):
        return "a number"
    return f"a {type(raw).__name__}"


def _quote(raw: object) -> str:
    return quoted(raw)
