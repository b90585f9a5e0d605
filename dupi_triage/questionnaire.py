"""The questionnaire as typed objects: questions, options, patterns, the drug-link scale.

The questionnaire is data (questionnaire.toml) so that wording, points and sources can be
reviewed without reading code; questionnaire_loader.py reads and checks it into these objects
(`load_questionnaire`), and this module never imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from dupi_triage.records import Fields, NamedTuple

# "text": the person's own words, never scored; `max` is its length in characters.
QuestionType = Literal["single", "multi", "integer", "text"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multi", "integer", "text")
RED_FLAG_LEVELS = ("emergency", "urgent")
LEVEL_IDS = ("routine", "soon", "urgent", "emergency")
NONE_OPTION = "none"
RED_FLAGS = "red_flags"
RESPONDENT = "respondent"
DEFAULT_RESPONDENT = "self"
#: The section that says who is answering, for whom, and what dupilumab is for.
ABOUT = "about"
INDICATION = "indication"
AGE_BAND = "age_band"
#: The words for "the usual eczema" are the person's own only when dupilumab is for eczema
#: (atopic dermatitis), or when nobody said what it is for: the tool is built for eczema.
DEFAULT_TOPIC = "eczema"
OTHER_TOPIC = "other"
ECZEMA_INDICATION = "atopic_dermatitis"
#: Indications with words of their own (`topic_voice`): pemphigoid's usual blisters are never
#: called an emergency (safety rule 8).
OWN_TOPICS = frozenset({"pemphigoid"})


#: Voices beyond one per respondent: (respondent, age band) -> the `voice` table to use.
EXTRA_VOICES = {("parent_or_carer", "adult"): "carer_of_adult"}
#: The voice of texts read by anyone about anyone (flag help, the `questions` table): "the person
#: with the rash", never "you".
NEUTRAL_VOICE = "anyone"


def voice_of(respondent: object, age_band: object = None) -> str:
    """The `voice` table for whoever answers: a respondent id, or a carer of an adult."""
    wanted = respondent if isinstance(respondent, str) else DEFAULT_RESPONDENT
    return EXTRA_VOICES.get((wanted, age_band), wanted) if isinstance(age_band, str) else wanted


def topic_of(indication: object) -> str:
    """`eczema` for atopic dermatitis or an unknown indication; an indication with words of its
    own (pemphigoid); else `other`."""
    if not isinstance(indication, str) or indication == ECZEMA_INDICATION:
        return DEFAULT_TOPIC
    return indication if indication in OWN_TOPICS else OTHER_TOPIC


DEFAULT_PATH = Path(__file__).with_name("questionnaire.toml")


class QuestionnaireError(Exception):
    """The questionnaire file is malformed: a bug in the data, never the user's fault."""


class Sign(NamedTuple):
    """An answer that counts as evidence: `question` answered with any of `options`.

    `negated` ("question!a|b"): the question was NOT answered with any of them (unanswered
    counts as not): a clause's exception, such as "not for chronic hives".
    """

    question: str
    options: tuple[str, ...]
    negated: bool = False

    def __str__(self) -> str:
        return f"{self.question}{'!' if self.negated else '.'}{'|'.join(self.options)}"

    def chosen(self, pairs: frozenset[tuple[str, str]]) -> tuple[str, ...]:
        """The options of this sign among the chosen (question, option) pairs; none for a
        negated sign, which is evidence of nothing."""
        if self.negated:
            return ()
        return tuple(option for option in self.options if (self.question, option) in pairs)

    def holds(self, pairs: frozenset[tuple[str, str]]) -> bool:
        found = any((self.question, option) in pairs for option in self.options)
        return not found if self.negated else found


#: Signs that must all hold together.
Clause = tuple[Sign, ...]


class Option(NamedTuple):
    id: str
    label: str
    help: str
    points: int | None = None
    red_flag: str | None = None
    description: str | None = None
    impact: str | None = None
    hold_next_dose: bool = False
    first_aid: bool = False
    described_by: tuple[Clause, ...] = ()
    source: str | None = None
    #: Offered only when this holds (nappy_area: young children).
    when: When | None = None
    #: The questionnaire version `when` came in with: answers saved under an earlier version
    #: were valid when saved, so it does not refuse them (None: it was always there).
    when_since: str | None = None

    def offered_to(self, answers: Mapping[str, object], saved_under: str | None = None) -> bool:
        """Offered given earlier answers: no condition, or one not known to fail, or one that
        came in after the older version the answers were saved under (`saved_under`: None for
        answers given now or saved under the current version)."""
        if self.when is None or self.when.state(answers) is not False:
            return True
        return (
            saved_under is not None
            and self.when_since is not None
            and version_order(saved_under) < version_order(self.when_since)
        )


def version_order(version: str) -> tuple[int, ...]:
    """A questionnaire version ("2.1") as numbers, so that "2.10" comes after "2.9"."""
    return tuple(int(part) for part in version.split("."))


ConditionOperator = Literal["in", "not_in"]


class Condition(NamedTuple):
    """One test of an earlier answer.

    `in`: the question was answered with one of `options` (unanswered: not known yet).
    `not_in`: it was not answered with any of them (unanswered counts as "not").
    """

    question: str
    operator: ConditionOperator
    options: tuple[str, ...]

    def state(self, value: object) -> bool | None:
        chosen = _chosen(value)
        if self.operator == "not_in":
            return not any(option in chosen for option in self.options)
        if value is None:
            return None
        return any(option in chosen for option in self.options)

    def describe(self, name: str | None = None, label: Callable[[str], str] | None = None) -> str:
        """ "age_band is under_2 or 2_to_5", "... is neither under_2 nor 2_to_5".

        `name`: how the question is called where this is shown (a flag, a file field, its short
        label); `label`: how an option is shown (its id unless given).
        """
        name = name or self.question
        options = tuple(map(label, self.options)) if label else self.options
        if self.operator == "in":
            return f"{name} is {' or '.join(options)}"
        if len(options) == 1:
            return f"{name} is not {options[0]}"
        if len(options) == 2:
            return f"{name} is neither {options[0]} nor {options[1]}"
        return f"{name} is none of {', '.join(options)}"


def _chosen(value: object) -> tuple[object, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value,)


class When(NamedTuple):
    """When a question is asked: all of, or any of, its conditions."""

    behaviour: Literal["all", "any"]
    conditions: tuple[Condition, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(condition.question for condition in self.conditions))

    @property
    def question(self) -> str:
        """The first question it depends on (the whole story for a one-test condition)."""
        return self.conditions[0].question

    @property
    def equals(self) -> str:
        """An answer to `question` that satisfies the first test (for a one-test `in`)."""
        first = self.conditions[0]
        assert first.operator == "in", "a not_in condition has no single answer that meets it"
        return first.options[0]

    def state(self, answers: Mapping[str, object]) -> bool | None:
        """True: asked. False: not applicable. None: not known until an earlier one is answered."""
        states = [condition.state(answers.get(condition.question)) for condition in self.conditions]
        decisive = self.behaviour == "any"  # any: one True decides; all: one False decides
        if decisive in states:
            return decisive
        if None in states:
            return None
        return not decisive

    def describe(
        self,
        name: Callable[[str], str] | None = None,
        label: Callable[[str, str], str] | None = None,
    ) -> str:
        """Each condition in words, joined by "and" (all) or "or" (any).

        `name(question_id)`: how a question is called (a flag, a field, its short label);
        `label(question_id, option_id)`: how an option is shown. Ids, unless given.
        """
        parts = []
        for condition in self.conditions:
            shown = functools.partial(label, condition.question) if label else None
            parts.append(condition.describe(name(condition.question) if name else None, shown))
        return (" and " if self.behaviour == "all" else " or ").join(parts)

    def in_words(self, questionnaire: Questionnaire, quote: str = "") -> str:
        """In the words a person sees: "'Age' is neither 'Under 2 years' nor '2 to 5 years'"."""
        return self.describe(
            lambda q: f"{quote}{questionnaire.question(q).short}{quote}",
            lambda q, o: f"{quote}{questionnaire.question(q).option(o).label}{quote}",
        )


class Question(Fields):
    """One question. Compared by identity: the loaded questionnaire holds each one once.

    A plain class (a frozen dataclass costs every start 0.7 ms to define): its fields are Final,
    so the type checker refuses any change after __init__.
    """

    __slots__ = (
        "_by_id",
        "combine",
        "drug_link_item",
        "help",
        "id",
        "max",
        "min",
        "option_ids",
        "options",
        "points_source",
        "red_flag_source",
        "risk_source",
        "section",
        "short",
        "text",
        "type",
        "when",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        section: str,
        type: QuestionType,
        short: str,
        text: str,
        help: str,
        options: tuple[Option, ...] = (),
        when: When | None = None,
        min: int | None = None,
        max: int | None = None,
        drug_link_item: str | None = None,
        points_source: str | None = None,
        combine: Literal["max", "min"] | None = None,
        red_flag_source: str | None = None,
        risk_source: str | None = None,
    ) -> None:
        self.id: Final = id
        self.section: Final = section
        self.type: Final = type
        self.short: Final = short
        self.text: Final = text
        self.help: Final = help
        self.options: Final = options
        self.when: Final = when
        self.min: Final = min
        self.max: Final = max
        self.drug_link_item: Final = drug_link_item
        self.points_source: Final = points_source
        self.combine: Final = combine
        self.red_flag_source: Final = red_flag_source
        self.risk_source: Final = risk_source
        self.option_ids: Final = tuple(option.id for option in options)
        self._by_id: Final[Mapping[str, Option]] = MappingProxyType({o.id: o for o in options})

    def __repr__(self) -> str:
        return f"Question(id={self.id!r})"

    @property
    def flag(self) -> str:
        return "--" + self.id.replace("_", "-")

    def option(self, option_id: str) -> Option:
        return self._by_id[option_id]

    def offered(
        self, answers: Mapping[str, object], saved_under: str | None = None
    ) -> tuple[Option, ...]:
        """The options offered given earlier answers: all but those whose condition is known
        not to hold (the nappy area once the age is 6 or more). Shown in a walk, accepted from
        flags and files, kept when an earlier answer changes: one rule for all three.

        `saved_under`: the version answers were saved under; a condition newer than it does not
        apply (COPD for a 3-year-old, saved under 2.1, still loads)."""
        return tuple(option for option in self.options if option.offered_to(answers, saved_under))

    def allowed_values(self) -> str:
        if self.type == "integer":
            return f"a whole number from {self.min} to {self.max}"
        if self.type == "text":
            return f"any text, {self.max} characters at most"
        return ", ".join(self.option_ids)


class Contradiction(NamedTuple):
    """Two answers that cannot both be true (questionnaire.toml, [[contradictions]]).

    Refused from flags and files, asked again in a walk; answers saved under an older version
    keep loading, scored as given, with a warning in the result.
    """

    id: str
    signs: tuple[Sign, Sign]
    message: str
    source: str

    def holds(self, pairs: frozenset[tuple[str, str]]) -> bool:
        return all(sign.chosen(pairs) for sign in self.signs)


class Section(NamedTuple):
    id: str
    title: str
    intro: str


class Level(NamedTuple):
    id: str
    label: str
    action: str
    timing: str
    colour: str


class Pattern(NamedTuple):
    id: str
    label: str
    summary: str
    key: tuple[Clause, ...]
    support: tuple[Sign, ...]
    source: str
    drug_reaction: bool = False
    #: Considered only when this holds (an ordinary eczema flare: dupilumab is for eczema).
    when: When | None = None
    #: What to do for this pattern; a drug-reaction pattern may leave it to [advice].
    advice: str = ""
    #: Reported with dupilumab (the article, the label): the drug-link scale's item 1.
    reported: bool = False


class LevelRule(NamedTuple):
    """A rule that raises the level: decided by `signs` (answers that must all hold), with
    `reason` to show; or, without them, by its function in scoring/triage.py, by id."""

    id: str
    level: str
    summary: str
    source: str
    signs: Clause = ()
    reason: str = ""


class Consider(NamedTuple):
    """A management point the prescriber may consider, from the source."""

    id: str
    text: str
    source: str


class Advice(NamedTuple):
    """The fixed advice sentences (questionnaire.toml, [advice])."""

    hold_next_dose: str
    tell_clinician: str
    do_not_stop: str
    first_aid: str
    not_screened: str
    safety_net: str
    safety_net_source: str
    notes_and_photos: str
    notes_eyes: str
    missing: str
    emergency_after: str
    worse_sooner: str
    lumps: str
    drug_reaction: str
    steroids: str
    steroids_source: str
    midwife: str
    midwife_source: str
    new_medicine: str
    new_medicine_source: str
    settled_flare: str
    settled_flare_source: str
    settled_action: str
    consider: tuple[Consider, ...]


class DrugLinkItem(NamedTuple):
    id: str
    number: int
    text: str
    unanswerable: str | None = None
    #: Scored from the leading pattern, not from its question's options (item 1).
    from_pattern: bool = False


class DrugLinkScale(NamedTuple):
    name: str
    source: str
    categories: tuple[tuple[str, int], ...]
    items: tuple[DrugLinkItem, ...]
    own_eczema: Clause = ()
    own_eczema_source: str = ""

    def category(self, score: int) -> str:
        for category, minimum in self.categories:
            if score >= minimum:
                return category
        return self.categories[-1][0]


class Wording(NamedTuple):
    """Fixed sentences every report carries."""

    disclaimer: str
    drug_link_note: str
    not_screened: str
    uncommon: str
    for_later: str
    for_later_note: str
    tell_heading: str
    other_indication: str
    for_prescriber: str
    for_prescriber_note: str
    drug_link_points: str
    drug_link_no_points: str
    drug_link_no_points_reaction: str
    drug_link_capped: str
    source_key: tuple[tuple[str, str], ...] = ()


class Questionnaire(Fields):
    """The whole questionnaire. Compared by identity, so it is cheap to use as a cache key.

    A plain class, as Question is: its fields are Final.
    """

    __slots__ = (
        "_voiced",
        "advice",
        "by_id",
        "conditional",
        "contradictions",
        "drug_link",
        "level_rules",
        "levels",
        "pattern_red_flags",
        "patterns",
        "questions",
        "questions_with_conditional_options",
        "respondent",
        "reword",
        "sections",
        "source_data",
        "topic",
        "unclear",
        "version",
        "wording",
        "words",
    )  # fmt: skip

    def __init__(
        self,
        version: str,
        levels: tuple[Level, ...],
        sections: tuple[Section, ...],
        questions: tuple[Question, ...],
        drug_link: DrugLinkScale,
        patterns: tuple[Pattern, ...],
        unclear: Pattern,
        wording: Wording,
        level_rules: tuple[LevelRule, ...],
        advice: Advice,
        contradictions: tuple[Contradiction, ...] = (),
        respondent: str = DEFAULT_RESPONDENT,
        topic: str = DEFAULT_TOPIC,
        words: Mapping[str, str] = MappingProxyType({}),
        source_data: Mapping[str, Any] = MappingProxyType({}),
        reword: Callable[[Mapping[str, Any], str, str], Questionnaire] | None = None,
    ) -> None:
        self.version: Final = version
        self.levels: Final = levels
        self.sections: Final = sections
        self.questions: Final = questions
        self.drug_link: Final = drug_link
        self.patterns: Final = patterns
        self.unclear: Final = unclear
        self.wording: Final = wording
        self.level_rules: Final = level_rules
        self.advice: Final = advice
        self.contradictions: Final = contradictions
        #: Who the texts speak to (a `respondent` option id), about what (`topic_of` the
        #: indication), and the data to speak to another.
        self.respondent: Final = respondent
        self.topic: Final = topic
        #: The words filled into the texts (`voice` and `topic_voice`), for the few texts built
        #: in code (level reasons with a number in them).
        self.words: Final = words
        self.source_data: Final = source_data
        #: How `source_data` is read into a questionnaire worded for (respondent, topic): the
        #: loader's own reader, handed over by it (this module never imports the loader).
        self.reword: Final = reword
        self._voiced: Final[dict[tuple[str, str], Questionnaire]] = {}
        self.by_id: Final[Mapping[str, Question]] = MappingProxyType({q.id: q for q in questions})
        self.conditional: Final = tuple(q for q in questions if q.when is not None)
        self.questions_with_conditional_options: Final = tuple(
            q for q in questions if any(o.when for o in q.options)
        )
        self.pattern_red_flags: Final = frozenset(
            option
            for pattern in patterns
            for clause in pattern.key
            for sign in clause
            if sign.question == RED_FLAGS
            for option in sign.options
        )

    def __repr__(self) -> str:
        return f"Questionnaire(version={self.version!r}, respondent={self.respondent!r})"

    def speaking_to(self, respondent: object, indication: object = None) -> Questionnaire:
        """The same questionnaire with every text worded for `respondent` (a `voice` table:
        unknown, the default) and for what dupilumab is for (`indication`; unknown: eczema).

        Scoring is the same whoever answers; only the words change, all from the data.
        """
        wanted = (
            respondent if isinstance(respondent, str) else DEFAULT_RESPONDENT,
            topic_of(indication),
        )
        if wanted == (self.respondent, self.topic) or not self.source_data or not self.reword:
            return self
        if wanted not in self._voiced:
            self._voiced[wanted] = self.reword(self.source_data, *wanted)
        return self._voiced[wanted]

    def worded_for(self, answers: Mapping[str, object]) -> Questionnaire:
        """`speaking_to` whoever these answers say answers, and what dupilumab is for."""
        voice = voice_of(answers.get(RESPONDENT), answers.get(AGE_BAND))
        return self.speaking_to(voice, answers.get(INDICATION))

    @property
    def red_flag_options(self) -> tuple[Option, ...]:
        """The warning signs, without 'none'."""
        return tuple(o for o in self.by_id[RED_FLAGS].options if o.red_flag is not None)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    def section(self, section_id: str) -> Section:
        return next(section for section in self.sections if section.id == section_id)

    def level(self, level_id: str) -> Level:
        return next(level for level in self.levels if level.id == level_id)

    def pattern(self, pattern_id: str) -> Pattern:
        if pattern_id == self.unclear.id:
            return self.unclear
        return next(pattern for pattern in self.patterns if pattern.id == pattern_id)
