"""The questionnaire as typed objects: questions, options, patterns, the drug-link scale.

The questionnaire is data (questionnaire.toml) so that wording, points and sources can be
reviewed without reading code; questionnaire_loader.py reads and checks it.
"""

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

QuestionType = Literal["single", "multi", "integer"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multi", "integer")
RED_FLAG_LEVELS = ("emergency", "urgent")
LEVEL_IDS = ("routine", "soon", "urgent", "emergency")
NONE_OPTION = "none"
RED_FLAGS = "red_flags"

DEFAULT_PATH = Path(__file__).with_name("questionnaire.toml")


class QuestionnaireError(Exception):
    """The questionnaire file is malformed: a bug in the data, never the user's fault."""


class Option(NamedTuple):
    id: str
    label: str
    help: str
    points: int | None = None
    red_flag: str | None = None
    description: str | None = None
    impact: str | None = None


class Condition(NamedTuple):
    """Ask a question only when another question has a given answer."""

    question: str
    equals: str


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    """One question. Compared by identity: the loaded questionnaire holds each one once."""

    id: str
    section: str
    type: QuestionType
    short: str
    text: str
    help: str
    options: tuple[Option, ...] = ()
    when: Condition | None = None
    min: int | None = None
    max: int | None = None
    drug_link_item: str | None = None
    points_source: str | None = None
    combine: Literal["max", "min"] | None = None
    red_flag_source: str | None = None
    risk_source: str | None = None
    option_ids: tuple[str, ...] = field(init=False, repr=False)
    _by_id: Mapping[str, Option] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_ids", tuple(option.id for option in self.options))
        object.__setattr__(self, "_by_id", MappingProxyType({o.id: o for o in self.options}))

    @property
    def flag(self) -> str:
        return "--" + self.id.replace("_", "-")

    def option(self, option_id: str) -> Option:
        return self._by_id[option_id]

    def allowed_values(self) -> str:
        if self.type == "integer":
            return f"a whole number from {self.min} to {self.max}"
        return ", ".join(self.option_ids)


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


class Sign(NamedTuple):
    """One answer that counts as evidence for a pattern: `question` answered with `option`."""

    question: str
    option: str

    def __str__(self) -> str:
        return f"{self.question}.{self.option}"


class Pattern(NamedTuple):
    id: str
    label: str
    summary: str
    key: tuple[Sign, ...]
    support: tuple[Sign, ...]
    source: str
    signs: frozenset[tuple[str, str]] = frozenset()


class DrugLinkItem(NamedTuple):
    id: str
    number: int
    text: str
    unanswerable: str | None = None


class DrugLinkScale(NamedTuple):
    name: str
    source: str
    categories: tuple[tuple[str, int], ...]
    items: tuple[DrugLinkItem, ...]

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
    source_key: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Questionnaire:
    """The whole questionnaire. Compared by identity, so it is cheap to use as a cache key."""

    version: str
    levels: tuple[Level, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    drug_link: DrugLinkScale
    patterns: tuple[Pattern, ...]
    unclear: Pattern
    wording: Wording
    by_id: Mapping[str, Question] = field(init=False, repr=False)
    pattern_signs: frozenset[tuple[str, str]] = field(init=False, repr=False)
    key_signs: frozenset[tuple[str, str]] = field(init=False, repr=False)
    conditional: tuple[Question, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id = MappingProxyType({question.id: question for question in self.questions})
        object.__setattr__(self, "by_id", by_id)
        signs = frozenset().union(*(pattern.signs for pattern in self.patterns))
        object.__setattr__(self, "pattern_signs", signs)
        keys = frozenset((sign.question, sign.option) for p in self.patterns for sign in p.key)
        object.__setattr__(self, "key_signs", keys)
        conditional = tuple(q for q in self.questions if q.when is not None)
        object.__setattr__(self, "conditional", conditional)

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


@functools.cache
def load_questionnaire(path: Path = DEFAULT_PATH) -> Questionnaire:
    """Read and validate the questionnaire once per process."""
    from dupi_triage.questionnaire_loader import parse_questionnaire, read_data

    return parse_questionnaire(read_data(path))
