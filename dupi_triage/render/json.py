"""The JSON result: the contract for scripts. Keys may be added, never renamed or removed."""

from __future__ import annotations

import json
from typing import Any

from dupi_triage import __version__
from dupi_triage.answers import AnswerValue
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.scoring.model import Assessment

TOOL = "dupi-triage"


def _plain(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def assessment_to_dict(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    return {
        "tool": TOOL,
        "version": __version__,
        "questionnaire_version": questionnaire.version,
        "level": assessment.level.value,
        "pattern": assessment.pattern.id,
        "pattern_support": [
            {"question": e.question, "answer": e.answer, "key": e.key, "points": e.points}
            for e in assessment.pattern.evidence
        ],
        "also_consistent_with": list(assessment.pattern.also_consistent_with),
        "drug_link": {
            "score": assessment.drug_link.score,
            "category": assessment.drug_link.category,
            "items": [
                {
                    "item": item.item,
                    "number": item.number,
                    "question": item.question,
                    "answer": _plain(item.answer),
                    "points": item.points,
                    "reason": item.reason,
                }
                for item in assessment.drug_link.items
            ],
            "note": questionnaire.wording.drug_link_note,
        },
        "risk": {
            "band": assessment.risk.band,
            "factors": [factor.id for factor in assessment.risk.factors],
            "answered": assessment.risk.answered,
        },
        "red_flags": list(assessment.red_flags),
        "red_flags_screened": assessment.red_flags_screened,
        "level_reasons": [
            {
                "level": r.level.value,
                "question": r.question,
                "answer": _plain(r.answer),
                "reason": r.reason,
            }
            for r in assessment.level_reasons
        ],
        "contributions": [
            {
                "question": c.question,
                "answer": _plain(c.answer),
                "effect": c.effect,
                "points": c.points,
                "reason": c.reason,
                "source": c.source,
            }
            for c in assessment.contributions
        ],
        "advice": list(assessment.advice),
        "tell_your_prescriber": list(assessment.tell_your_prescriber),
        "answers": assessment.answers.to_json(questionnaire),
        "missing": list(assessment.missing),
        "disclaimer": questionnaire.wording.disclaimer,
    }


def render(questionnaire: Questionnaire, assessment: Assessment) -> str:
    return (
        json.dumps(assessment_to_dict(questionnaire, assessment), indent=2, ensure_ascii=False)
        + "\n"
    )
