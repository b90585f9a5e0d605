"""FHIR R4 resources: the Questionnaire, and a QuestionnaireResponse of one person's answers.

A clinic's record system can file these without knowing dupi-triage. Resources are plain dicts
(the fhir.resources library validates them in the tests only), shaped for FHIR R4 and R4B, which
agree on both resources.

Design, so both sides stay consistent:

- One Questionnaire item per question, in questionnaire order, linkId = the question id. Choice
  options are `valueCoding`s in a code system per question, `{BASE}/CodeSystem/<question id>`,
  code = the option id, display = its label. Points an option carries on the adapted Naranjo
  scale sit in the core `itemWeight` extension on the option (not the deprecated `ordinalValue`).
  Conditional questions carry `enableWhen`; `none` in a multi-choice question is marked
  `optionExclusive`; help text is a nested display item with the `help` item control.
- The result travels as a read-only group, linkId `result`, last in both resources: level,
  pattern, drug-link score and category, risk band, whether warning signs were screened, the
  advice given and the tool that scored it. Items rather than extensions, so any FHIR form viewer
  shows them without knowing our extension URLs. Their codings use systems with a dash
  (`{BASE}/CodeSystem/triage-level`, ...), which no question id can have.
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
from dupi_triage.questionnaire import LEVEL_IDS, NONE_OPTION, Question, Questionnaire, When
from dupi_triage.scoring.model import Assessment

BASE = "https://dupi-triage.invalid/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/dupi-triage"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

RESULT = "result"
LEVEL_SYSTEM = f"{BASE}/CodeSystem/triage-level"
PATTERN_SYSTEM = f"{BASE}/CodeSystem/rash-pattern"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/drug-link-category"
RISK_SYSTEM = f"{BASE}/CodeSystem/risk-band"
RISK_BANDS = ("low", "moderate", "high")


def _result_texts(questionnaire: Questionnaire) -> dict[str, str]:
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


def code_system(question_id: str) -> str:
    return f"{BASE}/CodeSystem/{question_id}"


def canonical(questionnaire: Questionnaire) -> str:
    return f"{QUESTIONNAIRE_URL}|{questionnaire.version}"


# --- Questionnaire --------------------------------------------------------------------------------


def questionnaire_resource(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": "dupi-triage",
        "url": QUESTIONNAIRE_URL,
        "version": questionnaire.version,
        "name": "DupiTriage",
        "title": "dupi-triage: a new or worse rash during dupilumab (Dupixent) treatment",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "dupi-triage",
        "description": (
            "Questions for a person on dupilumab with a new or worse rash: warning signs first, "
            "then timing, appearance, response to pausing, other causes and risk factors. The "
            "scored result says how soon to contact the prescriber. "
            + questionnaire.wording.disclaimer
        ),
        "item": [_question_item(question) for question in questionnaire]
        + [_result_group(questionnaire)],
    }


def enable_when(when: When) -> dict[str, Any]:
    """`enableWhen` and `enableBehavior` for a condition FHIR can state without nesting.

    `in` with several options is any of them; `not_in` is none of them (each `!=`, all).
    """
    behaviours = set()
    checks = []
    for condition in when.conditions:
        operator = "=" if condition.operator == "in" else "!="
        if len(condition.options) > 1:
            behaviours.add("any" if condition.operator == "in" else "all")
        checks += [
            {
                "question": condition.question,
                "operator": operator,
                "answerCoding": {"system": code_system(condition.question), "code": option},
            }
            for option in condition.options
        ]
    if len(when.conditions) > 1:
        behaviours.add(when.behaviour)
    if len(behaviours) > 1:
        raise ValueError(f"FHIR enableWhen cannot state {when.describe()!r} without nesting")
    result: dict[str, Any] = {"enableWhen": checks}
    if len(checks) > 1:
        result["enableBehavior"] = behaviours.pop() if behaviours else "all"
    return result


def _question_item(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": question.text,
        "type": "integer" if question.type == "integer" else "choice",
        "required": True,
    }
    if question.type == "multi":
        item["repeats"] = True
    if question.when is not None:
        item.update(enable_when(question.when))
    if question.type == "integer":
        item["extension"] = [
            {"url": MIN_VALUE, "valueInteger": question.min},
            {"url": MAX_VALUE, "valueInteger": question.max},
        ]
    else:
        item["answerOption"] = [_answer_option(question, option.id) for option in question.options]
    item["item"] = [_help_item(question)]
    return item


def _answer_option(question: Question, option_id: str) -> dict[str, Any]:
    option = question.option(option_id)
    extensions: list[dict[str, Any]] = []
    if option.points is not None:
        extensions.append({"url": ITEM_WEIGHT, "valueDecimal": option.points})
    if question.type == "multi" and option.id == NONE_OPTION:
        extensions.append({"url": OPTION_EXCLUSIVE, "valueBoolean": True})
    entry: dict[str, Any] = {"valueCoding": _coding(question, option.id)}
    if extensions:
        entry["extension"] = extensions
    return entry


def _help_item(question: Question) -> dict[str, Any]:
    return {
        "linkId": f"{question.id}.help",
        "text": question.help,
        "type": "display",
        "extension": [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help"}]
                },
            }
        ],
    }


def _coding(question: Question, option_id: str) -> dict[str, str]:
    return {
        "system": code_system(question.id),
        "code": option_id,
        "display": question.option(option_id).label,
    }


def _result_options(system: str, codes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"valueCoding": {"system": system, "code": code, "display": display}}
        for code, display in codes
    ]


def _result_group(questionnaire: Questionnaire) -> dict[str, Any]:
    texts = _result_texts(questionnaire)
    wording = questionnaire.wording
    patterns = [*questionnaire.patterns, questionnaire.unclear]
    categories = [category for category, _ in questionnaire.drug_link.categories]

    def read_only(link: str, kind: str, **more: Any) -> dict[str, Any]:
        item = {"linkId": f"{RESULT}.{link}", "text": texts[link], "type": kind}
        return item | {"readOnly": True} | more

    return {
        "linkId": RESULT,
        "text": texts[RESULT],
        "type": "group",
        "readOnly": True,
        "item": [
            read_only(
                "level",
                "choice",
                answerOption=_result_options(
                    LEVEL_SYSTEM,
                    [(level, questionnaire.level(level).label) for level in LEVEL_IDS],
                ),
            ),
            read_only(
                "pattern",
                "choice",
                answerOption=_result_options(
                    PATTERN_SYSTEM, [(pattern.id, pattern.label) for pattern in patterns]
                ),
            ),
            read_only("drug_link_score", "integer"),
            read_only(
                "drug_link_category",
                "choice",
                answerOption=_result_options(
                    CATEGORY_SYSTEM, [(category, category) for category in categories]
                ),
            ),
            read_only(
                "risk_band",
                "choice",
                answerOption=_result_options(RISK_SYSTEM, [(band, band) for band in RISK_BANDS]),
            ),
            read_only("red_flags_screened", "boolean"),
            read_only("advice", "string", repeats=True),
            read_only("scored_by", "string"),
            {
                "linkId": f"{RESULT}.note",
                "text": f"{wording.drug_link_note} {wording.disclaimer}",
                "type": "display",
            },
        ],
    }


# --- QuestionnaireResponse ------------------------------------------------------------------------


def response_resource(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    answers = assessment.answers
    items = [
        _answer_item(question, value)
        for question in questionnaire
        if (value := answers.get(question.id)) is not None
    ]
    items.append(_result_answers(questionnaire, assessment))
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical(questionnaire),
        "status": "in-progress" if assessment.missing else "completed",
        "item": items,
    }


def _answer_item(question: Question, value: AnswerValue) -> dict[str, Any]:
    if isinstance(value, int):
        answer: list[dict[str, Any]] = [{"valueInteger": value}]
    else:
        chosen = (value,) if isinstance(value, str) else value
        answer = [{"valueCoding": _coding(question, option_id)} for option_id in chosen]
    return {"linkId": question.id, "text": question.text, "answer": answer}


def _result_answers(questionnaire: Questionnaire, assessment: Assessment) -> dict[str, Any]:
    texts = _result_texts(questionnaire)
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


def render_questionnaire(questionnaire: Questionnaire) -> str:
    return json.dumps(questionnaire_resource(questionnaire), indent=2, ensure_ascii=False) + "\n"
