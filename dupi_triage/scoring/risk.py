"""The article's risk-factor table: which factors are present, and a band by how many."""

from __future__ import annotations

from dupi_triage.answers import Answers
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import Risk, RiskFactor

RISK_FACTORS = "risk_factors"
NOT_FACTORS = frozenset({"none", "unsure"})


def risk_band(count: int) -> str:
    if count >= 2:
        return "high"
    return "moderate" if count == 1 else "low"


def assess_risk(questionnaire: Questionnaire, answers: Answers) -> Risk:
    question = questionnaire.question(RISK_FACTORS)
    factors = tuple(
        RiskFactor(option.id, option.label, option.description or "", option.impact or "")
        for option in (question.option(option_id) for option_id in answers.choices(RISK_FACTORS))
        if option.id not in NOT_FACTORS
    )
    return Risk(band=risk_band(len(factors)), factors=factors, answered=RISK_FACTORS in answers)
