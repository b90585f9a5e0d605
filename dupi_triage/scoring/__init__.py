"""Answers in, Assessment out. Pure: no I/O, no printing, no terminal libraries.

The same answers always give the same Assessment, and every answer that moved it is listed in
`contributions` with its points, reason and source (safety rule 5).
"""

from __future__ import annotations

from dupi_triage.answers import Answers, contradicting, missing, not_applicable
from dupi_triage.questionnaire import RED_FLAGS, Questionnaire
from dupi_triage.scoring.advice import (
    action,
    build_advice,
    build_tell_your_prescriber,
    settled_flare,
)
from dupi_triage.scoring.contributions import contributions
from dupi_triage.scoring.drug_link import score_drug_link
from dupi_triage.scoring.model import Assessment, TriageLevel
from dupi_triage.scoring.pattern import match_pattern
from dupi_triage.scoring.risk import assess_risk
from dupi_triage.scoring.triage import triage_level, warning_signs

__all__ = ["Assessment", "TriageLevel", "assess"]


def assess(questionnaire: Questionnaire, answers: Answers) -> Assessment:
    # Every reason and piece of advice speaks to whoever answered; the scoring is the same.
    questionnaire = questionnaire.worded_for(answers.values)
    signs = warning_signs(questionnaire, answers)
    pattern = match_pattern(questionnaire, answers, tuple(sign.id for sign in signs))
    drug_link = score_drug_link(questionnaire, answers, pattern)
    level, level_reasons = triage_level(questionnaire, answers, pattern, drug_link, signs)
    risk = assess_risk(questionnaire, answers)
    unanswered = missing(questionnaire, answers)
    return Assessment(
        answers=answers,
        level=level,
        level_reasons=level_reasons,
        red_flags=tuple(flag for flag in answers.choices(RED_FLAGS) if flag != "none"),
        red_flags_screened=RED_FLAGS in answers,
        warning_signs=signs,
        pattern=pattern,
        drug_link=drug_link,
        risk=risk,
        contributions=contributions(questionnaire, level_reasons, drug_link, pattern, risk),
        advice_lines=build_advice(
            questionnaire, level, pattern, drug_link, signs, answers, unanswered
        ),
        tell_your_prescriber=build_tell_your_prescriber(questionnaire, answers, pattern),
        missing=unanswered,
        not_applicable=not_applicable(questionnaire, answers),
        action=action(questionnaire, level, settled_flare(pattern, level, answers)),
        contradictions=tuple(rule.id for rule in contradicting(questionnaire, answers)),
    )
