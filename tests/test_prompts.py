"""Every prompt, driven with real key presses through prompt_toolkit's pipe input.

As in questionary's own tests, keys go into a pipe. What the prompts draw (progress, help, the
question, its options and notes) and what the tool prints between them (headings, alerts) go to
one buffer, read back as text without the escape codes. The pipe is closed after the keys, so a
walk that asks more than expected ends (as an interruption) instead of waiting for keys that
never come.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console

from dupi_triage.answers import Answers, applicable_questions, parse_answers
from dupi_triage.prompts import Interrupted, run_questionnaire
from dupi_triage.questionnaire import Questionnaire
from tests.conftest import ORDINARY_FLARE

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"
SPACE = " "
BACKSPACE = "\x7f"
CTRL_C = "\x03"
CTRL_D = "\x04"
ESC = "\x1b"
# The review lists "Looks right" first, then every question that applies, in order.
REVIEW_ACCEPT = ENTER


def pick(number: int) -> str:
    """Type an option's number (1 for the first), then Enter."""
    return f"{number}{ENTER}"


@dataclass(frozen=True)
class Walked:
    answers: Answers
    screen: str
    interrupted: bool


ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\r")


def walk(
    questionnaire: Questionnaire, preset: Mapping[str, object], keys: str, columns: int = 100
) -> Walked:
    screen = io.StringIO()
    console = Console(file=screen, width=columns, color_system=None)
    output = Vt100_Output(screen, lambda: Size(rows=60, columns=columns), enable_cpr=False)
    given = parse_answers(questionnaire, preset, orphans=True)  # as an interactive run allows
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        try:
            answers = run_questionnaire(
                questionnaire, given, console=console, input=pipe, output=output
            )
        except Interrupted as stop:
            return Walked(stop.answers, _text(screen), interrupted=True)
    return Walked(answers, _text(screen), interrupted=False)


def _text(screen: io.StringIO) -> str:
    """What was drawn, as text: the escape codes (colours, cursor moves) taken out."""
    return ESCAPES.sub("", screen.getvalue())


def _all_but(*question_ids: str) -> dict[str, object]:
    """The ordinary flare but for these questions; the person's own words left empty (asked and
    skipped), so that each walk here ends at the review."""
    own_words = {"anything_else": ""}
    answers = {**ORDINARY_FLARE, **own_words}
    return {k: v for k, v in answers.items() if k not in question_ids}


def _review_pick(questionnaire: Questionnaire, answers: Mapping[str, object], target: str) -> str:
    """Keys that move from "Looks right" to `target` in the review list (separator skipped)."""
    applicable = [q.id for q in questionnaire if q.when is None or q.when.state(answers) is True]
    return DOWN * (applicable.index(target) + 1) + ENTER


# --- each kind of prompt ------------------------------------------------------------------------


def test_a_select_question_is_answered_with_arrows_and_enter(questionnaire: Questionnaire) -> None:
    result = walk(questionnaire, _all_but("onset"), DOWN + DOWN + ENTER + REVIEW_ACCEPT)
    assert not result.interrupted
    assert result.answers.get("onset") == "1_to_4_months"


def test_a_checkbox_question_toggles_with_space_and_ends_with_enter(
    questionnaire: Questionnaire,
) -> None:
    keys = SPACE + DOWN + SPACE + DOWN + DOWN + DOWN + DOWN + ENTER + REVIEW_ACCEPT
    result = walk(questionnaire, _all_but("location"), keys)
    assert not result.interrupted
    assert result.answers.get("location") == ("face_neck", "scalp")
    location = questionnaire.question("location")
    picked = f"Picked: {location.option('face_neck').label}; {location.option('scalp').label}."
    assert picked in " ".join(result.screen.split()), "the echo names what was picked"


def test_a_checkbox_needs_at_least_one_choice(questionnaire: Questionnaire) -> None:
    keys = ENTER + DOWN + SPACE + ENTER + REVIEW_ACCEPT
    result = walk(questionnaire, _all_but("location"), keys)
    assert not result.interrupted
    assert result.answers.get("location") == ("scalp",)


def test_a_checkbox_refuses_none_with_other_options(questionnaire: Questionnaire) -> None:
    # new_skin_products, then "Nothing like this" (7th): refused; untick it and accept.
    keys = SPACE + DOWN * 6 + SPACE + ENTER + SPACE + ENTER + REVIEW_ACCEPT
    result = walk(questionnaire, _all_but("alternative_causes"), keys)
    assert not result.interrupted
    assert result.answers.get("alternative_causes") == ("new_skin_products",)


def test_the_itch_number_is_typed_and_out_of_range_values_are_asked_again(
    questionnaire: Questionnaire,
) -> None:
    keys = "11" + ENTER + BACKSPACE * 2 + "²" + ENTER + BACKSPACE + "x" + ENTER
    keys += BACKSPACE + "7" + ENTER + REVIEW_ACCEPT
    result = walk(questionnaire, _all_but("itch"), keys)
    assert not result.interrupted
    assert result.answers.get("itch") == 7


def test_an_out_of_range_itch_is_never_accepted(questionnaire: Questionnaire) -> None:
    result = walk(questionnaire, _all_but("itch"), "11" + ENTER)
    assert result.interrupted
    assert "itch" not in result.answers


# --- order, progress, conditions ----------------------------------------------------------------


def test_red_flags_are_asked_first_with_progress(questionnaire: Questionnaire) -> None:
    none = questionnaire.question("red_flags").option_ids.index("none")
    result = walk(questionnaire, {}, DOWN * none + SPACE + ENTER + CTRL_C)
    assert result.interrupted
    assert dict(result.answers.values) == {"red_flags": ("none",)}
    first_line = result.screen.strip().splitlines()[0]
    assert first_line.startswith(f"Section 1 of {len(questionnaire.sections)}: Warning signs")
    from dupi_triage.answers import Answers, applicable_questions

    applicable = len(applicable_questions(questionnaire, Answers()))
    assert f"Question 1 of {applicable}" in result.screen
    second = questionnaire.sections[1].title
    assert f"Section 2 of {len(questionnaire.sections)}: {second}" in result.screen


def test_the_conditional_questions_follow_dose_paused_yes(questionnaire: Questionnaire) -> None:
    keys = pick(1) + pick(1) + pick(3) + REVIEW_ACCEPT
    result = walk(questionnaire, _all_but("dose_paused"), keys)
    assert not result.interrupted
    assert result.answers.get("dose_paused") == "yes"
    assert result.answers.get("improved_on_pause") == "yes"
    assert result.answers.get("returned_on_restart") == "not_restarted"
    assert questionnaire.question("improved_on_pause").help in result.screen


def test_the_conditional_questions_are_not_asked_after_dose_paused_no(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, _all_but("dose_paused"), DOWN + ENTER + REVIEW_ACCEPT)
    assert not result.interrupted
    assert result.answers.get("dose_paused") == "no"
    assert "improved_on_pause" not in result.answers
    assert "returned_on_restart" not in result.answers
    assert questionnaire.question("improved_on_pause").help not in result.screen


def test_answers_given_up_front_are_kept_and_not_asked_again(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch", "impact")
    result = walk(questionnaire, preset, "5" + ENTER + DOWN + ENTER + REVIEW_ACCEPT)
    assert not result.interrupted
    assert result.answers == parse_answers(questionnaire, {**preset, "itch": 5, "impact": "some"})
    total = len(applicable_questions(questionnaire, result.answers))
    assert f"Question {total - 1} of {total}. {total - 2} questions already answered." in " ".join(
        result.screen.split()
    ), "answers given up front count as done: the walk does not start again at 1"
    assert f"Question {total} of {total}." in result.screen
    for question in questionnaire:
        if question.id not in ("itch", "impact"):
            assert question.help not in result.screen, f"{question.id} was asked again"


def test_a_complete_set_of_answers_asks_nothing(questionnaire: Questionnaire) -> None:
    result = walk(questionnaire, ORDINARY_FLARE, "")
    assert not result.interrupted
    assert result.answers == parse_answers(questionnaire, ORDINARY_FLARE)


# --- red flags ----------------------------------------------------------------------------------


def test_an_emergency_red_flag_shows_the_emergency_advice_and_the_person_can_stop(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, {}, SPACE + ENTER + ENTER)
    assert not result.interrupted
    assert dict(result.answers.values) == {"red_flags": ("breathing_or_swelling",)}
    screen = " ".join(result.screen.split())
    assert "EMERGENCY" in screen
    assert "Call your local emergency number now" in screen
    assert f"Section 2 of {len(questionnaire.sections)}" not in screen


def test_the_emergency_advice_comes_before_any_further_question(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, {}, DOWN + SPACE + ENTER + DOWN + ENTER + CTRL_C)
    assert result.interrupted
    assert result.answers.get("red_flags") == ("faint_or_widespread_hives",)
    screen = " ".join(result.screen.split())
    assert f"Section 2 of {len(questionnaire.sections)}" in screen, (
        "finishing the questions should go on to the next one"
    )
    assert screen.index("Call your local emergency number now") < screen.index(
        f"Section 2 of {len(questionnaire.sections)}"
    )


def test_an_urgent_red_flag_shows_urgent_advice_and_carries_on(
    questionnaire: Questionnaire,
) -> None:
    eye = questionnaire.question("red_flags").option_ids.index("eye_pain_or_vision")
    result = walk(questionnaire, {}, DOWN * eye + SPACE + ENTER + CTRL_C)
    assert result.answers.get("red_flags") == ("eye_pain_or_vision",)
    screen = " ".join(result.screen.split())
    assert "URGENT" in screen
    assert "today" in screen
    assert screen.index("today") < screen.index(f"Section 2 of {len(questionnaire.sections)}")


def test_an_emergency_red_flag_given_up_front_is_shown_before_any_question(
    questionnaire: Questionnaire,
) -> None:
    """`dupi-triage --red-flags breathing-or-swelling`: safety rule 2 holds for flags too."""
    result = walk(questionnaire, {"red_flags": ["breathing_or_swelling"]}, ENTER)
    screen = " ".join(result.screen.split())
    assert "Call your local emergency number now" in screen
    assert f"Section 2 of {len(questionnaire.sections)}" not in screen
    assert not result.interrupted
    assert dict(result.answers.values) == {"red_flags": ("breathing_or_swelling",)}


def test_an_urgent_red_flag_given_up_front_is_shown_before_the_first_question(
    questionnaire: Questionnaire,
) -> None:
    result = walk(questionnaire, {"red_flags": ["painful_blisters"]}, CTRL_C)
    assert result.interrupted
    screen = " ".join(result.screen.split())
    assert "URGENT" in screen
    assert screen.index("today") < screen.index(f"Section 2 of {len(questionnaire.sections)}")


# --- the review step ----------------------------------------------------------------------------


def test_the_review_accepts_with_enter(questionnaire: Questionnaire) -> None:
    result = walk(questionnaire, _all_but("itch"), "4" + ENTER + ENTER)
    assert not result.interrupted
    assert result.answers.get("itch") == 4


def test_the_review_waits_for_an_answer_before_the_result(questionnaire: Questionnaire) -> None:
    result = walk(questionnaire, _all_but("itch"), "4" + ENTER)
    assert result.interrupted, "the review step should ask before showing the result"


def test_the_review_changes_an_answer_and_returns_to_the_review(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch")
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "onset") + DOWN + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("onset") == "within_4_weeks"
    assert result.answers.get("itch") == 4
    assert result.answers.get("look") == ("typical_eczema",)


def test_the_review_can_change_an_answer_given_up_front(questionnaire: Questionnaire) -> None:
    preset = _all_but("itch")
    change_itch = _review_pick(questionnaire, preset, "itch") + "9" + ENTER
    keys = "4" + ENTER + change_itch + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("itch") == 9


def test_changing_dose_paused_to_yes_in_the_review_asks_the_two_conditional_questions(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch")
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "dose_paused") + UP + ENTER
    keys += pick(1) + pick(2) + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("dose_paused") == "yes"
    assert result.answers.get("improved_on_pause") == "yes"
    assert result.answers.get("returned_on_restart") == "no"


def test_changing_dose_paused_to_no_in_the_review_drops_the_conditional_answers(
    questionnaire: Questionnaire,
) -> None:
    preset = {
        **_all_but("itch"),
        "dose_paused": "yes",
        "improved_on_pause": "yes",
        "returned_on_restart": "yes",
    }
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "dose_paused") + DOWN + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("dose_paused") == "no"
    assert "improved_on_pause" not in result.answers
    assert "returned_on_restart" not in result.answers


def test_adding_an_emergency_red_flag_in_the_review_shows_the_emergency_advice(
    questionnaire: Questionnaire,
) -> None:
    preset = _all_but("itch")
    # Tick "trouble breathing", untick "None of these", Enter; then stop there.
    none = questionnaire.question("red_flags").option_ids.index("none")
    keys = "4" + ENTER + _review_pick(questionnaire, preset, "red_flags")
    keys += SPACE + DOWN * none + SPACE + ENTER + ENTER
    result = walk(questionnaire, preset, keys)
    assert not result.interrupted
    assert result.answers.get("red_flags") == ("breathing_or_swelling",)
    assert "Call your local emergency number now" in " ".join(result.screen.split())


# --- stopping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D])
@pytest.mark.parametrize(
    ("unanswered", "before"),
    [
        (("onset", "impact"), DOWN + ENTER),  # stops at a select
        (("onset", "location"), pick(1)),  # stops at a checkbox
        (("onset", "itch"), pick(1)),  # stops at the number
        (("onset",), pick(1)),  # stops at the review
    ],
)
def test_ctrl_c_and_ctrl_d_stop_with_the_answers_so_far(
    questionnaire: Questionnaire, key: str, unanswered: tuple[str, ...], before: str
) -> None:
    preset = _all_but(*unanswered)
    result = walk(questionnaire, preset, before + key)
    assert result.interrupted
    expected = dict(parse_answers(questionnaire, preset).values)
    expected["onset"] = "within_4_weeks" if before == DOWN + ENTER else "before_starting"
    assert dict(result.answers.values) == expected


def test_interrupted_carries_the_answers(questionnaire: Questionnaire) -> None:
    stop = Interrupted(parse_answers(questionnaire, {"red_flags": "none"}))
    assert stop.answers.get("red_flags") == ("none",)
