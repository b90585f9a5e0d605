"""FHIR: the Questionnaire and QuestionnaireResponse validate as R4 (R4B) and agree with each other.

fhir.resources is a test dependency only: the product builds plain dicts, and these tests hold
them to the published models.
"""

from __future__ import annotations

import ast
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)

from dupi_triage.answers import parse_answers
from dupi_triage.fhir_codes import HIDDEN, ITEM_WEIGHT, OPTION_EXCLUSIVE, QUESTIONNAIRE_URL
from dupi_triage.questionnaire import (
    NONE_OPTION,
    RED_FLAGS,
    Condition,
    ConditionOperator,
    Questionnaire,
    When,
)
from dupi_triage.render.fhir import render
from dupi_triage.render.fhir_advice import sign_advice
from dupi_triage.render.fhir_questionnaire import (
    enable_when,
    questionnaire_resource,
    render_questionnaire,
)
from dupi_triage.scoring import assess
from tests.conftest import RunCli
from tests.report_cases import CASES, FACIAL_REDNESS, HALF_ANSWERED, as_flags

PACKAGE = Path(__file__).resolve().parents[1] / "dupi_triage"
CONDITIONAL = ("improved_on_pause", "returned_on_restart")


def _response(questionnaire: Questionnaire, answers: dict[str, object]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        render(questionnaire, assess(questionnaire, parse_answers(questionnaire, answers)))
    )
    return document


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


def _by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in _walk(resource["item"])}


@pytest.fixture(scope="module")
def fhir_questionnaire(questionnaire: Questionnaire) -> dict[str, Any]:
    return questionnaire_resource(questionnaire)


# --- validation against the published R4B models --------------------------------------------------


def test_the_questionnaire_validates_as_r4b(questionnaire: Questionnaire) -> None:
    document = json.loads(render_questionnaire(questionnaire))
    model = FhirQuestionnaire.model_validate(document)
    assert model.url == QUESTIONNAIRE_URL
    assert model.status == "active"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_response_validates_as_r4b(questionnaire: Questionnaire, case: str) -> None:
    document = _response(questionnaire, CASES[case])
    model = FhirQuestionnaireResponse.model_validate(document)
    assert model.status in ("completed", "in-progress")


def test_questions_format_fhir_prints_the_questionnaire(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    run = run_cli("questions", "--format", "fhir")
    assert run.code == 0, run.err
    assert run.out == render_questionnaire(questionnaire)
    FhirQuestionnaire.model_validate(json.loads(run.out))


def test_assess_format_fhir_prints_a_valid_response(run_cli: RunCli) -> None:
    run = run_cli("assess", "--no-input", *as_flags(FACIAL_REDNESS), "--format", "fhir")
    assert run.code == 0, run.err
    FhirQuestionnaireResponse.model_validate(json.loads(run.out))


# --- the Questionnaire ----------------------------------------------------------------------------


def test_sections_are_groups_with_their_intro_then_the_result(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    groups = fhir_questionnaire["item"]
    sections = [s for s in questionnaire.sections if any(q.section == s.id for q in questionnaire)]
    assert [group["linkId"] for group in groups] == [f"section-{s.id}" for s in sections] + [
        "result"
    ]
    for group, section in zip(groups, sections, strict=False):
        assert group["type"] == "group"
        assert group["text"] == section.title
        assert group["item"][0] == {
            "linkId": f"section-{section.id}.intro",
            "text": section.intro,
            "type": "display",
        }
        in_group = [item["linkId"] for item in group["item"] if item["type"] != "display"]
        in_group = [link for link in in_group if ".advice-" not in link]
        assert in_group == [q.id for q in questionnaire if q.section == section.id]
    all_links = [item["linkId"] for item in _walk(fhir_questionnaire["item"])]
    assert len(all_links) == len(set(all_links)), "linkIds must be unique"


def test_item_types_follow_the_question_types(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    for question in questionnaire:
        item = items[question.id]
        expected = {"integer": "integer", "text": "string"}.get(question.type, "choice")
        assert item["type"] == expected
        assert item.get("repeats", False) == (question.type == "multi")
        assert item["text"] == question.text


def test_only_the_warning_signs_are_required(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    required = [link for link, item in items.items() if item.get("required")]
    assert required == [RED_FLAGS]


def test_choices_are_check_boxes_or_radio_buttons(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    for question in questionnaire:
        if question.type in ("integer", "text"):
            continue
        controls = [
            coding["code"]
            for extension in items[question.id]["extension"]
            if extension["url"].endswith("questionnaire-itemControl")
            for coding in extension["valueCodeableConcept"]["coding"]
        ]
        assert controls == ["check-box" if question.type == "multi" else "radio-button"]


def test_every_help_text_is_carried_the_options_too(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    for question in questionnaire:
        help_text = items[f"{question.id}.help"]["text"]
        assert question.help in help_text
        for option in question.options:
            if option.help:
                assert f"{option.label}: {option.help}" in help_text


def _shown_advice(fhir_questionnaire: dict[str, Any], chosen: set[str]) -> list[str]:
    """The advice texts an SDC renderer shows with these warning signs ticked.

    enableWhen as the FHIR specification defines it: "=" is true if at least one answer equals
    the coding, "!=" if no answer does; several tests combine as enableBehavior says.
    """
    shown = []

    def enabled(item: dict[str, Any]) -> bool:
        tests = [
            (test["answerCoding"]["code"] in chosen) == (test["operator"] == "=")
            for test in item.get("enableWhen", [])
            if test["question"] == RED_FLAGS
        ]
        return any(tests) if item.get("enableBehavior") == "any" else all(tests)

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if not enabled(item):
                continue
            if item["type"] == "display" and ".advice-" in item["linkId"]:
                shown.append(item["text"])
            walk(item.get("item", []))

    walk(fhir_questionnaire["item"])
    return shown


def _made_of(text: str, lines: tuple[str, ...]) -> bool:
    """Whether `text` is a run of whole lines of the scoring's advice."""
    while text:
        line = next((line for line in lines if text.startswith(line)), None)
        if line is None:
            return False
        text = text[len(line) :].lstrip()
    return True


def test_warning_signs_show_the_scorings_own_advice_never_what_it_would_not_say_nor_twice(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    question = questionnaire.question(RED_FLAGS)
    signs = [option.id for option in question.options if option.red_flag is not None]
    assert _shown_advice(fhir_questionnaire, set()) == []
    assert _shown_advice(fhir_questionnaire, {NONE_OPTION}) == []
    for first, second in itertools.combinations_with_replacement(signs, 2):
        chosen = (first,) if first == second else (first, second)
        ordered = tuple(o for o in question.option_ids if o in chosen)
        result = assess(questionnaire, parse_answers(questionnaire, {RED_FLAGS: list(ordered)}))
        level = questionnaire.level(result.level.value)
        shown = _shown_advice(fhir_questionnaire, set(chosen))
        assert shown, chosen
        assert shown[0].startswith(f"{level.label.upper()}: {level.action}"), chosen
        for text in shown:
            words = text.removeprefix(f"{level.label.upper()}: ")
            assert _made_of(words, result.advice), (chosen, text)
        for line in result.advice:
            assert sum(line in text for text in shown) <= 1, (chosen, "said twice", line)


def test_advice_items_are_display_items_in_the_warning_signs_section(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    section = _by_link(fhir_questionnaire)[f"section-{questionnaire.question(RED_FLAGS).section}"]
    advice = [item for item in _walk(section["item"]) if ".advice-" in item["linkId"]]
    texts = [item["text"] for item in advice if item["type"] == "display"]
    assert texts == [entry.text for entry in sign_advice(questionnaire)]
    for item in advice:
        assert all(test["question"] == RED_FLAGS for test in item["enableWhen"])
        if len(item["enableWhen"]) > 1:
            assert item["enableBehavior"] in ("any", "all")


def test_the_result_group_is_hidden_from_whoever_fills_in_the_form(
    fhir_questionnaire: dict[str, Any],
) -> None:
    result = _by_link(fhir_questionnaire)["result"]
    assert {"url": HIDDEN, "valueBoolean": True} in result["extension"]


def test_conditional_questions_carry_enable_when(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    dose_paused_codings = [o["valueCoding"] for o in items["dose_paused"]["answerOption"]]
    yes = next(coding for coding in dose_paused_codings if coding["code"] == "yes")
    for question_id in CONDITIONAL:
        assert items[question_id]["enableWhen"] == [
            {
                "question": "dose_paused",
                "operator": "=",
                "answerCoding": {"system": yes["system"], "code": "yes"},
            }
        ]
    conditional = {question.id for question in questionnaire if question.when is not None}
    assert conditional >= set(CONDITIONAL)
    expression = (
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
    )
    for question in questionnaire:
        item = items[question.id]
        # A condition one enableBehavior cannot state is an SDC enableWhenExpression instead.
        conditioned = "enableWhen" in item or any(
            extension["url"] == expression for extension in item.get("extension", [])
        )
        assert conditioned == (question.id in conditional), question.id


def test_every_option_is_an_answer_option_coding(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    for question in questionnaire:
        if question.type in ("integer", "text"):
            assert "answerOption" not in items[question.id]
            continue
        codings = [option["valueCoding"] for option in items[question.id]["answerOption"]]
        assert [coding["code"] for coding in codings] == list(question.option_ids)
        assert [coding["display"] for coding in codings] == [o.label for o in question.options]
        systems = {coding["system"] for coding in codings}
        assert systems == {f"https://dupi-triage.invalid/fhir/CodeSystem/{question.id}"}


def test_option_points_are_item_weights_on_the_coding_never_ordinal_values(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    assert "ordinalValue" not in json.dumps(fhir_questionnaire)
    items = _by_link(fhir_questionnaire)
    weighted = 0
    for question in questionnaire:
        for option, entry in zip(
            question.options, items[question.id].get("answerOption", []), strict=True
        ):
            # On the Coding, where renderers that print weights beside labels do not look.
            assert ITEM_WEIGHT not in json.dumps(entry.get("extension", []))
            weights = [
                e for e in entry["valueCoding"].get("extension", []) if e["url"] == ITEM_WEIGHT
            ]
            if option.points is None:
                assert weights == []
            else:
                assert weights == [{"url": ITEM_WEIGHT, "valueDecimal": option.points}]
                weighted += 1
    assert weighted > 0
    assert ITEM_WEIGHT == "http://hl7.org/fhir/StructureDefinition/itemWeight"


def test_none_is_exclusive_in_multi_choice_questions(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    items = _by_link(fhir_questionnaire)
    for question in questionnaire:
        for entry in items[question.id].get("answerOption", []):
            exclusive = {"url": OPTION_EXCLUSIVE, "valueBoolean": True}
            expected = question.type == "multi" and entry["valueCoding"]["code"] == NONE_OPTION
            assert (exclusive in entry.get("extension", [])) == expected


def test_integer_questions_carry_their_range(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    itch = _by_link(fhir_questionnaire)["itch"]
    values = {e["url"].rsplit("/", 1)[1]: e["valueInteger"] for e in itch["extension"]}
    question = questionnaire.question("itch")
    assert values == {"minValue": question.min, "maxValue": question.max}


def test_the_result_group_is_read_only(fhir_questionnaire: dict[str, Any]) -> None:
    result = _by_link(fhir_questionnaire)["result"]
    assert result["type"] == "group"
    for item in result["item"]:
        assert item["type"] == "display" or item["readOnly"] is True


# --- the response, and how it matches the Questionnaire -------------------------------------------


def test_the_response_names_the_questionnaire_by_canonical_url_and_version(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    response = _response(questionnaire, FACIAL_REDNESS)
    expected = f"{fhir_questionnaire['url']}|{fhir_questionnaire['version']}"
    assert response["questionnaire"] == expected


def test_a_complete_response_is_completed_and_a_partial_one_in_progress(
    questionnaire: Questionnaire,
) -> None:
    assert _response(questionnaire, FACIAL_REDNESS)["status"] == "completed"
    assert _response(questionnaire, HALF_ANSWERED)["status"] == "in-progress"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_answer_is_one_the_questionnaire_offers(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any], case: str
) -> None:
    offered = _by_link(fhir_questionnaire)
    response = _response(questionnaire, CASES[case])
    order = [item["linkId"] for item in _walk(fhir_questionnaire["item"])]
    links = [item["linkId"] for item in _walk(response["item"])]
    assert links == sorted(links, key=order.index), "items follow the Questionnaire"

    for item in _walk(response["item"]):
        definition = offered[item["linkId"]]
        assert item.get("text") == definition["text"]
        parent = [p for p in _walk(fhir_questionnaire["item"]) if definition in p.get("item", [])]
        if parent:
            assert item in _by_link(response)[parent[0]["linkId"]]["item"], "in its section"
        if definition["type"] == "group":
            assert "answer" not in item
            continue
        assert item["answer"], "FHIR forbids empty arrays"
        if not definition.get("repeats"):
            assert len(item["answer"]) == 1
        for answer in item["answer"]:
            if definition["type"] == "choice":
                choices = [
                    {
                        key: value
                        for key, value in option["valueCoding"].items()
                        if key != "extension"
                    }
                    for option in definition["answerOption"]
                ]
                assert answer["valueCoding"] in choices
            else:
                value_key = {
                    "integer": "valueInteger",
                    "boolean": "valueBoolean",
                    "string": "valueString",
                }[definition["type"]]
                assert list(answer) == [value_key]


def test_the_response_holds_every_answer_given(questionnaire: Questionnaire) -> None:
    response = _by_link(_response(questionnaire, FACIAL_REDNESS))
    for question_id, value in FACIAL_REDNESS.items():
        answers = response[question_id]["answer"]
        if isinstance(value, int):
            assert answers == [{"valueInteger": value}]
        else:
            chosen = value if isinstance(value, list) else [value]
            assert [answer["valueCoding"]["code"] for answer in answers] == chosen


def test_unanswered_questions_are_left_out(questionnaire: Questionnaire) -> None:
    response = _by_link(_response(questionnaire, HALF_ANSWERED))
    assert "red_flags" not in response
    screened = response["result.red_flags_screened"]["answer"]
    assert screened == [{"valueBoolean": False}]


def test_result_code_systems_cannot_clash_with_question_code_systems(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    result = _by_link(fhir_questionnaire)["result"]
    systems = {
        option["valueCoding"]["system"]
        for item in result["item"]
        for option in item.get("answerOption", [])
    }
    question_systems = {
        f"https://dupi-triage.invalid/fhir/CodeSystem/{question.id}" for question in questionnaire
    }
    assert systems
    assert not systems & question_systems


# --- fhir.resources stays a test dependency -------------------------------------------------------


def test_product_code_never_imports_fhir_resources() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("fhir", "pydantic")), f"{path.name} imports {name}"


def test_the_validation_is_not_vacuous(questionnaire: Questionnaire) -> None:
    """A misspelt element must fail, or the validation tests above would prove nothing."""
    document = _response(questionnaire, FACIAL_REDNESS)
    first = document["item"][0]["item"][0]
    first["answers"] = first.pop("answer")
    with pytest.raises(ValueError, match="answers"):
        FhirQuestionnaireResponse.model_validate(document)


def test_a_condition_enable_when_cannot_state_becomes_an_enable_when_expression(
    questionnaire: Questionnaire,
) -> None:
    """Several options of a multi-choice question, all of them with another test: no R4 test
    says "one of these ticked" under enableBehavior "all"."""
    conditional = questionnaire.conditional[0]
    first = next(q for q in questionnaire if q.type == "single" and q is not conditional)
    second = next(q for q in questionnaire if q.type == "multi" and q is not conditional)
    mixed = When(
        "all",
        (
            Condition(first.id, "in", first.option_ids[:1]),
            Condition(second.id, "in", second.option_ids[:2]),
        ),
    )
    changed = questionnaire.replace(
        questions=tuple(q.replace(when=mixed) if q is conditional else q for q in questionnaire)
    )
    document = questionnaire_resource(changed)
    FhirQuestionnaire.model_validate(document)
    item = _by_link(document)[conditional.id]
    assert "enableWhen" not in item
    [expression] = [
        e["valueExpression"]["expression"]
        for e in item["extension"]
        if e["url"].endswith("sdc-questionnaire-enableWhenExpression")
    ]
    assert f"linkId = '{first.id}'" in expression
    assert f"linkId = '{second.id}'" in expression
    assert " and " in expression


def _enabled_by_r4(item: dict[str, Any], answers: dict[str, str]) -> bool:
    """An item's plain enableWhen as FHIR R4 defines it, for single-choice answers: "=" is true
    if an answer equals, "!=" if none does (so while unanswered), "exists" if one is given."""

    def holds(test: dict[str, Any]) -> bool:
        given = answers.get(test["question"])
        if test["operator"] == "exists":
            return (given is not None) is test["answerBoolean"]
        equal = given == test["answerCoding"]["code"]
        return equal if test["operator"] == "=" else not equal

    results = [holds(test) for test in item["enableWhen"]]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def _single_choice_conditions(questionnaire: Questionnaire) -> Iterator[When]:
    """Every shape of condition over two single-choice questions of the data, and the data's own."""
    yield from (q.when for q in questionnaire.conditional if q.when is not None)
    first, second = [q for q in questionnaire if q.type == "single" and len(q.options) >= 3][:2]
    behaviours: tuple[Literal["all", "any"], ...] = ("all", "any")
    operators: tuple[ConditionOperator, ...] = ("in", "not_in")
    for behaviour in behaviours:
        for one, two in itertools.product(operators, repeat=2):
            yield When(
                behaviour,
                (
                    Condition(first.id, one, first.option_ids[:1]),
                    Condition(second.id, two, second.option_ids[:2]),
                ),
            )


def test_plain_enable_when_alone_asks_a_question_exactly_when_the_tool_does(
    questionnaire: Questionnaire,
) -> None:
    """For a renderer without FHIRPath (pregnancy: never asked of a parent or a clinician).

    The item carries no enableWhenExpression beside it: its enableWhen says it all.
    """
    tried = 0
    for when in _single_choice_conditions(questionnaire):
        item = enable_when(questionnaire, when)
        assert "extension" not in item, when
        FhirQuestionnaire.model_validate(
            {"resourceType": "Questionnaire", "status": "active",
             "item": [{"linkId": "q", "type": "string", **item}]}
        )  # fmt: skip
        parents = [questionnaire.question(q) for q in when.questions]
        for values in itertools.product(*[(None, *p.option_ids) for p in parents]):
            answers = {p.id: v for p, v in zip(parents, values, strict=True) if v is not None}
            assert _enabled_by_r4(item, answers) is (when.state(answers) is True), (when, answers)
            tried += 1
    assert tried > 100


def test_a_question_asked_when_several_answers_hold_needs_no_fhirpath_in_the_form(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    conditional = [q for q in questionnaire.conditional if q.when and len(q.when.conditions) > 1]
    assert conditional, "a question asked only when several earlier answers hold"
    items = _by_link(fhir_questionnaire)
    for question in conditional:
        assert question.when is not None
        item = items[question.id]
        assert not any(e["url"].endswith("enableWhenExpression") for e in item["extension"])
        parents = [questionnaire.question(q) for q in question.when.questions]
        for values in itertools.product(*[(None, *p.option_ids) for p in parents]):
            answers = {p.id: v for p, v in zip(parents, values, strict=True) if v is not None}
            expected = question.when.state(answers) is True
            assert _enabled_by_r4(item, answers) is expected, (question.id, answers)


def test_an_option_offered_only_to_young_children_says_so_in_its_help(
    questionnaire: Questionnaire, fhir_questionnaire: dict[str, Any]
) -> None:
    """R4 cannot hide an option (nappy area: under 6), so its help says when it applies."""
    items = _by_link(fhir_questionnaire)
    found = 0
    for question in questionnaire:
        for option in question.options:
            if option.when is None:
                continue
            found += 1
            [line] = [
                line
                for line in items[f"{question.id}.help"]["text"].splitlines()
                if line.startswith(f"- {option.label}:")
            ]
            for condition in option.when.conditions:
                parent = questionnaire.question(condition.question)
                assert parent.short in line
                for option_id in condition.options:
                    assert parent.option(option_id).label in line, (option.id, line)
    assert found
