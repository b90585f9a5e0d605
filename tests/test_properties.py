"""Properties over random valid answer sets, generated from the questionnaire data itself.

Any subset of the questions may be answered, with any valid value in any accepted spelling;
`none` is never combined with another option, and the two conditional questions appear only when
`dose_paused` is `yes`. A new question or option in questionnaire.toml is covered with no change
here.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dupi_triage.answers import Answers, parse_answers
from dupi_triage.questionnaire import NONE_OPTION, Question, load_questionnaire
from dupi_triage.render.json import assessment_to_dict
from dupi_triage.scoring import assess
from dupi_triage.scoring.model import Assessment

QUESTIONNAIRE = load_questionnaire()
LEVELS = [level.id for level in QUESTIONNAIRE.levels]
RED_FLAGS = QUESTIONNAIRE.question("red_flags")
FLAGS = [option for option in RED_FLAGS.options if option.red_flag is not None]
EXAMPLES = settings(max_examples=300, deadline=None)


def _spelling(option_id: str) -> st.SearchStrategy[str]:
    return st.sampled_from([option_id, option_id.replace("_", "-"), option_id.upper()])


def _value(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "integer":
        assert question.min is not None
        assert question.max is not None
        return st.integers(question.min, question.max)
    if question.type == "single":
        return st.sampled_from(question.option_ids).flatmap(_spelling)
    others = [option_id for option_id in question.option_ids if option_id != NONE_OPTION]
    chosen = st.lists(st.sampled_from(others), min_size=1, unique=True)
    if NONE_OPTION in question.option_ids:
        chosen = st.one_of(st.just([NONE_OPTION]), chosen)
    # A list (answers file), or one comma-separated string (a flag).
    return chosen.flatmap(lambda ids: st.sampled_from([ids, ",".join(ids)]))


@st.composite
def raw_answers(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for question in QUESTIONNAIRE:
        if question.when is not None and question.when.state(_normalised(raw)) is not True:
            continue
        if draw(st.booleans()):
            raw[question.id] = draw(_value(question))
    return raw


def _normalised(raw: dict[str, Any]) -> dict[str, Any]:
    """Option ids as the parser reads them ("1-to-4-months" is 1_to_4_months)."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip().lower().replace("-", "_") for part in value.split(",")]
            return parts[0] if len(parts) == 1 else tuple(parts)
        if isinstance(value, list):
            return tuple(norm(item) for item in value)
        return value

    return {key: norm(value) for key, value in raw.items()}


def _answers(raw: dict[str, Any]) -> Answers:
    return parse_answers(QUESTIONNAIRE, raw)


def _rank(assessment: Assessment) -> int:
    return LEVELS.index(assessment.level.value)


@EXAMPLES
@given(raw_answers())
def test_same_answers_always_give_the_same_result(raw: dict[str, Any]) -> None:
    answers = _answers(raw)
    first = assessment_to_dict(QUESTIONNAIRE, assess(QUESTIONNAIRE, answers))
    second = assessment_to_dict(QUESTIONNAIRE, assess(QUESTIONNAIRE, answers))
    assert first == second
    replayed = _answers(first["answers"])
    assert assessment_to_dict(QUESTIONNAIRE, assess(QUESTIONNAIRE, replayed)) == first


@EXAMPLES
@given(raw_answers(), st.sampled_from(FLAGS))
def test_adding_a_red_flag_never_lowers_the_level(raw: dict[str, Any], flag: Any) -> None:
    before = assess(QUESTIONNAIRE, _answers(raw))
    flags = [f for f in before.answers.choices("red_flags") if f != NONE_OPTION]
    after = assess(QUESTIONNAIRE, _answers({**raw, "red_flags": [*flags, flag.id]}))
    assert _rank(after) >= _rank(before)
    assert _rank(after) >= LEVELS.index(flag.red_flag)


@EXAMPLES
@given(raw_answers())
def test_without_red_flags_the_level_is_never_below_soon(raw: dict[str, Any]) -> None:
    raw.pop("red_flags", None)
    result = assess(QUESTIONNAIRE, _answers(raw))
    assert result.red_flags_screened is False
    assert _rank(result) >= LEVELS.index("soon")


@EXAMPLES
@given(raw_answers())
def test_drug_link_category_matches_its_score_and_its_items_add_up(raw: dict[str, Any]) -> None:
    drug_link = assess(QUESTIONNAIRE, _answers(raw)).drug_link
    expected = (
        "definite"
        if drug_link.score >= 9
        else "probable"
        if drug_link.score >= 5
        else "possible"
        if drug_link.score >= 1
        else "doubtful"
    )
    assert drug_link.category == expected
    assert sum(item.points for item in drug_link.items) == drug_link.score
    assert [item.number for item in drug_link.items] == list(range(1, 11))


@EXAMPLES
@given(raw_answers())
def test_every_advice_list_names_the_prescriber_and_says_not_to_stop(raw: dict[str, Any]) -> None:
    result = assess(QUESTIONNAIRE, _answers(raw))
    assert "prescriber" in result.advice[0].lower()
    said = " ".join(result.advice).lower()
    if result.hold_next_dose:
        # The label's exception: no further dose until a clinician says it is safe.
        assert "do not take the next" in said
        assert "do not stop" not in said
    else:
        assert "do not stop" in said
    assert "consistent with" in result.tell_your_prescriber[-1]


@EXAMPLES
@given(raw_answers())
def test_a_level_above_routine_always_comes_with_a_reason(raw: dict[str, Any]) -> None:
    result = assess(QUESTIONNAIRE, _answers(raw))
    if result.level.value != "routine":
        assert any(reason.level == result.level for reason in result.level_reasons)
    for reason in result.level_reasons:
        assert reason.reason.strip()
