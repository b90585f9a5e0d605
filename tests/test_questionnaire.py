"""The questionnaire data: the spec's contract ids, plain-language text, and load-time checks."""

from __future__ import annotations

from typing import Any

import pytest

from dupi_triage.questionnaire import Questionnaire, QuestionnaireError
from dupi_triage.questionnaire_loader import parse_questionnaire

# The spec's "Questionnaire contract": question id -> (section, type, option ids).
CONTRACT: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "red_flags": (
        "red_flags",
        "multi",
        (
            "breathing_or_swelling",
            "faint_or_widespread_hives",
            "eye_pain_or_vision",
            "painful_blisters",
            "fever_or_unwell",
            "spreading_infection",
            "sores_or_peeling",
            "none",
        ),
    ),
    "onset": (
        "timing",
        "single",
        ("before_starting", "within_4_weeks", "1_to_4_months", "after_4_months", "unsure"),
    ),
    "injection_pattern": ("timing", "single", ("yes", "no", "unsure")),
    "location": (
        "appearance",
        "multi",
        ("face_neck", "scalp", "injection_site", "usual_eczema_areas", "new_areas", "widespread"),
    ),
    "look": (
        "appearance",
        "multi",
        (
            "typical_eczema",
            "redness_no_scaling",
            "thick_scaly_plaques",
            "greasy_yellow_scale",
            "injection_site_reaction",
            "bumps_or_pustules",
            "red_itchy_eyes",
            "other",
        ),
    ),
    "itch": ("appearance", "integer", ()),
    "impact": ("appearance", "single", ("none", "some", "severe")),
    "dose_paused": ("response", "single", ("yes", "no")),
    "improved_on_pause": ("response", "single", ("yes", "no", "unsure")),
    "returned_on_restart": ("response", "single", ("yes", "no", "not_restarted", "unsure")),
    "usual_treatment_helps": ("response", "single", ("yes", "partly", "no", "not_tried")),
    "alternative_causes": (
        "other_causes",
        "multi",
        (
            "new_skin_products",
            "new_medicine",
            "recent_infection",
            "stress_or_sleep",
            "weather_or_sweat",
            "known_allergen",
            "none",
            "unsure",
        ),
    ),
    "similar_before": ("other_causes", "single", ("yes", "no", "unsure")),
    "confirmed_by_clinician": ("other_causes", "single", ("yes", "no", "unsure")),
    "risk_factors": (
        "risk_factors",
        "multi",
        (
            "other_skin_conditions",
            "injection_sensitivity",
            "immune_variability",
            "poor_skin_barrier",
            "none",
            "unsure",
        ),
    ),
}
# The spec's red-flag list, written out here on purpose: the questionnaire and the invariants in
# dupi_triage/safety.py are both checked against the spec's own words.
EMERGENCY_FLAGS = {
    "breathing_or_swelling",
    "faint_or_widespread_hives",
    "very_unwell",
    "non_blanching_rash",
    "sores_or_peeling",
}
URGENT_FLAGS = {
    "eye_pain_or_vision",
    "painful_blisters",
    "fever_or_unwell",
    "hives_joints_after_dose",
    "face_swelling",
    "target_spots",
    "widespread_pustules",
    "spreading_infection",
    "breath_chest_numbness",
    "red_all_over",
}
HYPERSENSITIVITY_FLAGS = EMERGENCY_FLAGS | {
    "fever_or_unwell",
    "hives_joints_after_dose",
    "face_swelling",
    "target_spots",
    "widespread_pustules",
}


def _question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    question: dict[str, Any] = next(q for q in data["questions"] if q["id"] == question_id)
    return question


def _pattern(data: dict[str, Any], pattern_id: str) -> dict[str, Any]:
    pattern: dict[str, Any] = next(p for p in data["patterns"] if p["id"] == pattern_id)
    return pattern


# --- the contract -------------------------------------------------------------------------------


@pytest.mark.parametrize("question_id", list(CONTRACT))
def test_every_contract_question_exists_with_its_section_type_and_options(
    questionnaire: Questionnaire, question_id: str
) -> None:
    section, qtype, option_ids = CONTRACT[question_id]
    question = questionnaire.question(question_id)
    assert question.section == section
    assert question.type == qtype
    assert set(option_ids) <= set(question.option_ids), (
        f"{question_id} lacks {set(option_ids) - set(question.option_ids)}"
    )


def test_itch_is_a_whole_number_from_0_to_10(questionnaire: Questionnaire) -> None:
    itch = questionnaire.question("itch")
    assert (itch.min, itch.max) == (0, 10)


def test_the_sections_come_in_the_spec_order_with_red_flags_first(
    questionnaire: Questionnaire,
) -> None:
    section_ids = [section.id for section in questionnaire.sections]
    spec_order = [
        "red_flags",
        "about",
        "timing",
        "appearance",
        "response",
        "other_causes",
        "risk_factors",
    ]
    # The spec's sections, in its order; sections added beyond it (the person's own words) follow.
    assert [section for section in section_ids if section in spec_order] == spec_order
    assert section_ids[0] == "red_flags"
    assert questionnaire.questions[0].id == "red_flags"


def test_triage_levels_are_the_four_of_the_spec_lowest_first(questionnaire: Questionnaire) -> None:
    assert [level.id for level in questionnaire.levels] == [
        "routine",
        "soon",
        "urgent",
        "emergency",
    ]


def test_red_flag_options_carry_the_spec_levels(questionnaire: Questionnaire) -> None:
    red_flags = questionnaire.question("red_flags")
    emergency = {o.id for o in red_flags.options if o.red_flag == "emergency"}
    urgent = {o.id for o in red_flags.options if o.red_flag == "urgent"}
    assert emergency == EMERGENCY_FLAGS
    assert urgent == URGENT_FLAGS
    assert red_flags.option("none").red_flag is None
    hold = {o.id for o in red_flags.options if o.hold_next_dose}
    assert hold == HYPERSENSITIVITY_FLAGS


def test_the_safety_invariants_pin_the_spec_levels_and_hold_signs() -> None:
    from dupi_triage.safety import WARNING_SIGNS

    assert {k for k, v in WARNING_SIGNS.items() if v.level == "emergency"} == EMERGENCY_FLAGS
    assert {k for k, v in WARNING_SIGNS.items() if v.level == "urgent"} == URGENT_FLAGS
    assert {k for k, v in WARNING_SIGNS.items() if v.hold_next_dose} == HYPERSENSITIVITY_FLAGS


def test_a_serum_sickness_like_reaction_is_its_own_sign_with_or_without_fever(
    questionnaire: Questionnaire,
) -> None:
    sign = questionnaire.question("red_flags").option("hives_joints_after_dose")
    text = f"{sign.label} {sign.help}".lower()
    assert "serum-sickness" in text
    assert "joint pain" in text
    assert "without a fever" in text
    assert "3 weeks" in text


def test_conditional_questions_are_asked_only_after_a_paused_dose(
    questionnaire: Questionnaire,
) -> None:
    for question_id in ("improved_on_pause", "returned_on_restart"):
        condition = questionnaire.question(question_id).when
        assert condition is not None
        assert condition.questions == ("dose_paused",)
        assert condition.state({"dose_paused": "yes"}) is True
        assert condition.state({"dose_paused": "no"}) is False
        assert condition.state({}) is None
    unconditional = [q.id for q in questionnaire if q.when is None]
    assert "dose_paused" in unconditional


def test_every_question_and_option_has_its_text_and_a_one_line_help(
    questionnaire: Questionnaire,
) -> None:
    for question in questionnaire:
        assert question.text.strip(), question.id
        assert question.short.strip(), question.id
        assert question.help.strip(), question.id
        assert "\n" not in question.help, question.id
        for option in question.options:
            where = f"{question.id}.{option.id}"
            assert option.label.strip(), where
            assert option.help.strip(), where
            assert "\n" not in option.help, where


def test_every_risk_factor_carries_the_source_description_and_impact(
    questionnaire: Questionnaire,
) -> None:
    risk_factors = questionnaire.question("risk_factors")
    assert risk_factors.risk_source
    for option_id in (
        "other_skin_conditions",
        "injection_sensitivity",
        "immune_variability",
        "poor_skin_barrier",
    ):
        option = risk_factors.option(option_id)
        assert option.description, option_id
        assert option.impact, option_id


def test_every_scored_question_cites_its_source(questionnaire: Questionnaire) -> None:
    for question in questionnaire:
        if any(option.points is not None for option in question.options):
            assert "NARANJO" in (question.points_source or ""), question.id


def test_the_drug_link_scale_has_all_ten_naranjo_items(questionnaire: Questionnaire) -> None:
    assert [item.number for item in questionnaire.drug_link.items] == list(range(1, 11))
    assert "Naranjo" in questionnaire.drug_link.name
    assert "NARANJO" in questionnaire.drug_link.source


def test_the_unmutated_data_parses_to_the_loaded_questionnaire(
    questionnaire: Questionnaire, questionnaire_data: dict[str, Any]
) -> None:
    """The baseline for the load-error tests below: only their one change makes loading fail."""
    parsed = parse_questionnaire(questionnaire_data)

    def shape(q: Questionnaire) -> list[tuple[object, ...]]:
        return [(x.id, x.section, x.type, x.options, x.when) for x in q]

    assert shape(parsed) == shape(questionnaire)


# --- load errors --------------------------------------------------------------------------------


def test_duplicate_question_id_is_a_load_error(questionnaire_data: dict[str, Any]) -> None:
    _question(questionnaire_data, "injection_pattern")["id"] = "onset"
    with pytest.raises(QuestionnaireError, match="duplicate question id 'onset'"):
        parse_questionnaire(questionnaire_data)


def test_duplicate_option_id_is_a_load_error(questionnaire_data: dict[str, Any]) -> None:
    _question(questionnaire_data, "onset")["options"][1]["id"] = "before_starting"
    with pytest.raises(
        QuestionnaireError, match=r"duplicate .*onset.* option id 'before_starting'"
    ):
        parse_questionnaire(questionnaire_data)


def test_condition_naming_an_unknown_question_is_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    _question(questionnaire_data, "improved_on_pause")["when"]["question"] = "dose_pause"
    with pytest.raises(QuestionnaireError, match="unknown question 'dose_pause'"):
        parse_questionnaire(questionnaire_data)


def test_condition_naming_an_unknown_option_is_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    _question(questionnaire_data, "returned_on_restart")["when"]["is"] = "maybe"
    with pytest.raises(QuestionnaireError, match="unknown option 'maybe'"):
        parse_questionnaire(questionnaire_data)


def test_pattern_sign_naming_an_unknown_question_is_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    _pattern(questionnaire_data, "conjunctivitis")["key"][0] = "looks.red_itchy_eyes"
    with pytest.raises(QuestionnaireError, match="unknown question 'looks'"):
        parse_questionnaire(questionnaire_data)


def test_pattern_sign_naming_an_unknown_option_is_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    _pattern(questionnaire_data, "facial_redness")["support"].append("location.elbows")
    with pytest.raises(QuestionnaireError, match="unknown option 'elbows'"):
        parse_questionnaire(questionnaire_data)


def test_points_without_a_source_are_a_load_error(questionnaire_data: dict[str, Any]) -> None:
    del _question(questionnaire_data, "onset")["points_source"]
    with pytest.raises(QuestionnaireError, match="points_source"):
        parse_questionnaire(questionnaire_data)


def test_points_on_an_unscored_question_without_a_source_are_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    for option in _question(questionnaire_data, "impact")["options"]:
        option["points"] = 1
    with pytest.raises(QuestionnaireError, match="impact"):
        parse_questionnaire(questionnaire_data)


def test_red_flag_options_without_a_source_are_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    del _question(questionnaire_data, "red_flags")["red_flag_source"]
    with pytest.raises(QuestionnaireError, match="red_flag_source"):
        parse_questionnaire(questionnaire_data)


def test_a_pattern_without_a_source_is_a_load_error(questionnaire_data: dict[str, Any]) -> None:
    del _pattern(questionnaire_data, "psoriasiform")["source"]
    with pytest.raises(QuestionnaireError, match=r"psoriasiform.*source"):
        parse_questionnaire(questionnaire_data)


def test_risk_descriptions_without_a_source_are_a_load_error(
    questionnaire_data: dict[str, Any],
) -> None:
    del _question(questionnaire_data, "risk_factors")["risk_source"]
    with pytest.raises(QuestionnaireError, match="risk_source"):
        parse_questionnaire(questionnaire_data)


def test_red_flags_not_asked_first_is_a_load_error(questionnaire_data: dict[str, Any]) -> None:
    questions = questionnaire_data["questions"]
    sections = questionnaire_data["sections"]
    questionnaire_data["questions"] = [*questions[1:], questions[0]]
    questionnaire_data["sections"] = [*sections[1:], sections[0]]
    with pytest.raises(QuestionnaireError, match="red_flags"):
        parse_questionnaire(questionnaire_data)
