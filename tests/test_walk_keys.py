"""The keys a frightened person presses (issue 19): Enter too soon, Esc to go back, a number to
change, and two answers that cannot both be true. Driven through prompt_toolkit's pipe input, as
in test_prompts.py, for what is recorded. Keys in a pipe arrive all at once, before a prompt has
drawn anything, so what the prompts draw on the way (why Enter did nothing, the key help, the
count) is read on a real terminal instead: test_walk_screen.py.
"""

from __future__ import annotations

import pytest

from dupi_triage.questionnaire import Questionnaire
from tests.test_prompts import (
    BACKSPACE,
    DOWN,
    ENTER,
    REVIEW_ACCEPT,
    SPACE,
    UP,
    _all_but,
    _review_pick,
    pick,
    walk,
)

ESC = "\x1b"


def _reads(text: str) -> str:
    return " ".join(text.split())


# --- Enter on an option nobody moved to ---------------------------------------------------------


def test_enter_on_an_untouched_single_choice_records_nothing_and_says_how_to_pick(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, _all_but("onset"), ENTER)
    assert result.interrupted, "Enter alone must not answer the question"
    assert "onset" not in result.answers


def test_after_saying_how_to_pick_a_number_then_enter_answers(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, _all_but("onset"), ENTER + pick(2) + REVIEW_ACCEPT)
    assert not result.interrupted
    assert result.answers.get("onset") == "within_4_weeks"


def test_moving_away_and_back_to_the_first_option_then_enter_answers(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, _all_but("onset"), DOWN + UP + ENTER + REVIEW_ACCEPT)
    assert result.answers.get("onset") == "before_starting"


@pytest.mark.parametrize(
    ("question", "given"),
    [
        # An adult answering for themselves: the pointer starts on "6 to 11 years".
        ("age_band", {"red_flags": ["none"], "respondent": "self"}),
        (
            "pregnancy",
            {
                "red_flags": ["none"],
                "respondent": "self",
                "age_band": "adult",
                "indication": "atopic_dermatitis",
            },
        ),
        ("dose_paused", None),
        ("respondent", {"red_flags": ["none"]}),
    ],
)
def test_no_single_choice_is_answered_by_an_enter_on_its_first_option(
    questionnaire: Questionnaire, question: str, given: dict[str, object] | None
) -> None:
    preset = given if given is not None else _all_but(question)
    result = walk(questionnaire, preset, ENTER)
    assert question not in result.answers


def test_an_answer_given_before_is_pointed_at_and_enter_keeps_it(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch")
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "onset") + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == preset["onset"]


# --- Esc and Backspace go back -----------------------------------------------------------------


@pytest.mark.parametrize("key", [ESC, BACKSPACE], ids=["esc", "backspace"])
def test_esc_goes_back_one_question_with_its_answer_and_keeps_the_later_ones(
    questionnaire: Questionnaire, key: str
) -> None:
    preset = _all_but("onset", "treatment_duration", "injection_pattern")
    # onset: 1 to 4 months; time on dupilumab: 4 to 12 months; then back from the injections.
    keys = pick(3) + pick(2) + key
    keys += DOWN + ENTER  # the time on dupilumab, pointed at its answer: one down is over 12
    keys += pick(2) + REVIEW_ACCEPT  # the injections: no
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == "1_to_4_months"
    assert result.answers.get("treatment_duration") == "over_12_months"
    assert result.answers.get("injection_pattern") == "no"


def test_going_back_two_then_forward_shows_each_answer_again_and_enter_keeps_it(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("onset", "treatment_duration", "injection_pattern")
    keys = pick(3) + pick(2) + pick(2)  # 1 to 4 months; 4 to 12 months; no
    keys += ESC + ESC + ESC  # from the review: the injections, the time, the onset
    keys += DOWN + ENTER + ENTER + ENTER + REVIEW_ACCEPT  # onset over 4 months; keep the rest
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == "after_4_months"
    assert result.answers.get("treatment_duration") == "4_to_12_months"
    assert result.answers.get("injection_pattern") == "no"


@pytest.mark.parametrize("key", [ESC, BACKSPACE], ids=["esc", "backspace"])
def test_esc_at_the_first_question_does_nothing_harmful(
    questionnaire: Questionnaire, key: str
) -> None:
    none = questionnaire.question("red_flags").option_ids.index("none")
    result = walk(questionnaire, {}, key + DOWN * none + SPACE + ENTER + key + key)
    assert result.interrupted
    assert dict(result.answers.values) == {"red_flags": ("none",)}


def test_esc_in_the_review_goes_back_to_the_last_question(questionnaire: Questionnaire) -> None:
    preset = _all_but("impact")
    result = walk(questionnaire, preset, pick(2) + ESC + pick(3) + REVIEW_ACCEPT)
    assert not result.interrupted
    assert result.answers.get("impact") == "severe"


def test_esc_while_changing_an_answer_in_the_review_leaves_it_as_it_was(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch")
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "onset") + DOWN + ESC + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == preset["onset"]


# --- a number already given --------------------------------------------------------------------


def test_a_number_given_before_is_replaced_by_what_is_typed_not_added_to(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("impact")  # itch 3, from the ordinary flare
    keys = pick(2) + _review_pick(questionnaire, preset, "itch") + "6" + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("itch") == 6


def test_enter_alone_keeps_the_number_given_before(questionnaire: Questionnaire) -> None:
    preset = _all_but("impact")
    keys = pick(2) + _review_pick(questionnaire, preset, "itch") + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("itch") == 3


# --- two answers that cannot both be true ------------------------------------------------------


def test_a_contradicting_answer_says_why_and_is_asked_again(questionnaire: Questionnaire) -> None:
    preset = _all_but("onset", "treatment_duration")
    # More than 4 months after starting; then less than 4 months on dupilumab: refused.
    keys = pick(4) + pick(1) + pick(2) + REVIEW_ACCEPT
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == "after_4_months"
    assert result.answers.get("treatment_duration") == "4_to_12_months"
    screen = _reads(result.screen)
    assert "cannot both be true" in screen
    assert "'When it started' is 'More than 4 months after starting dupilumab'" in screen
    assert "'Time on dupilumab' is 'Less than 4 months'" in screen


def test_a_contradiction_is_never_recorded_even_when_the_walk_stops_there(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("onset", "treatment_duration")
    result = walk(questionnaire, preset, pick(4) + pick(1))
    assert result.interrupted
    assert "treatment_duration" not in result.answers


def test_a_change_in_the_review_that_contradicts_is_asked_again(
    questionnaire: Questionnaire,
) -> None:
    preset = {**_all_but("itch"), "treatment_duration": "under_4_months"}
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "onset") + "4" + ENTER
    keys += "3" + ENTER + ENTER  # refused: asked again; 1 to 4 months; then the result
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == "1_to_4_months"
    assert "cannot both be true" in _reads(result.screen)
    said = " ".join(_reads(result.screen).split())
    assert "press Esc to go back to the list and pick it there" in said, "in the review already"
    assert "in the review at the end" not in said
