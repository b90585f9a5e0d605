"""The questionnaire as a FHIR R4 (SDC) Questionnaire that any form renderer can show safely.

Everything is generated from the loaded questionnaire and its scoring rules, so the form cannot
drift from the terminal: sections become groups with their intro, questions keep their ids as
linkIds, options keep their ids as codes (one code system per question), help texts (the
question's and each option's) become a help item, and conditions become `enableWhen`.

What a person filling in the form must and must not see, whatever the renderer:
- The advice for a warning sign appears the moment the sign is chosen, in the scoring's own
  words, and nothing the result would not say beside another sign (fhir_advice.py).
- No points. The adapted Naranjo points are kept as `itemWeight` on each option's Coding, not on
  the answerOption: renderers that print weights beside labels (LHC-Forms adds " - 2") read the
  answerOption, and a generic engine that sums weights would be wrong anyway (multi-choice
  questions count their highest or lowest option). The score comes from dupi-triage reading the
  response back.
- Only the warning signs are required: partial answers are scored, with what is missing said.
- The result group is hidden from whoever fills in the form; our own responses fill it.
"""

from __future__ import annotations

import json
from typing import Any

from dupi_triage.fhir_codes import (
    HIDDEN,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    ITEM_WEIGHT,
    MAX_VALUE,
    MIN_VALUE,
    OPTION_EXCLUSIVE,
    QUESTIONNAIRE_URL,
    RESULT,
    section_link,
)
from dupi_triage.questionnaire import (
    LEVEL_IDS,
    NONE_OPTION,
    RED_FLAGS,
    Condition,
    Question,
    Questionnaire,
    When,
)
from dupi_triage.render.fhir import (
    CATEGORY_SYSTEM,
    LEVEL_SYSTEM,
    PATTERN_SYSTEM,
    RISK_BANDS,
    RISK_SYSTEM,
    answer_is,
    coding,
    result_texts,
)
from dupi_triage.render.fhir_advice import advice_items

ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)


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
        "item": [
            *(
                _section_group(questionnaire, section.id)
                for section in _used_sections(questionnaire)
            ),
            _result_group(questionnaire),
        ],
    }


def render_questionnaire(questionnaire: Questionnaire) -> str:
    return json.dumps(questionnaire_resource(questionnaire), indent=2, ensure_ascii=False) + "\n"


def _used_sections(questionnaire: Questionnaire) -> list[Any]:
    used = {question.section for question in questionnaire}
    return [section for section in questionnaire.sections if section.id in used]


# --- sections and questions -----------------------------------------------------------------------


def _section_group(questionnaire: Questionnaire, section_id: str) -> dict[str, Any]:
    section = questionnaire.section(section_id)
    link = section_link(section_id)
    items: list[dict[str, Any]] = [
        {"linkId": f"{link}.intro", "text": section.intro, "type": "display"}
    ]
    for question in questionnaire:
        if question.section != section_id:
            continue
        items.append(_question_item(questionnaire, question))
        if question.id == RED_FLAGS:
            items.extend(advice_items(questionnaire, question))
    return {"linkId": link, "text": section.title, "type": "group", "item": items}


FHIR_TYPES = {"single": "choice", "multi": "choice", "integer": "integer", "text": "string"}


def _question_item(questionnaire: Questionnaire, question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": question.text,
        "type": FHIR_TYPES[question.type],
    }
    extensions: list[dict[str, Any]] = []
    if question.when is not None:
        condition = enable_when(questionnaire, question.when)
        extensions += condition.pop("extension", [])
        item |= condition
    if question.type == "text":
        item["maxLength"] = question.max
        if extensions:
            item["extension"] = extensions
        item["item"] = [_help_item(questionnaire, question)]
        return item
    if question.id == RED_FLAGS:
        item["required"] = True
    if question.type == "multi":
        item["repeats"] = True
    if question.type == "integer":
        extensions += [
            {"url": MIN_VALUE, "valueInteger": question.min},
            {"url": MAX_VALUE, "valueInteger": question.max},
        ]
    else:
        control = "check-box" if question.type == "multi" else "radio-button"
        extensions.append(_item_control(control))
        item["answerOption"] = [_answer_option(question, option.id) for option in question.options]
    item["extension"] = extensions
    item["item"] = [_help_item(questionnaire, question)]
    return item


def enable_when(questionnaire: Questionnaire, when: When) -> dict[str, Any]:
    """How a renderer knows when to ask: plain `enableWhen`, which every renderer reads, or an
    expression where one enableBehavior cannot say it.

    FHIR R4 defines `=` as "at least one answer equals", `!=` as "no answer equals" (so true
    while the question is unanswered, as our `not_in` is) and `exists` as "is answered". A test
    that needs the other behaviour is rewritten where the question is single-choice: under
    "all", "Q in {a, b}" is "Q exists" and "Q != x" for every other option x; under "any",
    "Q not in {a, b}" is "Q does not exist" or "Q = x" for another x. Only what still cannot be
    said (several options of a multi-choice question, mixed) becomes the SDC
    `enableWhenExpression` in FHIRPath, which renderers without FHIRPath ignore.
    """
    tests = _enable_when_tests(questionnaire, when)
    if tests is None:
        expression = {"language": "text/fhirpath", "expression": enable_when_expression(when)}
        return {"extension": [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]}
    behaviour, items = tests
    return {"enableWhen": items} | ({"enableBehavior": behaviour} if len(items) > 1 else {})


def _enable_when_tests(
    questionnaire: Questionnaire, when: When
) -> tuple[str, list[dict[str, Any]]] | None:
    """The enableWhen tests and their one enableBehavior, or None where R4 cannot say it."""
    if len(when.conditions) == 1:
        [condition] = when.conditions
        return _natural(condition), _tests(questionnaire, condition)
    tests: list[dict[str, Any]] = []
    for condition in when.conditions:
        if len(condition.options) == 1 or _natural(condition) == when.behaviour:
            tests += _tests(questionnaire, condition)
            continue
        question = questionnaire.question(condition.question)
        if question.type != "single":
            return None
        answered = when.behaviour == "all"
        others = [o for o in question.option_ids if o not in condition.options]
        tests.append({"question": question.id, "operator": "exists", "answerBoolean": answered})
        tests += [
            answer_is(questionnaire, question.id, other, "!=" if answered else "=")
            for other in others
        ]
    return when.behaviour, tests


def _natural(condition: Condition) -> str:
    """How one test per option combines: `in` is any of them equal, `not_in` all unequal."""
    return "any" if condition.operator == "in" else "all"


def _tests(questionnaire: Questionnaire, condition: Condition) -> list[dict[str, Any]]:
    operator = "=" if condition.operator == "in" else "!="
    return [
        answer_is(questionnaire, condition.question, option, operator)
        for option in condition.options
    ]


def enable_when_expression(when: When) -> str:
    """The condition in FHIRPath, over the response being filled in."""

    def test(condition: Condition) -> str:
        codes = " or ".join(f"code = '{option}'" for option in condition.options)
        chosen = (
            f"%resource.repeat(item).where(linkId = '{condition.question}')"
            f".answer.value.where({codes}).exists()"
        )
        return chosen if condition.operator == "in" else f"{chosen}.not()"

    joiner = " and " if when.behaviour == "all" else " or "
    return joiner.join(f"({test(condition)})" for condition in when.conditions)


def _answer_option(question: Question, option_id: str) -> dict[str, Any]:
    option = question.option(option_id)
    value = coding(question, option.id)
    if option.points is not None:
        value["extension"] = [{"url": ITEM_WEIGHT, "valueDecimal": option.points}]
    entry: dict[str, Any] = {"valueCoding": value}
    if question.type == "multi" and option.id == NONE_OPTION:
        entry["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    return entry


def _help_item(questionnaire: Questionnaire, question: Question) -> dict[str, Any]:
    """The question's help, then each option's: renderers show it behind a help button.

    An option the tool offers only under a condition says so there: R4 cannot hide an option.
    """
    lines = [question.help] + [
        f"- {option.label}: {option.help}"
        + (f" {offered_only_when(questionnaire, option.when)}" if option.when else "")
        for option in question.options
        if option.help or option.when
    ]
    return {
        "linkId": f"{question.id}.help",
        "text": "\n".join(line for line in lines if line),
        "type": "display",
        "extension": [_item_control("help")],
    }


def offered_only_when(questionnaire: Questionnaire, when: When) -> str:
    """ "Only when Age is Under 2 years or 2 to 5 years.", in the words the form shows."""
    return f"Only when {when.in_words(questionnaire)}."


def _item_control(code: str) -> dict[str, Any]:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    }


# --- the result, hidden from whoever fills in the form --------------------------------------------


def _result_options(system: str, codes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"valueCoding": {"system": system, "code": code, "display": display}}
        for code, display in codes
    ]


def _result_group(questionnaire: Questionnaire) -> dict[str, Any]:
    texts = result_texts(questionnaire)
    wording = questionnaire.wording
    patterns = [*questionnaire.patterns, questionnaire.unclear]
    categories = [category for category, _ in questionnaire.drug_link.categories]

    def read_only(link: str, kind: str, **more: Any) -> dict[str, Any]:
        item = {"linkId": f"{RESULT}.{link}", "text": texts[link], "type": kind}
        return item | {"readOnly": True} | more

    levels = [(level, questionnaire.level(level).label) for level in LEVEL_IDS]
    return {
        "extension": [{"url": HIDDEN, "valueBoolean": True}],
        "linkId": RESULT,
        "text": texts[RESULT],
        "type": "group",
        "readOnly": True,
        "item": [
            read_only("level", "choice", answerOption=_result_options(LEVEL_SYSTEM, levels)),
            read_only(
                "pattern",
                "choice",
                answerOption=_result_options(PATTERN_SYSTEM, [(p.id, p.label) for p in patterns]),
            ),
            read_only("drug_link_score", "integer"),
            read_only(
                "drug_link_category",
                "choice",
                answerOption=_result_options(CATEGORY_SYSTEM, [(c, c) for c in categories]),
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
