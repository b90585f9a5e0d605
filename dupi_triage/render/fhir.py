"""FHIR R4 QuestionnaireResponse of one person's answers and their result.

A clinic's record system can file it without knowing dupi-triage. Resources are plain dicts (the
fhir.resources library validates them in the tests only), shaped for FHIR R4 and R4B, which agree
on both resources. The matching Questionnaire is built in fhir_questionnaire.py; what they share
(names, codings, the result items' texts) lives here and in fhir_codes.py.

- Answers sit in their section's group, in questionnaire order, as the Questionnaire has them:
  linkId = question id, `valueCoding` (code = option id) or `valueInteger`.
- The result travels as a read-only group, linkId `result`, last: level, pattern, drug-link score
  and category, risk band, whether warning signs were screened, the advice given and the tool that
  scored it. Items rather than extensions, so any FHIR viewer shows them without knowing our
  extension URLs. Their codings use systems with a dash (`{BASE}/CodeSystem/triage-level`, ...),
  which no question id can have. dupi-triage ignores this group when it reads a response back.
- The response is `completed` when every question that applies was answered, otherwise
  `in-progress` (unscreened warning signs included). `questionnaire` is the Questionnaire's
  canonical URL with its version, so a response names exactly the questions it answers.
- No `authored` date: a response rendered later from saved answers cannot know when they were
  given, and a wrong date in a health record is worse than none.
"""

from __future__ import annotations

import json
from typing import Any

from dupi_triage import __version__
from dupi_triage.answers import AnswerValue
from dupi_triage.fhir_codes import BASE, RESULT, canonical, code_system, section_link
from dupi_triage.questionnaire import Question, Questionnaire
from dupi_triage.scoring.model import Assessment

LEVEL_SYSTEM = f"{BASE}/CodeSystem/triage-level"
PATTERN_SYSTEM = f"{BASE}/CodeSystem/rash-pattern"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/drug-link-category"
RISK_SYSTEM = f"{BASE}/CodeSystem/risk-band"
RISK_BANDS = ("low", "moderate", "high")


def result_texts(questionnaire: Questionnaire) -> dict[str, str]:
    """The result items' texts, shared by the Questionnaire and every response."""
    scale = questionnaire.drug_link.name
    return {
        RESULT: "Result (scored by dupi-triage; not a diagnosis)",
        "level": "How soon to contact the prescriber",
        "pattern": "The picture the answers are most consistent with",
        "drug_link_score": f"{scale}: score",
        "drug_link_category": f"{scale}: category",
        "risk_band": "Risk factors from the article's table: band",
        "red_flags_screened": "Warning signs were screened",
        "advice": "Advice given",
        "scored_by": "Scored by",
    }


def coding(question: Question, option_id: str) -> dict[str, Any]:
    return {
        "system": code_system(question.id),
        "code": option_id,
        "display": question.option(option_id).label,
    }


def answer_is(
    questionnaire: Questionnaire, question_id: str, option_id: str, operator: str = "="
) -> dict[str, Any]:
    """One enableWhen test: `question_id` was answered with `option_id` ("!=": was not)."""
    parent = questionnaire.question(question_id)
    code = {"system": code_system(parent.id), "code": option_id}
    return {"question": parent.id, "operator": operator, "answerCoding": code}


# --- QuestionnaireResponse ------------------------------------------------------------------------


def response_resource(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    answers = assessment.answers
    items = []
    for section in questionnaire.sections:
        answered = [
            _answer_item(question, value)
            for question in questionnaire
            if question.section == section.id and (value := answers.get(question.id)) is not None
        ]
        if answered:
            link = section_link(section.id)
            items.append({"linkId": link, "text": section.title, "item": answered})
    items.append(_result_answers(questionnaire, assessment))
    return {
        "resourceType": "QuestionnaireResponse",
        # Answers saved under an older version say so, as a saved answers file does: read
        # back, they are scored as they were, never lower.
        "questionnaire": canonical(assessment.answers.saved_under or questionnaire.version),
        "status": "in-progress" if assessment.missing else "completed",
        "item": items,
    }


def _answer_item(question: Question, value: AnswerValue) -> dict[str, Any]:
    if question.type == "text":
        answer: list[dict[str, Any]] = [{"valueString": value}] if value else []
        item: dict[str, Any] = {"linkId": question.id, "text": question.text}
        return item | {"answer": answer} if answer else item
    if isinstance(value, int):
        answer = [{"valueInteger": value}]
    else:
        chosen = (value,) if isinstance(value, str) else value
        answer = [{"valueCoding": coding(question, option_id)} for option_id in chosen]
    return {"linkId": question.id, "text": question.text, "answer": answer}


def _result_answers(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    texts = result_texts(questionnaire)
    level = questionnaire.level(assessment.level.value)
    pattern = questionnaire.pattern(assessment.pattern.id)
    drug_link = assessment.drug_link

    def coded(link: str, system: str, code: str, display: str) -> dict[str, Any]:
        coding = {"system": system, "code": code, "display": display}
        return {
            "linkId": f"{RESULT}.{link}",
            "text": texts[link],
            "answer": [{"valueCoding": coding}],
        }

    def plain(link: str, kind: str, *values: object) -> dict[str, Any]:
        answer = [{kind: value} for value in values]
        return {"linkId": f"{RESULT}.{link}", "text": texts[link], "answer": answer}

    items = [
        coded("level", LEVEL_SYSTEM, level.id, level.label),
        coded("pattern", PATTERN_SYSTEM, pattern.id, pattern.label),
        plain("drug_link_score", "valueInteger", drug_link.score),
        coded("drug_link_category", CATEGORY_SYSTEM, drug_link.category, drug_link.category),
        coded("risk_band", RISK_SYSTEM, assessment.risk.band, assessment.risk.band),
        plain("red_flags_screened", "valueBoolean", assessment.red_flags_screened),
        plain("advice", "valueString", *assessment.advice),
        plain("scored_by", "valueString", f"dupi-triage {__version__}"),
    ]
    # FHIR forbids empty arrays: an item without an answer is left out.
    return {"linkId": RESULT, "text": texts[RESULT], "item": [i for i in items if i["answer"]]}


def render(questionnaire: Questionnaire, assessment: Assessment) -> str:
    document = response_resource(questionnaire, assessment)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
