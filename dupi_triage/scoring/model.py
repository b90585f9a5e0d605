"""What an assessment is made of. Plain frozen data: renderers read it, nothing writes it."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

from dupi_triage.answers import Answers, AnswerValue
from dupi_triage.records import NamedTuple, Value

if TYPE_CHECKING:
    from dupi_triage.diary.report import DiaryReport


class TriageLevel(enum.StrEnum):
    """How soon to contact the prescriber, lowest first."""

    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: TriageLevel) -> TriageLevel:
        return self if self.rank >= other.rank else other


_RANK = {level: rank for rank, level in enumerate(TriageLevel)}


class Contribution(NamedTuple):
    """One answer that moved the result: what it changed, by how much and why."""

    question: str
    answer: AnswerValue | None
    effect: str
    reason: str
    source: str
    points: int | None = None


class DrugLinkItemResult(NamedTuple):
    number: int
    item: str
    text: str
    question: str | None
    answer: AnswerValue | None
    decisive: tuple[str, ...]
    points: int
    reason: str
    #: What a report shows as the answer when it is not simply the answer given.
    shown: str | None = None
    applicable: bool = True
    #: The source of this item's rule when it is not the question's own points_source.
    source: str | None = None


class DrugLink(NamedTuple):
    score: int
    category: str
    items: tuple[DrugLinkItemResult, ...]
    #: The other cause the answers fit when it held the band at 'possible' ("an infection").
    capped: str = ""


class Evidence(NamedTuple):
    """An answer that fits a pattern. `points` is 0 when its question already counted."""

    question: str
    answer: str
    key: bool
    points: int


class PatternResult(NamedTuple):
    id: str
    points: int
    evidence: tuple[Evidence, ...]
    also_consistent_with: tuple[str, ...]


class RiskFactor(NamedTuple):
    id: str
    label: str
    description: str
    impact: str


class Risk(NamedTuple):
    band: str
    factors: tuple[RiskFactor, ...]
    answered: bool


class WarningSignFound(NamedTuple):
    """A warning sign present: reported in `red_flags`, or described by other answers."""

    id: str
    level: TriageLevel
    hold_next_dose: bool
    first_aid: bool
    described_by: tuple[tuple[str, str], ...] = ()


class AdviceLine(NamedTuple):
    text: str
    source: str = ""


class LevelReason(NamedTuple):
    level: TriageLevel
    question: str
    answer: AnswerValue | None
    reason: str
    source: str


class Assessment(Value):
    """A whole result. A plain class (a frozen dataclass costs every start 0.6 ms to define):
    its fields are Final, and two results are equal when every field is."""

    __slots__ = (
        "action", "advice_lines", "answers", "contradictions", "contributions", "diary",
        "drug_link", "level", "level_reasons", "missing", "not_applicable", "pattern",
        "red_flags", "red_flags_screened", "risk", "tell_your_prescriber", "warning_signs",
    )  # fmt: skip

    def __init__(
        self,
        answers: Answers,
        level: TriageLevel,
        level_reasons: tuple[LevelReason, ...],
        red_flags: tuple[str, ...],
        red_flags_screened: bool,
        warning_signs: tuple[WarningSignFound, ...],
        pattern: PatternResult,
        drug_link: DrugLink,
        risk: Risk,
        contributions: tuple[Contribution, ...],
        advice_lines: tuple[AdviceLine, ...],
        tell_your_prescriber: tuple[str, ...],
        missing: tuple[str, ...],
        diary: DiaryReport | None = None,
        not_applicable: tuple[str, ...] = (),
        action: str = "",
        contradictions: tuple[str, ...] = (),
    ) -> None:
        self.answers: Final = answers
        self.level: Final = level
        self.level_reasons: Final = level_reasons
        self.red_flags: Final = red_flags
        self.red_flags_screened: Final = red_flags_screened
        self.warning_signs: Final = warning_signs
        self.pattern: Final = pattern
        self.drug_link: Final = drug_link
        self.risk: Final = risk
        self.contributions: Final = contributions
        self.advice_lines: Final = advice_lines
        self.tell_your_prescriber: Final = tell_your_prescriber
        self.missing: Final = missing
        #: The diary the timing answers came from (assess --from-diary); scoring never reads it.
        self.diary: Final = diary
        self.not_applicable: Final = not_applicable
        #: What to do, in one sentence (the level's action; a settled flare's own).
        self.action: Final = action
        #: Pairs of answers that cannot both be true ([[contradictions]] ids): only in answers
        #: saved under an older version, which are scored as given and warned about.
        self.contradictions: Final = contradictions

    @property
    def advice(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.advice_lines)

    @property
    def hold_next_dose(self) -> bool:
        return any(sign.hold_next_dose for sign in self.warning_signs)

    @property
    def emergency(self) -> bool:
        return self.level is TriageLevel.EMERGENCY
