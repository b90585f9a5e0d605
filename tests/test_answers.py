"""Answers from flags and files: the forms accepted, and errors naming the field and values."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from dupi_triage.answers import (
    Answers,
    answers_document,
    flag_field,
    missing,
    parse_answers,
)
from dupi_triage.errors import InputError
from dupi_triage.questionnaire import Questionnaire

Parse = Callable[[Mapping[str, object]], Answers]


def _error(questionnaire: Questionnaire, raw: Mapping[str, object]) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_answers(questionnaire, raw)
    return caught.value


# --- accepted forms -----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["1_to_4_months", "1-to-4-months", " 1-TO-4-Months "])
def test_option_values_are_accepted_in_dash_or_underscore_form(
    answers_from: Parse, written: str
) -> None:
    assert answers_from({"onset": written}).get("onset") == "1_to_4_months"


def test_multi_choice_accepts_commas_lists_and_both(answers_from: Parse) -> None:
    expected = ("face_neck", "scalp")
    assert answers_from({"location": "scalp,face-neck"}).get("location") == expected
    assert answers_from({"location": ["scalp", "face_neck"]}).get("location") == expected
    assert answers_from({"location": ["scalp,face_neck", "scalp"]}).get("location") == expected


def test_multi_choice_is_stored_in_questionnaire_order(answers_from: Parse) -> None:
    answers = answers_from({"look": ["red_itchy_eyes", "typical_eczema"]})
    assert answers.get("look") == ("typical_eczema", "red_itchy_eyes")


def test_none_alone_is_accepted(answers_from: Parse) -> None:
    assert answers_from({"red_flags": "none"}).get("red_flags") == ("none",)


@pytest.mark.parametrize(
    ("question_id", "raw"),
    [
        ("red_flags", "none,eye_pain_or_vision"),
        ("red_flags", ["breathing_or_swelling", "none"]),
        ("alternative_causes", ["none", "new_medicine"]),
        ("risk_factors", "poor-skin-barrier,none"),
    ],
)
def test_none_cannot_be_combined_with_other_options(
    questionnaire: Questionnaire, question_id: str, raw: object
) -> None:
    error = _error(questionnaire, {question_id: raw})
    assert error.field == question_id
    assert "none" in str(error)


@pytest.mark.parametrize("raw", [[], "", ",", [""]])
def test_an_empty_multi_choice_answer_is_rejected(
    questionnaire: Questionnaire, raw: object
) -> None:
    error = _error(questionnaire, {"red_flags": raw})
    assert error.field == "red_flags"
    assert error.allowed is not None
    assert "none" in error.allowed


def test_a_single_choice_question_takes_one_value_not_a_list(
    questionnaire: Questionnaire,
) -> None:
    error = _error(questionnaire, {"onset": ["unsure"]})
    assert error.field == "onset"
    assert error.allowed is not None
    assert "before_starting" in error.allowed


def test_null_means_not_answered(questionnaire: Questionnaire, answers_from: Parse) -> None:
    answers = answers_from({"red_flags": None, "onset": "unsure"})
    assert "red_flags" not in answers
    assert "red_flags" in missing(questionnaire, answers)


# --- the itch number ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), (10, 10), (7, 7), ("7", 7), (" 4 ", 4)])
def test_itch_accepts_whole_numbers_from_0_to_10(
    answers_from: Parse, raw: object, expected: int
) -> None:
    assert answers_from({"itch": raw}).get("itch") == expected


@pytest.mark.parametrize(
    "raw", [True, False, 7.0, 7.5, "7.0", "11", 11, "-1", -1, "²", "\uff17", "seven", ""]
)
def test_itch_rejects_anything_but_a_whole_number_in_range(
    questionnaire: Questionnaire, raw: object
) -> None:
    error = _error(questionnaire, {"itch": raw})
    assert error.field == "itch"
    assert error.allowed == "a whole number from 0 to 10"


# --- unknown questions and contradictions -------------------------------------------------------


def test_an_unknown_question_is_rejected_with_the_known_ones(
    questionnaire: Questionnaire,
) -> None:
    error = _error(questionnaire, {"onsett": "unsure"})
    assert "onsett" in error.field
    assert error.allowed is not None
    for question in questionnaire:
        assert question.id in error.allowed


def test_a_conditional_answer_contradicting_dose_paused_no_is_rejected(
    questionnaire: Questionnaire,
) -> None:
    error = _error(questionnaire, {"dose_paused": "no", "improved_on_pause": "yes"})
    assert error.field == "improved_on_pause"
    assert "dose_paused" in str(error)


def test_a_conditional_answer_with_dose_paused_yes_is_accepted(answers_from: Parse) -> None:
    answers = answers_from(
        {"dose_paused": "yes", "improved_on_pause": "yes", "returned_on_restart": "not-restarted"}
    )
    assert answers.get("returned_on_restart") == "not_restarted"


def test_errors_from_flags_name_the_flag(questionnaire: Questionnaire) -> None:
    with pytest.raises(InputError) as caught:
        parse_answers(questionnaire, {"onset": "last_week"}, flag_field)
    assert caught.value.field == "--onset"
    with pytest.raises(InputError) as caught:
        parse_answers(questionnaire, {"dose_paused": "no", "returned_on_restart": "no"}, flag_field)
    assert caught.value.field == "--returned-on-restart"


# --- every error names the field and what is allowed --------------------------------------------

BAD_VALUES: list[tuple[str, object]] = [
    ("red_flags", "rash"),
    ("red_flags", 3),
    ("red_flags", {"none": True}),
    ("onset", "yesterday"),
    ("onset", 2),
    ("injection_pattern", "maybe"),
    ("location", "elbow"),
    ("look", ["typical_eczema", "purple"]),
    ("itch", "lots"),
    ("impact", "terrible"),
    ("dose_paused", "unsure"),
    ("improved_on_pause", "kind_of"),
    ("returned_on_restart", "yes_no"),
    ("usual_treatment_helps", True),
    ("alternative_causes", "cats"),
    ("similar_before", "y"),
    ("confirmed_by_clinician", "biopsy"),
    ("risk_factors", ["asthma"]),
]


@pytest.mark.parametrize(("question_id", "raw"), BAD_VALUES)
def test_every_bad_value_names_the_field_and_its_allowed_values(
    questionnaire: Questionnaire, question_id: str, raw: object
) -> None:
    question = questionnaire.question(question_id)
    raw_answers: dict[str, object] = {question_id: raw}
    if question.when is not None:
        for condition in question.when.conditions:
            raw_answers[condition.question] = condition.options[0]
    error = _error(questionnaire, raw_answers)
    message = str(error)
    assert error.field == question_id
    assert message.startswith(f"{question_id}: ")
    assert "\n" not in message
    assert error.allowed is not None
    for option_id in question.option_ids:
        assert option_id in error.allowed


# --- saved files --------------------------------------------------------------------------------


def test_saved_answers_read_back_to_the_same_answers(
    questionnaire: Questionnaire, answers_from: Parse, ordinary_flare: dict[str, object]
) -> None:
    answers = answers_from(ordinary_flare)
    assert answers_from(answers.to_json(questionnaire)) == answers


def test_a_saved_json_result_is_read_as_its_answers(ordinary_flare: dict[str, object]) -> None:
    document = {"tool": "dupi-triage", "level": "routine", "answers": ordinary_flare}
    assert answers_document(document, "--answers result.json") == ordinary_flare


@pytest.mark.parametrize("document", [[], "none", 3, {"tool": "dupi-triage", "answers": []}])
def test_an_answers_document_that_is_not_an_object_names_the_file(document: object) -> None:
    with pytest.raises(InputError) as caught:
        answers_document(document, "--answers a.json")
    assert caught.value.field == "--answers a.json"
