"""Answers in, Assessment out. Pure: no I/O, no printing, no terminal libraries.

The same answers always give the same Assessment, and every answer that moved it is listed in
`contributions` with its points, reason and source (safety rule 5).
"""

from __future__ import annotations

from dupi_triage.answers import Answers, missing
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.advice import build_advice, build_tell_your_prescriber
from dupi_triage.scoring.drug_link import score_drug_link
from dupi_triage.scoring.model import (
    Assessment,
    Contribution,
    DrugLink,
    LevelReason,
    PatternResult,
    Risk,
    TriageLevel,
)
from dupi_triage.scoring.pattern import match_pattern
from dupi_triage.scoring.risk import assess_risk
from dupi_triage.scoring.triage import RED_FLAGS, red_flags_present, triage

__all__ = ["Assessment", "TriageLevel", "assess"]


def assess(questionnaire: Questionnaire, answers: Answers) -> Assessment:
    drug_link = score_drug_link(questionnaire, answers)
    pattern = match_pattern(questionnaire, answers)
    level, level_reasons = triage(questionnaire, answers, pattern, drug_link)
    risk = assess_risk(questionnaire, answers)
    unanswered = missing(questionnaire, answers)
    screened = RED_FLAGS in answers
    return Assessment(
        answers=answers,
        level=level,
        level_reasons=level_reasons,
        red_flags=red_flags_present(answers),
        red_flags_screened=screened,
        pattern=pattern,
        drug_link=drug_link,
        risk=risk,
        contributions=_contributions(questionnaire, level_reasons, drug_link, pattern, risk),
        advice=build_advice(questionnaire, level, pattern, screened, unanswered),
        tell_your_prescriber=build_tell_your_prescriber(questionnaire, answers, pattern),
        missing=unanswered,
    )


def _contributions(
    questionnaire: Questionnaire,
    level_reasons: tuple[LevelReason, ...],
    drug_link: DrugLink,
    pattern: PatternResult,
    risk: Risk,
) -> tuple[Contribution, ...]:
    found = [
        Contribution(
            question=reason.question,
            answer=reason.answer,
            effect=f"level: {reason.level}"
            if reason.question == RED_FLAGS and reason.answer
            else f"level: at least {reason.level}",
            reason=reason.reason,
            source=reason.source,
        )
        for reason in level_reasons
    ]
    for item in drug_link.items:
        if item.points and item.question is not None:
            question = questionnaire.question(item.question)
            found.append(
                Contribution(
                    question=item.question,
                    answer=item.decisive[0] if len(item.decisive) == 1 else item.decisive,
                    effect=f"drug_link {item.points:+d} (Naranjo item {item.number})",
                    reason=f"{item.text} {item.reason}",
                    source=question.points_source or questionnaire.drug_link.source,
                    points=item.points,
                )
            )
    if pattern.evidence:
        definition = questionnaire.pattern(pattern.id)
        for evidence in pattern.evidence:
            label = questionnaire.question(evidence.question).option(evidence.answer).label
            kind = "key sign" if evidence.key else "supporting sign"
            if not evidence.points:
                kind += ", its question already counted"
            found.append(
                Contribution(
                    question=evidence.question,
                    answer=evidence.answer,
                    effect=f"pattern: {pattern.id} ({kind})",
                    reason=f"{label}: fits {definition.label}.",
                    source=definition.source,
                    points=evidence.points,
                )
            )
    risk_source = questionnaire.question("risk_factors").risk_source or ""
    found.extend(
        Contribution(
            question="risk_factors",
            answer=factor.id,
            effect="risk factor",
            reason=factor.impact,
            source=risk_source,
            points=1,
        )
        for factor in risk.factors
    )
    return tuple(found)
