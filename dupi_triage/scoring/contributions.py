"""Every answer that moved the result, with its effect, points, reason and source (safety rule 5).

Each contribution follows from one small, hashable result (a level reason, a drug-link item, a
piece of pattern evidence, a risk factor), so each is built once and reused across assessments.
"""

from __future__ import annotations

import functools

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import (
    Contribution,
    DrugLink,
    DrugLinkItemResult,
    Evidence,
    LevelReason,
    PatternResult,
    Risk,
    RiskFactor,
    TriageLevel,
)


def contributions(
    questionnaire: Questionnaire,
    level_reasons: tuple[LevelReason, ...],
    drug_link: DrugLink,
    pattern: PatternResult,
    risk: Risk,
) -> tuple[Contribution, ...]:
    return (
        *(_from_level_reason(reason) for reason in level_reasons),
        *(
            _from_drug_link_item(questionnaire, item)
            for item in drug_link.items
            if item.points and item.question is not None
        ),
        *(_from_evidence(questionnaire, pattern.id, evidence) for evidence in pattern.evidence),
        *(_from_risk_factor(questionnaire, factor) for factor in risk.factors),
    )


@functools.lru_cache(maxsize=256)
def _from_level_reason(reason: LevelReason) -> Contribution:
    forced = reason.level.rank >= TriageLevel.URGENT.rank
    return Contribution(
        question=reason.question,
        answer=reason.answer,
        effect=f"level: {reason.level}" if forced else f"level: at least {reason.level}",
        reason=reason.reason,
        source=reason.source,
    )


@functools.lru_cache(maxsize=1024)
def _from_drug_link_item(questionnaire: Questionnaire, item: DrugLinkItemResult) -> Contribution:
    assert item.question is not None
    question = questionnaire.question(item.question)
    return Contribution(
        question=item.question,
        answer=(item.decisive[0] if len(item.decisive) == 1 else item.decisive) or item.answer,
        effect=f"drug_link {item.points:+d} (Naranjo item {item.number})",
        reason=f"{item.text} {item.reason}",
        source=item.source or question.points_source or questionnaire.drug_link.source,
        points=item.points,
    )


@functools.lru_cache(maxsize=1024)
def _from_evidence(
    questionnaire: Questionnaire, pattern_id: str, evidence: Evidence
) -> Contribution:
    definition = questionnaire.pattern(pattern_id)
    label = questionnaire.question(evidence.question).option(evidence.answer).label
    kind = "key sign" if evidence.key else "supporting sign"
    if not evidence.points:
        kind += ", its question already counted"
    return Contribution(
        question=evidence.question,
        answer=evidence.answer,
        effect=f"pattern: {pattern_id} ({kind})",
        reason=f"{label}: fits {definition.label}.",
        source=definition.source,
        points=evidence.points,
    )


@functools.lru_cache(maxsize=64)
def _from_risk_factor(questionnaire: Questionnaire, factor: RiskFactor) -> Contribution:
    return Contribution(
        question="risk_factors",
        answer=factor.id,
        effect="risk factor",
        reason=factor.impact,
        source=questionnaire.question("risk_factors").risk_source or "",
        points=1,
    )
