"""What an assessment is made of. Plain frozen data: renderers read it, nothing writes it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dupi_triage.answers import Answers, AnswerValue


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


@dataclass(frozen=True, slots=True)
class Contribution:
    """One answer that moved the result: what it changed, by how much and why."""

    question: str
    answer: AnswerValue | None
    effect: str
    reason: str
    source: str
    points: int | None = None


@dataclass(frozen=True, slots=True)
class DrugLinkItemResult:
    number: int
    item: str
    text: str
    question: str | None
    answer: AnswerValue | None
    decisive: tuple[str, ...]
    points: int
    reason: str


@dataclass(frozen=True, slots=True)
class DrugLink:
    score: int
    category: str
    items: tuple[DrugLinkItemResult, ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    """An answer that fits a pattern. `points` is 0 when its question already counted."""

    question: str
    answer: str
    key: bool
    points: int


@dataclass(frozen=True, slots=True)
class PatternResult:
    id: str
    points: int
    evidence: tuple[Evidence, ...]
    also_consistent_with: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RiskFactor:
    id: str
    label: str
    description: str
    impact: str


@dataclass(frozen=True, slots=True)
class Risk:
    band: str
    factors: tuple[RiskFactor, ...]
    answered: bool


@dataclass(frozen=True, slots=True)
class LevelReason:
    level: TriageLevel
    question: str
    answer: AnswerValue | None
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Assessment:
    answers: Answers
    level: TriageLevel
    level_reasons: tuple[LevelReason, ...]
    red_flags: tuple[str, ...]
    red_flags_screened: bool
    pattern: PatternResult
    drug_link: DrugLink
    risk: Risk
    contributions: tuple[Contribution, ...]
    advice: tuple[str, ...]
    tell_your_prescriber: tuple[str, ...]
    missing: tuple[str, ...]
