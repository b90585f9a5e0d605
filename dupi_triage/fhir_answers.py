"""Answers from a FHIR QuestionnaireResponse: ours, or one filled in any SDC form renderer.

One more answers reader beside the JSON one, giving the same canonical Answers; nothing after it
knows that FHIR exists. An item's linkId is the question id, a `valueCoding` (in the question's
own code system) or a `valueInteger` is the answer. Everything a renderer adds that does not
answer a question is ignored: `meta`, `authored`, `status` (but `entered-in-error` is refused),
display items, weight extensions on codings, and the answers in our own `result` group (scores are
always worked out again, never trusted). A modifier extension anywhere, or another response in
`contained`, is refused: either could change what the answers mean. Every item is still
checked against the Questionnaire: a question where the form has none (inside `result`, in
another section's group) is refused, never skipped unread.

A response is untrusted input: its size, nesting and item count are bounded before anything is
read, and every error is one line naming the item.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from dupi_triage.answers import Answers, check_conditions, parse_value
from dupi_triage.errors import InputError, quoted
from dupi_triage.fhir_codes import QUESTIONNAIRE_URL, canonical, code_system
from dupi_triage.migrations import VERSION_KEY, known_versions, migrate
from dupi_triage.questionnaire import Question, Questionnaire
from dupi_triage.records import NamedTuple

RESOURCE_TYPE = "QuestionnaireResponse"
MAX_ITEMS = 500
MAX_DEPTH = 6


def is_response(document: object) -> bool:
    return isinstance(document, dict) and document.get("resourceType") == RESOURCE_TYPE


def response_answers(questionnaire: Questionnaire, document: Mapping[str, Any]) -> Answers:
    """The answers a QuestionnaireResponse gives; a missing item is unanswered, and an answer
    its condition rules out (a question the form hides, an option for another age) is refused."""
    version = _check_questionnaire(questionnaire, document.get("questionnaire"))
    _check_response(document)
    items = document.get("item", [])
    _count_items(items)
    raw: dict[str, object] = {}
    seen: set[str] = set()
    for link, given in _answered_items(items, _item_places(questionnaire)):
        if link in seen:
            raise InputError(_field(link), "is answered twice")
        seen.add(link)
        value = _raw_value(questionnaire.by_id[link], given)
        if value is not None:
            raw[link] = value
    saved_under = None
    if version and version != questionnaire.version:
        raw, saved_under = migrate(questionnaire, {**raw, VERSION_KEY: version})
    values = {
        question_id: parse_value(questionnaire.by_id[question_id], value, _field(question_id))
        for question_id, value in raw.items()
    }
    answers = Answers(values, saved_under)
    # Refused as a JSON file's are, never dropped: a renderer hides a question whose enableWhen
    # fails and exports no answer to it (LHC-Forms does so), so such an answer is not one the
    # form gave; and an option R4 cannot hide (nappy_area for an adult) contradicts another
    # answer, which dupi-triage will not guess between.
    check_conditions(questionnaire, answers, _question_field)
    return answers


# --- the questionnaire it answers -----------------------------------------------------------------


def _check_questionnaire(questionnaire: Questionnaire, reference: object) -> str:
    """The version of our questionnaire the response answers ('' when it names none)."""
    expected = canonical(questionnaire.version)
    if not isinstance(reference, str):
        problem = "is missing" if reference is None else "must be a canonical URL"
        raise InputError("questionnaire", problem, expected)
    url, _, version = reference.partition("|")
    if url != QUESTIONNAIRE_URL:
        raise InputError(
            "questionnaire", f"{quoted(reference)} is not the dupi-triage questionnaire", expected
        )
    if version and version not in known_versions(questionnaire):
        raise InputError(
            "questionnaire",
            f"version {quoted(version)} is not one this dupi-triage reads",
            ", ".join(canonical(known) for known in known_versions(questionnaire)),
        )
    return version


def _check_response(document: Mapping[str, Any]) -> None:
    """What the response says about itself that changes whether it can be scored at all."""
    if "modifierExtension" in document:
        raise InputError("modifierExtension", _MODIFIER_PROBLEM)
    if document.get("status") == "entered-in-error":
        raise InputError(
            "status",
            "'entered-in-error' marks this response as recorded by mistake: it is not scored",
        )
    contained = document.get("contained")
    if isinstance(contained, list) and any(is_response(resource) for resource in contained):
        raise InputError(
            "contained",
            "holds another QuestionnaireResponse; dupi-triage reads the answers of the response "
            "itself, so give that one on its own",
        )


#: FHIR R4: an element with a modifier extension the reader does not know must not be read as if
#: the extension were not there (it may say "not", or "refuted").
_MODIFIER_PROBLEM = (
    "has a modifierExtension, which may change what it means, and dupi-triage knows none: "
    "it is not scored"
)


# --- items ----------------------------------------------------------------------------------------


def _count_items(items: object) -> None:
    """Bound the work before reading anything: item count and nesting depth."""
    count = 0
    stack: list[tuple[object, int]] = [(items, 1)]
    while stack:
        children, depth = stack.pop()
        if not isinstance(children, list):
            raise InputError("item", f"must be a list of items, not {_kind(children)}")
        if depth > MAX_DEPTH:
            raise InputError("item", f"nested more than {MAX_DEPTH} levels deep")
        count += len(children)
        if count > MAX_ITEMS:
            raise InputError("item", f"has more than {MAX_ITEMS} items")
        for child in children:
            if not isinstance(child, dict):
                raise InputError("item", f"each item must be an object, not {_kind(child)}")
            if "item" in child:
                stack.append((child["item"], depth + 1))
            for answer in child.get("answer", []) if isinstance(child.get("answer"), list) else ():
                if isinstance(answer, dict) and "item" in answer:
                    stack.append((answer["item"], depth + 1))


class _Place(NamedTuple):
    """Where our Questionnaire puts an item, and what it is."""

    #: "question" for one of ours; else the FHIR type ("group", "display", a result field's).
    kind: str
    #: The linkId of the item it sits in; "" at the top level.
    home: str


@functools.cache
def _item_places(questionnaire: Questionnaire) -> Mapping[str, _Place]:
    """Every linkId of our Questionnaire: its kind and the item it sits in."""
    from dupi_triage.render.fhir_questionnaire import questionnaire_resource

    places: dict[str, _Place] = {}

    def walk(items: list[dict[str, Any]], home: str) -> None:
        for item in items:
            link = item["linkId"]
            kind = "question" if link in questionnaire.by_id else item["type"]
            places[link] = _Place(kind, home)
            walk(item.get("item", []), link)

    walk(questionnaire_resource(questionnaire)["item"], "")
    return places


def _answered_items(
    items: list[dict[str, Any]], places: Mapping[str, _Place], parent: str = ""
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each question item's answers, wherever the Questionnaire lets it sit.

    Nothing is skipped unread: every item must be one the Questionnaire has, in the group the
    Questionnaire puts it in (or at the top level, as renderers that flatten groups send it), and
    only questions carry answers. A question hidden somewhere else (a warning sign inside the
    result group) would otherwise be scored as unanswered.
    """
    for item in items:
        link = item.get("linkId")
        if not isinstance(link, str):
            raise InputError("item", "every item needs a linkId string")
        place = places.get(link)
        if place is None:
            questions = ", ".join(link for link, p in places.items() if p.kind == "question")
            raise InputError(_field(link), "is not in this questionnaire", questions)
        if "modifierExtension" in item:
            raise InputError(_field(link), _MODIFIER_PROBLEM)
        if parent and place.home != parent:
            raise InputError(
                _field(link),
                f"does not belong inside item {quoted(parent)}",
                "at the top level"
                + (f" or inside item {quoted(place.home)}" if place.home else ""),
            )
        if place.kind == "group":
            if "answer" in item:
                raise InputError(_field(link), "is a group and takes no answer")
            yield from _answered_items(item.get("item", []), places, link)
            continue
        if place.kind == "display":
            if "answer" in item or item.get("item"):
                raise InputError(_field(link), "is a display item and takes no answer")
            continue
        answers = _answers(link, item)
        if item.get("item") or any("item" in answer for answer in answers):
            raise InputError(_field(link), "a question here has no nested items")
        if place.kind == "question":
            yield link, answers
        # else one of the result's fields: worked out again, never trusted


def _answers(link: str, item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The item's `answer`: a list of objects (an item without one is unanswered)."""
    answers = item.get("answer", [])
    if not isinstance(answers, list):
        raise InputError(_field(link), f"'answer' must be a list, not {_kind(answers)}")
    for answer in answers:
        if not isinstance(answer, dict):
            raise InputError(_field(link), f"each answer must be an object, not {_kind(answer)}")
        if "modifierExtension" in answer:
            raise InputError(_field(link), f"an answer {_MODIFIER_PROBLEM}")
    return answers


def _raw_value(question: Question, answers: list[dict[str, Any]]) -> object:
    """The item's answer as an answers file would hold it: option ids, one id or a number."""
    field = _field(question.id)
    if not answers:
        return None
    raw = [_raw_answer(question, answer, field) for answer in answers]
    if question.type == "multi":
        return raw
    if len(raw) > 1:
        raise InputError(field, "takes one value, not a list", question.allowed_values())
    return raw[0]


def _raw_answer(question: Question, answer: Mapping[str, Any], field: str) -> object:
    """An option id (from a coding in the question's own system) or a whole number."""
    values = [key for key in answer if key.startswith("value")]
    expected = {"integer": "valueInteger", "text": "valueString"}.get(question.type, "valueCoding")
    if values != [expected]:
        got = ", ".join(values) if values else "no value"
        raise InputError(field, f"expected {expected}, got {got}", question.allowed_values())
    value = answer[expected]
    if expected == "valueString":
        if not isinstance(value, str):
            raise InputError(field, f"valueString must be text, not {_kind(value)}")
        return value
    if expected == "valueInteger":
        if isinstance(value, float) and value == value and abs(value) < 1e6:
            raise InputError(field, f"valueInteger must be a whole number, not {value!r}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(field, f"valueInteger must be a whole number, not {_kind(value)}")
        return value
    if not isinstance(value, dict):
        raise InputError(field, f"valueCoding must be an object, not {_kind(value)}")
    system = value.get("system")
    if system != code_system(question.id):
        raise InputError(
            field,
            f"coding system {quoted(system)} is not this question's",
            code_system(question.id),
        )
    code = value.get("code")
    if not isinstance(code, str):
        raise InputError(field, "a coding needs a code", question.allowed_values())
    return code


# --- wording --------------------------------------------------------------------------------------


def _field(link: str) -> str:
    return f"item {quoted(link)}"


def _question_field(question: Question) -> str:
    return _field(question.id)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "a number"
